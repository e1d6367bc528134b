"""The workflow's steps on a case, from confirming a report to the resident's rating, and its
branches: return, escalate, extension, rework, shelve, supervise, void. Each is one `transition`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core.clock import Clock, add_time, warning_time
from gongzhi.core.errors import ActionError, Conflict, NotAllowed, NotFound
from gongzhi.core.models import Channel
from gongzhi.insights.counters import close_time_metrics
from gongzhi.orgs.models import Organisation, OrgKind

from .. import workflow
from ..models import Case, CasePhoto, Rating, Status, Step, Tier
from .base import (
    Actor,
    Transition,
    add_step,
    begin,
    clean_photos,
    grid_staff,
    holders,
    locked,
    require,
    save,
    tell,
    transition,
    unit_key,
)
from .rules import rule_in_force

MAX_EXTENSION_DAYS = 10


def confirm(
    actor: Actor,
    case_id: int,
    *,
    note: str = "",
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """核实: the report is real and in scope."""
    with transition(actor, case_id, "confirm", seen_version=seen_version, channel=channel) as t:
        t.note = note
        t.count(valid=1)
    return t.case


def register(
    actor: Actor,
    case_id: int,
    *,
    note: str = "",
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """立案: the case is taken on; its closing deadline is set from the rules it was registered under."""
    with transition(actor, case_id, "register", seen_version=seen_version, channel=channel) as t:
        case = t.case
        # From here on the case follows the rules in force when it was registered (until now, those
        # in force when it was reported), whatever an administrator changes later.
        case.rule = rule_in_force(case.category, t.now)
        case.registered_at = t.now
        due = t.now
        for step in (Step.DISPATCH, Step.HANDLE, Step.VERIFY, Step.CLOSE):
            amount, clock = case.rule.deadline(step)
            due = add_time(due, amount, clock)
        case.close_due_at = due
        t.changed("rule", "registered_at", "close_due_at")
        t.note = note
        t.count(registered=1)
    return case


def decline(
    actor: Actor,
    case_id: int,
    *,
    reason: str,
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """不予立案, with the reason the reporter is told."""
    reason = require(reason, _("the reason"), "reason")
    with transition(actor, case_id, "decline", seen_version=seen_version, channel=channel) as t:
        case = t.case
        case.public_answer = reason
        t.changed("public_answer")
        t.note, t.summary = reason, reason[:100]
        t.count(declined=1)
        t.notify(
            [case.reporter],
            _("Case %(number)s was not registered") % {"number": case.number},
            reason,
        )
    return case


def dispatch(
    actor: Actor,
    case_id: int,
    *,
    tier: str,
    unit: Organisation | None = None,
    note: str = "",
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """派遣 to a tier (the grid itself, the community, the street, the command centre) or a department."""
    if tier not in Tier.values:
        raise ActionError(_("Choose where to send the case."), field="tier")
    target = Tier(tier)
    if unit is not None and unit.kind != OrgKind.DEPARTMENT:
        raise ActionError(
            _("Cases are dispatched to departments, not to %(kind)s.")
            % {"kind": unit.get_kind_display()},
            field="unit",
        )
    if unit is not None:
        target = Tier.STREET
    with transition(actor, case_id, "dispatch", seen_version=seen_version, channel=channel) as t:
        case = t.case
        lowest = Tier(case.rule.lowest_tier)
        if workflow.TIER_RANK[target] < workflow.TIER_RANK[lowest]:
            raise ActionError(
                _("%(category)s is settled at the %(tier)s tier or above.")
                % {"category": case.category.name, "tier": lowest.label},
                field="tier",
            )
        mine = workflow.user_tier(actor, case)
        if unit is None and (mine is None or workflow.TIER_RANK[target] > workflow.TIER_RANK[mine]):
            raise ActionError(
                _("To send a case to a higher tier, report it up (escalate)."), field="tier"
            )
        from_tier = case.tier
        case.tier = target
        case.assigned_scope = workflow.tier_scope(target, case.grid_code)
        case.assigned_unit = unit
        amount, clock = case.rule.deadline(Step.HANDLE)
        case.handle_due_at = add_time(t.now, amount, clock)
        t.changed("tier", "assigned_scope", "assigned_unit", "handle_due_at")
        t.note = note
        t.data = {
            "from_tier": from_tier,
            # A return goes back to the tier of whoever dispatched (a community worker may
            # dispatch a case the grid registered: it comes back to the community).
            "dispatcher_tier": mine or from_tier,
            "tier": target,
            "unit": unit.name if unit else "",
        }
        t.summary = f"{target} {unit or ''}"
        t.count(dispatched=1)
        t.notify(holders(case), _("Case %(number)s dispatched to you") % {"number": case.number})
    return case


def accept(
    actor: Actor, case_id: int, *, seen_version: int | None = None, channel: str = Channel.WEB
) -> Case:
    """The handler takes the case on (counts as the response)."""
    # The handling time runs from the dispatch: accepting does not restart its clock, its light or
    # the reminders scheduled with it.
    with transition(
        actor, case_id, "accept", seen_version=seen_version, channel=channel, restart_clock=False
    ) as t:
        t.count(responded=1)
    return t.case


def respond(
    actor: Actor,
    case_id: int,
    *,
    note: str,
    photos: Any = (),
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """反馈: the handler reports what was done, with photos of the result."""
    note = require(note, _("what was done"))
    clean = clean_photos(photos)
    with transition(actor, case_id, "respond", seen_version=seen_version, channel=channel) as t:
        case = t.case
        on_time = case.handle_due_at is None or t.now <= case.handle_due_at
        case.responded_at = t.now
        t.changed("responded_at")
        t.note, t.on_time = note, on_time
        t.photos = (clean, CasePhoto.Purpose.RESULT)
        first_response = t.before == Status.DISPATCHED
        t.count(
            handled=1,
            handled_on_time=int(on_time),
            **({"responded": 1} if first_response else {}),
        )
        t.notify(
            grid_staff(case), _("Case %(number)s is ready to verify") % {"number": case.number}
        )
    return case


def _hand_to_tier(t: Transition, tier: Tier) -> None:
    """The case waits, registered, for the dispatchers of `tier` (after a return or an escalation).
    The timeline and the counters credit the unit that held it until now."""
    case = t.case
    t.unit = unit_key(case)
    case.tier = tier
    case.assigned_scope = workflow.tier_scope(tier, case.grid_code)
    case.assigned_unit = None
    case.handle_due_at = None
    case.pending_extension = None
    t.changed("tier", "assigned_scope", "assigned_unit", "handle_due_at", "pending_extension")


def return_case(
    actor: Actor,
    case_id: int,
    *,
    reason: str,
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """退回: the handler sends the case back to whoever dispatched it, with the reason."""
    reason = require(reason, _("the reason"), "reason")
    with transition(actor, case_id, "return", seen_version=seen_version, channel=channel) as t:
        case = t.case
        t.count(returned=1)
        last = case.steps.filter(action="dispatch").order_by("-at", "-id").first()
        back_to = (
            Tier(last.data.get("dispatcher_tier") or last.data.get("from_tier", Tier.COMMUNITY))
            if last
            else Tier.COMMUNITY
        )
        _hand_to_tier(t, back_to)
        t.note, t.summary = reason, reason[:100]
        t.notify(holders(case), _("Case %(number)s was returned") % {"number": case.number}, reason)
    return case


def escalate(
    actor: Actor,
    case_id: int,
    *,
    reason: str,
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """上报上级: beyond this tier, to the next one up (小事不出网格、大事不出社区)."""
    reason = require(reason, _("the reason"), "reason")
    with transition(actor, case_id, "escalate", seen_version=seen_version, channel=channel) as t:
        case = t.case
        t.count(escalated=1)
        up = workflow.NEXT_TIER[Tier(case.tier)]
        _hand_to_tier(t, up)
        t.note, t.data, t.summary = reason, {"tier": up}, f"{up}: {reason[:80]}"
        t.notify(
            holders(case),
            _("Case %(number)s was reported up to you") % {"number": case.number},
            reason,
        )
    return case


def request_extension(
    actor: Actor,
    case_id: int,
    *,
    days: int,
    reason: str,
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """延期申请: up to 10 working days more, with the reason."""
    reason = require(reason, _("the reason"), "reason")
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ActionError(
            _("An extension is 1 to %(max)d working days.") % {"max": MAX_EXTENSION_DAYS},
            field="days",
        )
    with transition(
        actor, case_id, "request_extension", seen_version=seen_version, channel=channel
    ) as t:
        t.case.pending_extension = days
        t.changed("pending_extension")
        t.note, t.data, t.summary = reason, {"days": days}, f"{days}: {reason[:80]}"
    return t.case


def decide_extension(
    actor: Actor,
    case_id: int,
    *,
    approve: bool,
    note: str = "",
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """延期审批: an approval moves the handling and closing deadlines by the days asked."""
    with transition(
        actor, case_id, "decide_extension", seen_version=seen_version, channel=channel
    ) as t:
        case = t.case
        days = case.pending_extension or 0
        case.pending_extension = None
        t.changed("pending_extension")
        if approve:
            if case.handle_due_at:
                case.handle_due_at = add_time(case.handle_due_at, days, Clock.WORKING_DAYS)
                case.step_due_at = case.handle_due_at
                # The warning and the reminders follow the new deadline.
                case.step_warn_at = warning_time(
                    case.step_started_at, case.step_due_at, case.step_clock or Clock.URGENT_HOURS
                )
                case.reminders_sent = 0
                t.changed("handle_due_at", "step_due_at", "step_warn_at", "reminders_sent")
            if case.close_due_at:
                case.close_due_at = add_time(case.close_due_at, days, Clock.WORKING_DAYS)
                t.changed("close_due_at")
            t.count(extended=1)
        t.step_action = "approve_extension" if approve else "reject_extension"
        t.note, t.data = note, {"days": days}
        t.summary = f"{'approved' if approve else 'rejected'} {days}"
        t.notify(
            holders(case),
            (
                _("Extension of case %(number)s approved")
                if approve
                else _("Extension of case %(number)s refused")
            )
            % {"number": case.number},
            note,
        )
    return case


def verify(
    actor: Actor,
    case_id: int,
    *,
    passed: bool,
    note: str = "",
    photos: Any = (),
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """核查 on site: passed → ready to close; failed → rework by the same handler."""
    if not passed:
        note = require(note, _("what is still wrong"))
    clean = clean_photos(photos)
    action = "verify" if passed else "rework"
    with transition(actor, case_id, action, seen_version=seen_version, channel=channel) as t:
        case = t.case
        t.note = note
        t.photos = (clean, CasePhoto.Purpose.VERIFY)
        if not passed:
            _reopen(t)
            t.notify(
                holders(case),
                _("Case %(number)s failed verification") % {"number": case.number},
                note,
            )
    return case


def _reopen(t: Transition) -> None:
    """Rework by the same handler. The handling that did not stand is taken off the day it was
    counted, as an unsatisfied rating takes back the closure, so that handled stays 0/1 per case."""
    case = t.case
    last = case.steps.filter(action="respond").order_by("-at", "-id").first()
    if last is not None:
        t.count_back(last.at, handled=-1, handled_on_time=-int(bool(last.on_time)))
    case.rework_count += 1
    amount, clock = case.rule.deadline(Step.HANDLE)
    case.handle_due_at = add_time(t.now, amount, clock)
    t.changed("rework_count", "handle_due_at")
    t.enter(Status.HANDLING)
    t.count(reworked=1)


def close(
    actor: Actor,
    case_id: int,
    *,
    note: str = "",
    public_answer: str = "",
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """结案. The public answer is what the echo wall shows beside the report."""
    with transition(actor, case_id, "close", seen_version=seen_version, channel=channel) as t:
        case = t.case
        on_time = case.close_due_at is None or t.now <= case.close_due_at
        case.closed_at = t.now
        case.public_answer = (public_answer or note).strip()[:4000]
        # After an unsatisfied rating and rework, the new result awaits a new rating.
        case.rating, case.rating_comment = "", ""
        t.changed("closed_at", "public_answer", "rating", "rating_comment")
        t.note, t.on_time = note, on_time
        t.count(
            closed=1,
            closed_on_time=int(on_time),
            **close_time_metrics(case.reported_at, t.now),
        )
        t.notify(
            [case.reporter],
            _("Case %(number)s is closed: please rate it") % {"number": case.number},
            case.public_answer,
        )
    return case


def rate(
    actor: Actor, case_id: int, *, rating: str, comment: str = "", channel: str = Channel.WEB
) -> Case:
    """The reporter's rating. Unsatisfied reopens the case for rework."""
    if rating not in Rating.values:
        raise ActionError(
            _("Choose satisfied, basically satisfied or unsatisfied."), field="rating"
        )
    with transition(actor, case_id, "rate", channel=channel) as t:
        case = t.case
        case.rating, case.rating_comment = rating, comment.strip()[:500]
        t.changed("rating", "rating_comment")
        t.count(**{f"rated_{rating}": 1})
        if rating == Rating.UNSATISFIED:
            # The closure no longer stands: take it off the day it was counted, and rework.
            last_close = case.steps.filter(action="close").order_by("-at", "-id").first()
            if case.closed_at is not None:
                t.count_back(
                    case.closed_at,
                    closed=-1,
                    closed_on_time=-int(bool(last_close and last_close.on_time)),
                    **close_time_metrics(case.reported_at, case.closed_at, sign=-1),
                )
            _reopen(t)
            case.closed_at = None
            t.changed("closed_at")
            t.notify(
                holders(case),
                _("Case %(number)s reopened: the resident is unsatisfied")
                % {"number": case.number},
                comment,
            )
        t.note, t.data, t.summary = comment, {"rating": rating}, rating
    return case


def follow_up(actor: Actor, case_id: int, *, note: str, channel: str = Channel.WEB) -> Case:
    """回访: the call-back to the resident, recorded."""
    note = require(note, _("what the resident said"))
    with transition(actor, case_id, "follow_up", channel=channel) as t:
        t.note = note
    return t.case


def shelve(
    actor: Actor,
    case_id: int,
    *,
    reason: str,
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """挂账: recorded as not solvable now."""
    reason = require(reason, _("the reason"), "reason")
    with transition(actor, case_id, "shelve", seen_version=seen_version, channel=channel) as t:
        t.note, t.summary = reason, reason[:100]
        t.count(shelved=1)
    return t.case


def unshelve(actor: Actor, case_id: int, *, note: str = "", channel: str = Channel.WEB) -> Case:
    """Back to its tier to be dispatched afresh: the department it was with no longer holds it."""
    with transition(actor, case_id, "unshelve", channel=channel) as t:
        case = t.case
        case.assigned_unit = None
        case.handle_due_at = None
        case.pending_extension = None
        t.changed("assigned_unit", "handle_due_at", "pending_extension")
        t.note = note
    return case


def supervise(
    actor: Actor, case_id: int, *, note: str, remind: bool = False, channel: str = Channel.WEB
) -> Case:
    """督办 (or 催办 when `remind`): a note on the timeline and a message to whoever holds the case."""
    note = require(note, _("the instruction"))
    with transition(actor, case_id, "supervise", channel=channel) as t:
        t.step_action = "remind" if remind else "supervise"
        t.audit_action = f"cases.{t.step_action}"
        t.note, t.summary = note, note[:100]
        title = (
            _("Reminder on case %(number)s")
            if remind
            else _("Case %(number)s is under supervision")
        )
        t.notify(holders(t.case), title % {"number": t.case.number}, note)
    return t.case


def void(
    actor: Actor,
    case_id: int,
    *,
    reason: str = "",
    duplicate_of: int | None = None,
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """作废, e.g. a duplicate: merged into the original, which counts one more reporter."""
    if duplicate_of is None:
        reason = require(reason, _("the reason"), "reason")
    elif duplicate_of == case_id:
        raise ActionError(_("A case cannot duplicate itself."), field="duplicate_of")
    with transaction.atomic():
        original = None
        if duplicate_of is not None:
            # Lock both in id order so that two merges at once cannot deadlock.
            both = {pk: locked(pk) for pk in sorted((case_id, duplicate_of))}
            case, original = both[case_id], both[duplicate_of]
            if not original.is_open and original.status != Status.CLOSED:
                raise Conflict(
                    _("Case %(number)s is not open; merge into an open case.")
                    % {"number": original.number}
                )
        else:
            case = locked(case_id)
        t = begin(actor, case, "void", seen_version)
        if original is not None and not workflow.triages(actor, original):
            raise NotAllowed(
                _("You may not merge into case %(number)s.") % {"number": original.number}
            )
        case.duplicate_of = original
        t.changed("duplicate_of")
        t.note = reason or _("Duplicate of case %(number)s") % {
            "number": original.number if original else ""
        }
        t.data = {"duplicate_of": original.number if original else ""}
        t.summary = t.note[:100]
        t.count(voided=1)
        t.finish(restart_clock=True, channel=channel)
        if original is not None:
            _merge_into(t, original)
    return case


def merge(
    actor: Actor,
    case_id: int,
    other_id: int,
    *,
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """Two reports of one problem: the later joins the earlier (void + link), which counts one more
    reporter. `seen_version` is the version of `case_id` as the person saw it."""
    reported = dict(
        Case.objects.filter(pk__in=(case_id, other_id)).values_list("pk", "reported_at")
    )
    if case_id == other_id:
        raise ActionError(_("A case cannot duplicate itself."), field="duplicate_of")
    if len(reported) < 2:
        raise NotFound(_("No such case."))
    earlier, later = sorted((case_id, other_id), key=lambda pk: (reported[pk], pk))
    return void(
        actor,
        later,
        duplicate_of=earlier,
        seen_version=seen_version if later == case_id else None,
        channel=channel,
    )


def _merge_into(t: Transition, original: Case) -> None:
    """The original counts the duplicate's reporters, and its timeline says so."""
    case = t.case
    original.me_too += 1 + case.me_too
    save(original, "me_too")
    add_step(
        original,
        "merge",
        t.actor,
        t.now,
        original.status,
        note=case.number,
        data={"merged": case.number},
    )
    if case.reporter_id:
        tell(
            [case.reporter],
            original,
            _("Your report %(mine)s joins case %(number)s")
            % {"mine": case.number, "number": original.number},
        )

"""Every change to cases and their configuration (so far: categories and their dated rules)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.clock import Clock, WorkCalendar, add_time, warning_time
from gongzhi.core.errors import ActionError, Conflict, NotAllowed, NotFound
from gongzhi.core.models import Channel, IdempotencyKey
from gongzhi.core.notify import notify
from gongzhi.core.permissions import can
from gongzhi.insights.counters import bump, close_time_metrics
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.places.locator import locate, to_wgs84

from . import defaults, workflow
from .duplicates import Candidate, likely_duplicates, tokens
from .models import (
    OPEN_STATUSES,
    Case,
    CasePhoto,
    CaseStep,
    Category,
    CategoryRule,
    Errand,
    Kind,
    Rating,
    Source,
    Status,
    Step,
    Summons,
    SummonsDuty,
    Tier,
)
from .photos import CleanPhoto, clean_photo


def rule_in_force(category: Category, at: dt.datetime | None = None) -> CategoryRule:
    """The rule of `category` in force at `at` (now by default)."""
    moment = at or timezone.now()
    rule = category.rules.filter(effective_from__lte=moment).order_by("-effective_from").first()
    if rule is None:
        raise NotFound(_("Category %(name)s has no rules in force yet.") % {"name": category.name})
    return rule


def clean_deadlines(deadlines: Any) -> dict[str, list[object]]:
    """Every step with a positive amount and a known clock; working days are whole days."""
    if not isinstance(deadlines, dict):
        raise ActionError(
            _("Deadlines must give an amount and a clock for each step."), field="deadlines"
        )
    clean: dict[str, list[object]] = {}
    for step in Step:
        value = deadlines.get(step.value)
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise ActionError(
                _("Give the deadline of step %(step)s as an amount and a clock.")
                % {"step": step.label},
                field="deadlines",
            )
        amount, clock = value
        if clock not in Clock.values:
            raise ActionError(_("Unknown clock %(clock)s.") % {"clock": clock}, field="deadlines")
        try:
            number = float(amount)
        except (TypeError, ValueError) as exc:
            raise ActionError(_("A deadline must be a number."), field="deadlines") from exc
        if not number > 0 or (clock == Clock.WORKING_DAYS and number != int(number)):
            raise ActionError(
                _("The deadline of step %(step)s must be positive (whole days for working days).")
                % {"step": step.label},
                field="deadlines",
            )
        clean[step.value] = [int(number) if number == int(number) else number, clock]
    return clean


def change_rule(
    actor: Any,
    category: Category,
    *,
    effective_from: dt.datetime,
    lowest_tier: str,
    deadlines: Any,
    department: Organisation | None = None,
    duplicate_radius_m: int = 50,
    note: str = "",
    channel: str = Channel.WEB,
) -> CategoryRule:
    """Add the rules that take effect at `effective_from`. Rules already in force are never edited,
    so that every case keeps the rules it was registered under."""
    if not can(actor, "cases.edit_categories"):
        raise NotAllowed(_("Only administrators change category rules."))
    if category.parent_id is None:
        raise ActionError(
            _("Rules belong to minor classes, not to a major class."), field="category"
        )
    if effective_from < timezone.now() - dt.timedelta(minutes=1):
        raise ActionError(_("A change cannot take effect in the past."), field="effective_from")
    if lowest_tier not in Tier.values:
        raise ActionError(_("Unknown tier."), field="lowest_tier")
    if department is not None and department.kind != OrgKind.DEPARTMENT:
        raise ActionError(_("The handling unit must be a department."), field="department")
    if not 0 < duplicate_radius_m <= 5000:
        raise ActionError(
            _("The duplicate radius must be between 1 and 5000 metres."), field="duplicate_radius_m"
        )
    clean = clean_deadlines(deadlines)
    with transaction.atomic():
        Category.objects.select_for_update().get(pk=category.pk)
        rule, _created = CategoryRule.objects.update_or_create(
            category=category,
            effective_from=effective_from,
            defaults={
                "lowest_tier": lowest_tier,
                "department": department,
                "deadlines": clean,
                "duplicate_radius_m": duplicate_radius_m,
                "note": note,
                "created_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        audit.record(
            actor,
            "cases.change_rule",
            category,
            channel=channel,
            summary=f"{category} from {effective_from:%Y-%m-%d %H:%M}",
            data={"lowest_tier": lowest_tier, "deadlines": clean, "radius": duplicate_radius_m},
        )
    return rule


def load_default_categories(
    *, since: dt.datetime | None = None, channel: str = Channel.COMMAND
) -> int:
    """Create the default category set and first rules where they are missing. Returns how many
    categories were created; running it again creates nothing."""
    start = since or timezone.make_aware(dt.datetime(2020, 1, 1))
    departments = {o.name: o for o in Organisation.objects.filter(kind=OrgKind.DEPARTMENT)}
    created = 0
    with transaction.atomic():
        for kind, classes in (
            (Kind.EVENT, defaults.EVENT_CLASSES),
            (Kind.COMPONENT, defaults.COMPONENT_CLASSES),
        ):
            for code, name, minors in classes:
                major, was_new = Category.objects.get_or_create(
                    kind=kind, code=code, defaults={"name": name}
                )
                created += was_new
                for minor_code, minor_name, keywords, tier, dept, radius, profile in minors:
                    minor, was_new = Category.objects.get_or_create(
                        kind=kind,
                        code=minor_code,
                        defaults={"name": minor_name, "parent": major, "keywords": keywords},
                    )
                    created += was_new
                    if not minor.rules.exists():
                        CategoryRule.objects.create(
                            category=minor,
                            effective_from=start,
                            lowest_tier=tier,
                            department=departments.get(dept),
                            deadlines=clean_deadlines(profile),
                            duplicate_radius_m=radius,
                            note="默认规则",
                        )
        if created:
            first = Category.objects.order_by("pk").first()
            assert first is not None
            audit.record(
                None,
                "cases.load_default_categories",
                first,
                channel=channel,
                summary=f"{created} categories",
            )
    return created


# ---------------------------------------------------------------------------------------------
# The workflow. Each action: load the case with a row lock, check the person and the state,
# change it, write the timeline step, the audit entry and the counters in the same transaction,
# and notify after commit.
# ---------------------------------------------------------------------------------------------


@dataclass
class ReportResult:
    case: Case
    created: bool
    duplicates: list[Candidate]


def _now() -> dt.datetime:
    return timezone.now()


def _unit_key(case: Case) -> str:
    if case.assigned_unit_id:
        return f"org:{case.assigned_unit_id}"
    return f"{case.tier}:{case.assigned_scope}"


def _count(case: Case, at: dt.datetime, **metrics: int) -> None:
    bump(timezone.localdate(at), case.grid_code, case.category_id, _unit_key(case), **metrics)


def _enter(case: Case, status: Status, now: dt.datetime) -> None:
    """Move the case into `status`: its step's clock starts now, with the category rule's limit."""
    case.status = status
    case.step_started_at = now
    case.reminders_sent = 0
    step = workflow.STEP_OF_STATUS.get(status)
    if step is None:
        case.step_due_at, case.step_warn_at, case.step_clock = None, None, ""
        return
    amount, clock = case.rule.deadline(step)
    calendar = WorkCalendar()  # one read of the holidays and office hours for both moments
    case.step_due_at = add_time(now, amount, clock, calendar=calendar)
    case.step_clock = clock
    if status in (Status.DISPATCHED, Status.HANDLING) and step == Step.HANDLE:
        case.step_due_at = case.handle_due_at or case.step_due_at
    case.step_warn_at = warning_time(now, case.step_due_at, clock, calendar=calendar)


def _locked(case_id: int) -> Case:
    try:
        return (
            # Lock the case row only: PostgreSQL refuses FOR UPDATE on the nullable side of an
            # outer join (assigned_unit), and locking the category and rule rows would make every
            # action on any case of the category wait for each other.
            Case.objects.select_for_update(of=("self",))
            .select_related("rule", "category", "assigned_unit")
            .get(pk=case_id)
        )
    except Case.DoesNotExist as exc:
        raise NotFound(_("No such case.")) from exc


def _guard(actor: Any, action: str, case: Case, seen_version: int | None) -> None:
    """The person first (403), then the state (409: someone else got there first, or a stale form)."""
    if not workflow.person_may(actor, action, case):
        raise NotAllowed(_("You may not do this to case %(number)s.") % {"number": case.number})
    if seen_version is not None and seen_version != case.version:
        raise Conflict(
            _(
                "Case %(number)s changed after you opened it (now: %(status)s). Reload and try again."
            )
            % {"number": case.number, "status": case.get_status_display()}
        )
    if not workflow.state_allows(action, case):
        raise Conflict(
            _("Case %(number)s is now %(status)s; this step no longer applies.")
            % {"number": case.number, "status": case.get_status_display()}
        )


def _step(
    case: Case,
    action: str,
    actor: Any,
    now: dt.datetime,
    from_status: str,
    *,
    note: str = "",
    on_time: bool | None = None,
    data: dict[str, Any] | None = None,
    unit: str | None = None,
) -> CaseStep:
    return CaseStep.objects.create(
        case=case,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now,
        from_status=from_status,
        to_status=case.status,
        note=note,
        on_time=on_time,
        unit=_unit_key(case) if unit is None else unit,
        data=data or {},
    )


def _save(case: Case, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


STEP_FIELDS = (
    "status",
    "step_started_at",
    "step_due_at",
    "step_clock",
    "step_warn_at",
    "reminders_sent",
)


def _require(text: str, what: str, field: str = "note") -> str:
    text = (text or "").strip()
    if not text:
        raise ActionError(_("Please give %(what)s.") % {"what": what}, field=field)
    if len(text) > 4000:
        raise ActionError(_("The text is longer than 4000 characters."), field=field)
    return text


def _save_photos(case: Case, step: CaseStep | None, photos: list[CleanPhoto], purpose: str) -> None:
    for p in photos:
        CasePhoto.objects.create(case=case, step=step, purpose=purpose, image=p.content)


def _clean_photos(photos: Any) -> list[CleanPhoto]:
    photos = list(photos or [])
    if len(photos) > settings.MAX_PHOTOS:
        raise ActionError(
            _("At most %(n)d photos at a time.") % {"n": settings.MAX_PHOTOS}, field="photos"
        )
    return [clean_photo(p, index=i) for i, p in enumerate(photos, 1)]


def holders(case: Case) -> list[Any]:
    """The people who hold the case now: whom to notify of a new step."""
    from gongzhi.people.models import Membership, Role

    if case.assigned_unit_id:
        rows = Membership.objects.active().filter(
            role=Role.DEPARTMENT_STAFF, organisation_id=case.assigned_unit_id
        )
    else:
        rows = Membership.objects.active().filter(
            role__in=workflow.TIER_ROLES[Tier(case.tier)], scope_code=case.assigned_scope
        )
    return [m.user for m in rows.select_related("user")]


def _notify(users: list[Any], case: Case, title: str, body: str = "") -> None:
    notify(
        users, title, body or case.description[:100], reverse("cases:detail", args=[case.number])
    )


def report(
    actor: Any,
    *,
    category: Category,
    description: str,
    lat: Any,
    lng: Any,
    crs: str = "wgs84",
    photos: Any = (),
    source: str = Source.RESIDENT_APP,
    is_anonymous: bool = False,
    address: str = "",
    idempotency_key: str = "",
    channel: str = Channel.WEB,
) -> ReportResult:
    """A new case from a resident's snapshot, a grid worker's patrol or a phone-in. A retry with the
    same idempotency key returns the case the first call made."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Please log in to report."))
    description = (description or "").strip()
    if len(description) > 4000:
        raise ActionError(_("The description is longer than 4000 characters."), field="description")
    if category.parent_id is None or not category.is_active:
        raise ActionError(_("Choose a category from the list."), field="category")
    if idempotency_key:
        done = _replayed(actor, idempotency_key)
        if done is not None:
            return ReportResult(done, False, [])
    clean = _clean_photos(photos)
    if not description and not clean:
        raise ActionError(_("Describe the problem or add a photo."), field="description")
    grid = locate(lat, lng, crs)
    wlat, wlng = to_wgs84(float(lat), float(lng), crs)
    _check_source(actor, source, grid.code)
    now = _now()
    rule = rule_in_force(category, now)
    duplicates = likely_duplicates(category.pk, wlat, wlng, description, rule.duplicate_radius_m)
    try:
        with transaction.atomic():
            case = Case(
                pk=_next_case_id(),
                kind=category.kind,
                category=category,
                rule=rule,
                source=source,
                description=description,
                address=address[:200],
                lat=wlat,
                lng=wlng,
                grid_code=grid.code,
                reporter=actor,
                is_anonymous=is_anonymous,
                tier=Tier.GRID,
                assigned_scope=grid.code,
                reported_at=now,
                step_started_at=now,
                tokens=" ".join(sorted(tokens(description)))[:500],
            )
            case.number = f"{timezone.localtime(now):%Y%m%d}{case.pk:07d}"
            _enter(case, Status.REPORTED, now)
            case.save(force_insert=True)
            if idempotency_key:
                # A concurrent request with the same key fails here on the unique index, and its
                # whole transaction (its case too) rolls back: it then replays this one.
                IdempotencyKey.objects.create(
                    scope="cases.report",
                    user_key=str(actor.pk),
                    key=idempotency_key[:64],
                    object_id=str(case.pk),
                )
            step = _step(
                case, "report", actor, now, "", note=description[:200], data={"source": source}
            )
            _save_photos(case, step, clean, CasePhoto.Purpose.REPORT)
            _count(case, now, reported=1)
            audit.record(actor, "cases.report", case, channel=channel, summary=case.number)
            _notify(
                holders(case), case, _("New case %(number)s in your grid") % {"number": case.number}
            )
    except IntegrityError:
        # The same key arrived twice at once: the other request made the case.
        done = _replayed(actor, idempotency_key) if idempotency_key else None
        if done is None:
            raise
        return ReportResult(done, False, [])
    return ReportResult(case, True, duplicates)


def _next_case_id() -> int:
    """The new case's id, taken before its row is written so that its number goes in with it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence('cases_case', 'id'))")
        elif connection.vendor == "sqlite":
            # The transaction holds the write lock (IMMEDIATE). Past the highest id ever given
            # (AUTOINCREMENT's record), so that a deleted case's number is never given again.
            cursor.execute(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'cases_case'),"
                " 0), COALESCE((SELECT MAX(id) FROM cases_case), 0)) + 1"
            )
        else:
            raise NotImplementedError(f"case numbers on {connection.vendor}")
        row = cursor.fetchone()
    return int(row[0])


def _replayed(actor: Any, key: str) -> Case | None:
    row = IdempotencyKey.objects.filter(
        scope="cases.report", user_key=str(actor.pk), key=key[:64]
    ).first()
    if row is None or not row.object_id.isdigit():
        return None
    return Case.objects.filter(pk=int(row.object_id)).first()


def _check_source(actor: Any, source: str, grid_code: str) -> None:
    """Residents send snapshots; patrol reports come from the grid's staff; phone-ins from the
    community or the command centre."""
    if source in (Source.RESIDENT_APP, Source.OPEN311, Source.API):
        return
    probe = Case(grid_code=grid_code, tier=Tier.GRID, assigned_scope=grid_code)
    tier = workflow.user_tier(actor, probe)
    if source == Source.PATROL and tier is not None:
        return
    if source in (Source.HOTLINE, Source.COMMAND_CENTRE) and tier is not None and tier != Tier.GRID:
        return
    raise NotAllowed(_("You may not enter cases of this kind here."), field="source")


def confirm(
    actor: Any,
    case_id: int,
    *,
    note: str = "",
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """核实: the report is real and in scope."""
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "confirm", case, seen_version)
        now, before = _now(), case.status
        _enter(case, Status.CONFIRMED, now)
        _save(case, *STEP_FIELDS)
        _step(case, "confirm", actor, now, before, note=note)
        _count(case, now, valid=1)
        audit.record(actor, "cases.confirm", case, channel=channel)
    return case


def register(
    actor: Any,
    case_id: int,
    *,
    note: str = "",
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """立案: the case is taken on; its closing deadline is set from the rules it was registered under."""
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "register", case, seen_version)
        now, before = _now(), case.status
        # From here on the case follows the rules in force when it was registered (until now, those
        # in force when it was reported), whatever an administrator changes later.
        case.rule = rule_in_force(case.category, now)
        _enter(case, Status.REGISTERED, now)
        case.registered_at = now
        due = now
        for step in (Step.DISPATCH, Step.HANDLE, Step.VERIFY, Step.CLOSE):
            amount, clock = case.rule.deadline(step)
            due = add_time(due, amount, clock)
        case.close_due_at = due
        _save(case, *STEP_FIELDS, "rule", "registered_at", "close_due_at")
        _step(case, "register", actor, now, before, note=note)
        _count(case, now, registered=1)
        audit.record(actor, "cases.register", case, channel=channel)
    return case


def decline(
    actor: Any,
    case_id: int,
    *,
    reason: str,
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """不予立案, with the reason the reporter is told."""
    reason = _require(reason, _("the reason"), "reason")
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "decline", case, seen_version)
        now, before = _now(), case.status
        _enter(case, Status.DECLINED, now)
        case.public_answer = reason
        _save(case, *STEP_FIELDS, "public_answer")
        _step(case, "decline", actor, now, before, note=reason)
        _count(case, now, declined=1)
        audit.record(actor, "cases.decline", case, channel=channel, summary=reason[:100])
        _notify(
            [case.reporter],
            case,
            _("Case %(number)s was not registered") % {"number": case.number},
            reason,
        )
    return case


def dispatch(
    actor: Any,
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
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "dispatch", case, seen_version)
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
        now, before = _now(), case.status
        from_tier = case.tier
        case.tier = target
        case.assigned_scope = workflow.tier_scope(target, case.grid_code)
        case.assigned_unit = unit
        amount, clock = case.rule.deadline(Step.HANDLE)
        case.handle_due_at = add_time(now, amount, clock)
        _enter(case, Status.DISPATCHED, now)
        _save(case, *STEP_FIELDS, "tier", "assigned_scope", "assigned_unit", "handle_due_at")
        _step(
            case,
            "dispatch",
            actor,
            now,
            before,
            note=note,
            data={
                "from_tier": from_tier,
                # A return goes back to the tier of whoever dispatched (a community worker may
                # dispatch a case the grid registered: it comes back to the community).
                "dispatcher_tier": mine or from_tier,
                "tier": target,
                "unit": unit.name if unit else "",
            },
        )
        _count(case, now, dispatched=1)
        audit.record(
            actor, "cases.dispatch", case, channel=channel, summary=f"{target} {unit or ''}"
        )
        _notify(
            holders(case), case, _("Case %(number)s dispatched to you") % {"number": case.number}
        )
    return case


def accept(
    actor: Any, case_id: int, *, seen_version: int | None = None, channel: str = Channel.WEB
) -> Case:
    """The handler takes the case on (counts as the response)."""
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "accept", case, seen_version)
        now, before = _now(), case.status
        # The handling time runs from the dispatch: accepting does not restart its clock, its
        # light or the reminders scheduled with it.
        case.status = Status.HANDLING
        _save(case, "status")
        _step(case, "accept", actor, now, before)
        _count(case, now, responded=1)
        audit.record(actor, "cases.accept", case, channel=channel)
    return case


def respond(
    actor: Any,
    case_id: int,
    *,
    note: str,
    photos: Any = (),
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """反馈: the handler reports what was done, with photos of the result."""
    note = _require(note, _("what was done"))
    clean = _clean_photos(photos)
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "respond", case, seen_version)
        now, before = _now(), case.status
        on_time = case.handle_due_at is None or now <= case.handle_due_at
        first_response = before == Status.DISPATCHED
        _enter(case, Status.RESPONDED, now)
        case.responded_at = now
        _save(case, *STEP_FIELDS, "responded_at")
        step = _step(case, "respond", actor, now, before, note=note, on_time=on_time)
        _save_photos(case, step, clean, CasePhoto.Purpose.RESULT)
        _count(
            case,
            now,
            handled=1,
            handled_on_time=int(on_time),
            **({"responded": 1} if first_response else {}),
        )
        audit.record(actor, "cases.respond", case, channel=channel)
        grid_staff = Case(grid_code=case.grid_code, tier=Tier.GRID, assigned_scope=case.grid_code)
        _notify(
            holders(grid_staff),
            case,
            _("Case %(number)s is ready to verify") % {"number": case.number},
        )
    return case


def _hand_to_tier(case: Case, tier: Tier, now: dt.datetime) -> None:
    """The case waits, registered, for the dispatchers of `tier` (after a return or an escalation)."""
    case.tier = tier
    case.assigned_scope = workflow.tier_scope(tier, case.grid_code)
    case.assigned_unit = None
    case.handle_due_at = None
    case.pending_extension = None
    _enter(case, Status.REGISTERED, now)
    _save(
        case,
        *STEP_FIELDS,
        "tier",
        "assigned_scope",
        "assigned_unit",
        "handle_due_at",
        "pending_extension",
    )


def return_case(
    actor: Any,
    case_id: int,
    *,
    reason: str,
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """退回: the handler sends the case back to whoever dispatched it, with the reason."""
    reason = _require(reason, _("the reason"), "reason")
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "return", case, seen_version)
        now, before = _now(), case.status
        _count(case, now, returned=1)
        counted_under = _unit_key(case)
        last = case.steps.filter(action="dispatch").order_by("-at", "-id").first()
        back_to = (
            Tier(last.data.get("dispatcher_tier") or last.data.get("from_tier", Tier.COMMUNITY))
            if last
            else Tier.COMMUNITY
        )
        _hand_to_tier(case, back_to, now)
        _step(case, "return", actor, now, before, note=reason, unit=counted_under)
        audit.record(actor, "cases.return", case, channel=channel, summary=reason[:100])
        _notify(
            holders(case), case, _("Case %(number)s was returned") % {"number": case.number}, reason
        )
    return case


def escalate(
    actor: Any,
    case_id: int,
    *,
    reason: str,
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """上报上级: beyond this tier, to the next one up (小事不出网格、大事不出社区)."""
    reason = _require(reason, _("the reason"), "reason")
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "escalate", case, seen_version)
        now, before = _now(), case.status
        _count(case, now, escalated=1)
        counted_under = _unit_key(case)
        up = workflow.NEXT_TIER[Tier(case.tier)]
        _hand_to_tier(case, up, now)
        _step(
            case, "escalate", actor, now, before, note=reason, data={"tier": up}, unit=counted_under
        )
        audit.record(actor, "cases.escalate", case, channel=channel, summary=f"{up}: {reason[:80]}")
        _notify(
            holders(case),
            case,
            _("Case %(number)s was reported up to you") % {"number": case.number},
            reason,
        )
    return case


MAX_EXTENSION_DAYS = 10


def request_extension(
    actor: Any,
    case_id: int,
    *,
    days: int,
    reason: str,
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """延期申请: up to 10 working days more, with the reason."""
    reason = _require(reason, _("the reason"), "reason")
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ActionError(
            _("An extension is 1 to %(max)d working days.") % {"max": MAX_EXTENSION_DAYS},
            field="days",
        )
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "request_extension", case, seen_version)
        now = _now()
        case.pending_extension = days
        _save(case, "pending_extension")
        _step(case, "request_extension", actor, now, case.status, note=reason, data={"days": days})
        audit.record(
            actor,
            "cases.request_extension",
            case,
            channel=channel,
            summary=f"{days}: {reason[:80]}",
        )
    return case


def decide_extension(
    actor: Any,
    case_id: int,
    *,
    approve: bool,
    note: str = "",
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """延期审批: an approval moves the handling and closing deadlines by the days asked."""
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "decide_extension", case, seen_version)
        now = _now()
        days = case.pending_extension or 0
        case.pending_extension = None
        fields = ["pending_extension"]
        if approve:
            if case.handle_due_at:
                case.handle_due_at = add_time(case.handle_due_at, days, Clock.WORKING_DAYS)
                case.step_due_at = case.handle_due_at
                # The warning and the reminders follow the new deadline.
                case.step_warn_at = warning_time(
                    case.step_started_at, case.step_due_at, case.step_clock or Clock.URGENT_HOURS
                )
                case.reminders_sent = 0
                fields += ["handle_due_at", "step_due_at", "step_warn_at", "reminders_sent"]
            if case.close_due_at:
                case.close_due_at = add_time(case.close_due_at, days, Clock.WORKING_DAYS)
                fields.append("close_due_at")
            _count(case, now, extended=1)
        _save(case, *fields)
        _step(
            case,
            "approve_extension" if approve else "reject_extension",
            actor,
            now,
            case.status,
            note=note,
            data={"days": days},
        )
        audit.record(
            actor,
            "cases.decide_extension",
            case,
            channel=channel,
            summary=f"{'approved' if approve else 'rejected'} {days}",
        )
        _notify(
            holders(case),
            case,
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
    actor: Any,
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
        note = _require(note, _("what is still wrong"))
    clean = _clean_photos(photos)
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "verify" if passed else "rework", case, seen_version)
        now, before = _now(), case.status
        if passed:
            _enter(case, Status.VERIFIED, now)
            _save(case, *STEP_FIELDS)
            step = _step(case, "verify", actor, now, before, note=note)
        else:
            _reopen(case, now)
            _save(case, *STEP_FIELDS, "rework_count", "handle_due_at")
            step = _step(case, "rework", actor, now, before, note=note)
            _notify(
                holders(case),
                case,
                _("Case %(number)s failed verification") % {"number": case.number},
                note,
            )
        _save_photos(case, step, clean, CasePhoto.Purpose.VERIFY)
        audit.record(actor, "cases.verify" if passed else "cases.rework", case, channel=channel)
    return case


def _reopen(case: Case, now: dt.datetime) -> None:
    """Rework by the same handler. The handling that did not stand is taken off the day it was
    counted, as an unsatisfied rating takes back the closure, so that handled stays 0/1 per case."""
    last = case.steps.filter(action="respond").order_by("-at", "-id").first()
    if last is not None:
        _count(case, last.at, handled=-1, handled_on_time=-int(bool(last.on_time)))
    case.rework_count += 1
    amount, clock = case.rule.deadline(Step.HANDLE)
    case.handle_due_at = add_time(now, amount, clock)
    _enter(case, Status.HANDLING, now)
    _count(case, now, reworked=1)


def close(
    actor: Any,
    case_id: int,
    *,
    note: str = "",
    public_answer: str = "",
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """结案. The public answer is what the echo wall shows beside the report."""
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "close", case, seen_version)
        now, before = _now(), case.status
        on_time = case.close_due_at is None or now <= case.close_due_at
        _enter(case, Status.CLOSED, now)
        case.closed_at = now
        case.public_answer = (public_answer or note).strip()[:4000]
        # After an unsatisfied rating and rework, the new result awaits a new rating.
        case.rating, case.rating_comment = "", ""
        _save(case, *STEP_FIELDS, "closed_at", "public_answer", "rating", "rating_comment")
        _step(case, "close", actor, now, before, note=note, on_time=on_time)
        _count(
            case,
            now,
            closed=1,
            closed_on_time=int(on_time),
            **close_time_metrics(case.reported_at, now),
        )
        audit.record(actor, "cases.close", case, channel=channel)
        _notify(
            [case.reporter],
            case,
            _("Case %(number)s is closed: please rate it") % {"number": case.number},
            case.public_answer,
        )
    return case


def rate(
    actor: Any, case_id: int, *, rating: str, comment: str = "", channel: str = Channel.WEB
) -> Case:
    """The reporter's rating. Unsatisfied reopens the case for rework."""
    if rating not in Rating.values:
        raise ActionError(
            _("Choose satisfied, basically satisfied or unsatisfied."), field="rating"
        )
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "rate", case, None)
        now, before = _now(), case.status
        case.rating, case.rating_comment = rating, comment.strip()[:500]
        _count(case, now, **{f"rated_{rating}": 1})
        fields = ["rating", "rating_comment"]
        if rating == Rating.UNSATISFIED:
            # The closure no longer stands: take it off the day it was counted, and rework.
            last_close = case.steps.filter(action="close").order_by("-at", "-id").first()
            if case.closed_at is not None:
                _count(
                    case,
                    case.closed_at,
                    closed=-1,
                    closed_on_time=-int(bool(last_close and last_close.on_time)),
                    **close_time_metrics(case.reported_at, case.closed_at, sign=-1),
                )
            _reopen(case, now)
            case.closed_at = None
            fields += [*STEP_FIELDS, "rework_count", "handle_due_at", "closed_at"]
        _save(case, *fields)
        _step(case, "rate", actor, now, before, note=comment, data={"rating": rating})
        audit.record(actor, "cases.rate", case, channel=channel, summary=rating)
        if rating == Rating.UNSATISFIED:
            _notify(
                holders(case),
                case,
                _("Case %(number)s reopened: the resident is unsatisfied")
                % {"number": case.number},
                comment,
            )
    return case


def follow_up(actor: Any, case_id: int, *, note: str, channel: str = Channel.WEB) -> Case:
    """回访: the call-back to the resident, recorded."""
    note = _require(note, _("what the resident said"))
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "follow_up", case, None)
        _step(case, "follow_up", actor, _now(), case.status, note=note)
        audit.record(actor, "cases.follow_up", case, channel=channel)
    return case


def shelve(
    actor: Any,
    case_id: int,
    *,
    reason: str,
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """挂账: recorded as not solvable now."""
    reason = _require(reason, _("the reason"), "reason")
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "shelve", case, seen_version)
        now, before = _now(), case.status
        _enter(case, Status.SHELVED, now)
        _save(case, *STEP_FIELDS)
        _step(case, "shelve", actor, now, before, note=reason)
        _count(case, now, shelved=1)
        audit.record(actor, "cases.shelve", case, channel=channel, summary=reason[:100])
    return case


def unshelve(actor: Any, case_id: int, *, note: str = "", channel: str = Channel.WEB) -> Case:
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "unshelve", case, None)
        now, before = _now(), case.status
        # Back to its tier to be dispatched afresh: the department it was with no longer holds it.
        case.assigned_unit = None
        case.handle_due_at = None
        case.pending_extension = None
        _enter(case, Status.REGISTERED, now)
        _save(case, *STEP_FIELDS, "assigned_unit", "handle_due_at", "pending_extension")
        _step(case, "unshelve", actor, now, before, note=note)
        audit.record(actor, "cases.unshelve", case, channel=channel)
    return case


def supervise(
    actor: Any, case_id: int, *, note: str, remind: bool = False, channel: str = Channel.WEB
) -> Case:
    """督办 (or 催办 when `remind`): a note on the timeline and a message to whoever holds the case."""
    note = _require(note, _("the instruction"))
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "supervise", case, None)
        action = "remind" if remind else "supervise"
        _step(case, action, actor, _now(), case.status, note=note)
        audit.record(actor, f"cases.{action}", case, channel=channel, summary=note[:100])
        title = (
            _("Reminder on case %(number)s")
            if remind
            else _("Case %(number)s is under supervision")
        )
        _notify(holders(case), case, title % {"number": case.number}, note)
    return case


def void(
    actor: Any,
    case_id: int,
    *,
    reason: str = "",
    duplicate_of: int | None = None,
    seen_version: int | None = None,
    channel: str = Channel.WEB,
) -> Case:
    """作废, e.g. a duplicate: merged into the original, which counts one more reporter."""
    if duplicate_of is None:
        reason = _require(reason, _("the reason"), "reason")
    with transaction.atomic():
        original = None
        if duplicate_of is not None:
            if duplicate_of == case_id:
                raise ActionError(_("A case cannot duplicate itself."), field="duplicate_of")
            # Lock both in id order so that two merges at once cannot deadlock.
            for pk in sorted((case_id, duplicate_of)):
                locked = _locked(pk)
                if pk == duplicate_of:
                    original = locked
                else:
                    case = locked
            assert original is not None
            if not original.is_open and original.status != Status.CLOSED:
                raise Conflict(
                    _("Case %(number)s is not open; merge into an open case.")
                    % {"number": original.number}
                )
        else:
            case = _locked(case_id)
        _guard(actor, "void", case, seen_version)
        if original is not None and not workflow.triages(actor, original):
            raise NotAllowed(
                _("You may not merge into case %(number)s.") % {"number": original.number}
            )
        now, before = _now(), case.status
        _enter(case, Status.VOID, now)
        case.duplicate_of = original
        _save(case, *STEP_FIELDS, "duplicate_of")
        note = reason or _("Duplicate of case %(number)s") % {
            "number": original.number if original else ""
        }
        _step(
            case,
            "void",
            actor,
            now,
            before,
            note=note,
            data={"duplicate_of": original.number if original else ""},
        )
        _count(case, now, voided=1)
        if original is not None:
            original.me_too += 1 + case.me_too
            _save(original, "me_too")
            _step(
                original,
                "merge",
                actor,
                now,
                original.status,
                note=case.number,
                data={"merged": case.number},
            )
        audit.record(actor, "cases.void", case, channel=channel, summary=note[:100])
        if case.reporter_id and original is not None:
            _notify(
                [case.reporter],
                original,
                _("Your report %(mine)s joins case %(number)s")
                % {"mine": case.number, "number": original.number},
            )
    return case


def summon(
    actor: Any,
    case_id: int,
    *,
    departments: list[Organisation],
    hours: int,
    note: str = "",
    channel: str = Channel.WEB,
) -> Summons:
    """吹哨: summon departments to the case; each must check in within `hours` urgent hours."""
    if not departments:
        raise ActionError(_("Choose at least one department to summon."), field="departments")
    if any(d.kind != OrgKind.DEPARTMENT for d in departments):
        raise ActionError(_("Only departments can be summoned."), field="departments")
    if not 1 <= hours <= 72:
        raise ActionError(_("Give 1 to 72 hours to check in."), field="hours")
    departments = list({d.pk: d for d in departments}.values())  # each once
    with transaction.atomic():
        case = _locked(case_id)
        _guard(actor, "summon", case, None)
        now = _now()
        # A department still within an earlier summons's time is not summoned again; one whose
        # time ran out without checking in may be.
        waiting = SummonsDuty.objects.filter(
            summons__case=case,
            summons__due_at__gte=now,
            department__in=departments,
            checked_in_at__isnull=True,
        ).select_related("department")
        if names := sorted({duty.department.name for duty in waiting}):
            raise Conflict(
                _("Already summoned to this case and not yet checked in: %(names)s.")
                % {"names": "、".join(names)},
                field="departments",
            )
        summons = Summons.objects.create(
            case=case,
            summoned_by=actor,
            at=now,
            due_at=add_time(now, hours, Clock.URGENT_HOURS),
            note=note,
        )
        SummonsDuty.objects.bulk_create(
            [SummonsDuty(summons=summons, department=d) for d in departments]
        )
        _step(
            case,
            "summon",
            actor,
            now,
            case.status,
            note=note,
            data={"departments": [d.name for d in departments], "hours": hours},
        )
        _count(case, now, summoned=len(departments))
        audit.record(
            actor,
            "cases.summon",
            case,
            channel=channel,
            summary=", ".join(d.name for d in departments),
        )
        from gongzhi.people.models import Membership, Role

        staff = [
            m.user
            for m in Membership.objects.active()
            .filter(role=Role.DEPARTMENT_STAFF, organisation__in=departments)
            .select_related("user")
        ]
        _notify(
            staff, case, _("Summons: check in to case %(number)s") % {"number": case.number}, note
        )
    return summons


def report_for_duty(
    actor: Any, duty_id: int, *, report: str = "", channel: str = Channel.WEB
) -> SummonsDuty:
    """报到 (and, with `report`, what the department did). Lateness is recorded and counted."""
    with transaction.atomic():
        try:
            duty = (
                SummonsDuty.objects.select_for_update(of=("self",))
                .select_related("summons", "department")
                .get(pk=duty_id)
            )
        except SummonsDuty.DoesNotExist as exc:
            raise NotFound(_("No such summons.")) from exc
        if duty.department_id not in workflow.department_ids(actor):
            raise NotAllowed(
                _("Only staff of %(dept)s can answer this summons.")
                % {"dept": duty.department.name}
            )
        case = _locked(duty.summons.case_id)
        now = _now()
        if duty.checked_in_at is None:
            duty.checked_in_at, duty.checked_in_by = now, actor
            duty.is_late = now > duty.summons.due_at
            _step(
                case,
                "report_for_duty",
                actor,
                now,
                case.status,
                note=duty.department.name,
                on_time=not duty.is_late,
            )
            if not duty.is_late:
                _count(case, now, summons_on_time=1)
        elif not report.strip():
            raise Conflict(_("%(dept)s has already checked in.") % {"dept": duty.department.name})
        if report.strip():
            duty.report, duty.reported_at = report.strip()[:4000], now
            _step(case, "duty_report", actor, now, case.status, note=duty.report)
        duty.save()
        audit.record(
            actor, "cases.report_for_duty", case, channel=channel, summary=duty.department.name
        )
    return duty


def _step_takers(case: Case) -> list[Any]:
    """Who must take the case's next step: its holders while it waits to be dispatched or handled;
    the grid's staff while it waits to be confirmed, registered, verified or closed (the first
    line triages, whoever handled it)."""
    if case.status in (Status.REGISTERED, Status.DISPATCHED, Status.HANDLING):
        return holders(case)
    return holders(Case(grid_code=case.grid_code, tier=Tier.GRID, assigned_scope=case.grid_code))


@dataclass(frozen=True)
class RemindersSent:
    nearly_due: int
    overdue: int


def send_reminders(*, now: dt.datetime | None = None, batch: int = 500) -> RemindersSent:
    """The reminder sweep, run every minute by `manage.py send_reminders`: the holders of each open
    case whose step has turned yellow are told it is nearly due, and the street and the command
    centre are told of each one whose deadline has passed. Each reminder goes out once per step
    (entering a step or an approved extension resets them); rows another sweep holds are skipped.
    """
    from gongzhi.people.models import Membership, Role

    now = now or _now()
    with transaction.atomic():
        overdue = list(
            Case.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status__in=OPEN_STATUSES, reminders_sent__lt=2, step_due_at__lte=now)
            .order_by("step_due_at")[:batch]
        )
        nearly = list(
            Case.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status__in=OPEN_STATUSES,
                reminders_sent=0,
                step_warn_at__lte=now,
                step_due_at__gt=now,
            )
            .order_by("step_warn_at")[:batch]
        )
        for case in nearly:
            case.reminders_sent = 1
            _notify(
                _step_takers(case),
                case,
                _("Case %(number)s is nearly due") % {"number": case.number},
            )
            audit.record(None, "cases.remind_nearly_due", case, channel=Channel.SYSTEM)
        supervisors: dict[tuple[str, str], list[Any]] = {}
        for case in overdue:
            case.reminders_sent = 2
            scopes = (
                workflow.tier_scope(Tier.STREET, case.grid_code),
                workflow.tier_scope(Tier.COMMAND_CENTRE, case.grid_code),
            )
            if scopes not in supervisors:
                supervisors[scopes] = [
                    m.user
                    for m in Membership.objects.active()
                    .filter(
                        role__in=[Role.STREET_STAFF, Role.COMMAND_CENTRE_STAFF],
                        scope_code__in=scopes,
                    )
                    .select_related("user")
                ]
            _notify(
                supervisors[scopes], case, _("Case %(number)s is overdue") % {"number": case.number}
            )
            audit.record(None, "cases.remind_overdue", case, channel=Channel.SYSTEM)
        if nearly or overdue:
            Case.objects.bulk_update([*nearly, *overdue], ["reminders_sent"])
    return RemindersSent(len(nearly), len(overdue))


def _locked_errand(errand_id: int) -> Errand:
    try:
        return Errand.objects.select_for_update().get(pk=errand_id)
    except Errand.DoesNotExist as exc:
        raise NotFound(_("No such errand.")) from exc


def request_errand(
    actor: Any,
    *,
    what: str,
    details: str = "",
    wanted_on: dt.date | None = None,
    idempotency_key: str = "",
    channel: str = Channel.WEB,
) -> Errand:
    """A resident asks for an errand; the grid's staff are told."""
    resident = (
        getattr(actor, "resident", None) if getattr(actor, "is_authenticated", False) else None
    )
    if resident is None:
        raise NotAllowed(
            _("Errands are for registered residents: ask your community to register you.")
        )
    what = _require(what, _("what the errand is"), "what")[:200]
    if wanted_on is not None and wanted_on < timezone.localdate():
        raise ActionError(_("The date wanted has passed."), field="wanted_on")
    with transaction.atomic():
        if idempotency_key:
            previous = IdempotencyKey.objects.filter(
                scope="cases.errand", user_key=str(actor.pk), key=idempotency_key[:64]
            ).first()
            if previous is not None:
                return Errand.objects.get(pk=int(previous.object_id))
        now = _now()
        errand = Errand.objects.create(
            number=f"tmp-{uuid.uuid4().hex[:16]}",
            resident=actor,
            grid_code=resident.grid_code,
            what=what,
            details=details.strip()[:4000],
            wanted_on=wanted_on,
            requested_at=now,
        )
        errand.number = f"D{timezone.localtime(now):%Y%m%d}{errand.pk:06d}"
        errand.save(update_fields=["number"])
        if idempotency_key:
            IdempotencyKey.objects.create(
                scope="cases.errand",
                user_key=str(actor.pk),
                key=idempotency_key[:64],
                object_id=str(errand.pk),
            )
        audit.record(actor, "cases.request_errand", errand, channel=channel, summary=what)
        grid_staff = Case(
            grid_code=errand.grid_code, tier=Tier.GRID, assigned_scope=errand.grid_code
        )
        notify(
            holders(grid_staff),
            _("New errand %(number)s: %(what)s") % {"number": errand.number, "what": what},
            details,
            reverse("cases:errands"),
        )
    return errand


def take_errand(
    actor: Any, errand_id: int, *, working_days: int = 3, channel: str = Channel.WEB
) -> Errand:
    """A cadre or grid worker takes the errand, to be done within `working_days`."""
    if not 1 <= working_days <= 20:
        raise ActionError(_("Give 1 to 20 working days."), field="working_days")
    with transaction.atomic():
        errand = _locked_errand(errand_id)
        if not can(actor, "cases.errands", errand):
            raise NotAllowed(_("You may not take errands in this grid."))
        if errand.state != Errand.State.REQUESTED:
            raise Conflict(
                _("Errand %(number)s has already been taken.") % {"number": errand.number}
            )
        now = _now()
        errand.state, errand.taker, errand.taken_at = Errand.State.TAKEN, actor, now
        errand.working_days = working_days
        errand.due_at = add_time(now, working_days, Clock.WORKING_DAYS)
        errand.save(update_fields=["state", "taker", "taken_at", "working_days", "due_at"])
        audit.record(actor, "cases.take_errand", errand, channel=channel)
        notify(
            [errand.resident],
            _("Errand %(number)s taken by %(name)s") % {"number": errand.number, "name": actor},
            "",
            reverse("cases:errands"),
        )
    return errand


def complete_errand(
    actor: Any, errand_id: int, *, result: str, channel: str = Channel.WEB
) -> Errand:
    """The errand is done and its result returned to the resident."""
    result = _require(result, _("the result"), "result")
    with transaction.atomic():
        errand = _locked_errand(errand_id)
        if not can(actor, "cases.errands", errand):
            raise NotAllowed(_("You may not complete errands in this grid."))
        if errand.state != Errand.State.TAKEN:
            raise Conflict(_("Errand %(number)s is not in hand.") % {"number": errand.number})
        if errand.taker_id != actor.pk:
            raise NotAllowed(
                _("Only %(name)s, who took errand %(number)s, can complete it.")
                % {"name": errand.taker, "number": errand.number}
            )
        errand.state, errand.result, errand.done_at = Errand.State.DONE, result, _now()
        errand.save(update_fields=["state", "result", "done_at"])
        audit.record(actor, "cases.complete_errand", errand, channel=channel)
        notify(
            [errand.resident],
            _("Errand %(number)s is done") % {"number": errand.number},
            result,
            reverse("cases:errands"),
        )
    return errand


def cancel_errand(actor: Any, errand_id: int, *, channel: str = Channel.WEB) -> Errand:
    with transaction.atomic():
        errand = _locked_errand(errand_id)
        if errand.resident_id != getattr(actor, "pk", None):
            raise NotAllowed(_("Only the resident who asked can cancel an errand."))
        if errand.state not in (Errand.State.REQUESTED, Errand.State.TAKEN):
            raise Conflict(
                _("Errand %(number)s can no longer be cancelled.") % {"number": errand.number}
            )
        errand.state = Errand.State.CANCELLED
        errand.save(update_fields=["state"])
        audit.record(actor, "cases.cancel_errand", errand, channel=channel)
    return errand

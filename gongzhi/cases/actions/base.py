"""The one skeleton of a workflow action: lock → guard → change (adding to the counters as it goes)
→ timeline step → audit → notify, in one transaction. `transition()` reads the status an action leads to from
`workflow.TRANSITIONS`; each action only says what else it changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.clock import WorkCalendar, add_time, warning_time
from gongzhi.core.errors import ActionError, Conflict, NotAllowed, NotFound
from gongzhi.core.models import Channel
from gongzhi.core.notify import notify
from gongzhi.insights.counters import bump
from gongzhi.people.models import Membership, Role, User, Viewer

from .. import workflow
from ..models import Case, CasePhoto, CaseStep, Status, Step, Tier
from ..photos import CleanPhoto, clean_photo

# An action's actor: a person, a visitor who has not logged in (refused where it matters), or None
# for the system (the sweep, commands, the demo loader).
Actor = Viewer

# The fields a case's step occupies: entering a status sets them all.
STEP_FIELDS = (
    "status",
    "step_started_at",
    "step_due_at",
    "step_clock",
    "step_warn_at",
    "reminders_sent",
)


def person(actor: Actor) -> User | None:
    """The account to record on a row: a signed-in person, or nobody."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def unit_key(case: Case) -> str:
    """Whom the counters and the timeline credit: the department, or the tier over its place."""
    if case.assigned_unit_id:
        return f"org:{case.assigned_unit_id}"
    return f"{case.tier}:{case.assigned_scope}"


def count(case: Case, at: dt.datetime, **metrics: int) -> None:
    """Add to the counters of the case's day, grid, category and present unit."""
    bump(timezone.localdate(at), case.grid_code, case.category_id, unit_key(case), **metrics)


def enter(case: Case, status: Status, now: dt.datetime) -> None:
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


def locked(case_id: int) -> Case:
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


def guard(actor: Actor, action: str, case: Case, seen_version: int | None) -> None:
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


def add_step(
    case: Case,
    action: str,
    actor: Actor,
    now: dt.datetime,
    from_status: str,
    *,
    note: str = "",
    on_time: bool | None = None,
    data: dict[str, Any] | None = None,
    unit: str | None = None,
) -> CaseStep:
    """One row of the case's timeline."""
    return CaseStep.objects.create(
        case=case,
        action=action,
        actor=person(actor),
        at=now,
        from_status=from_status,
        to_status=case.status,
        note=note,
        on_time=on_time,
        unit=unit_key(case) if unit is None else unit,
        data=data or {},
    )


def save(case: Case, *fields: str) -> None:
    """Save the changed fields and bump the version that stale forms are checked against."""
    case.version += 1
    case.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])


def require(text: str, what: str, field: str = "note") -> str:
    text = (text or "").strip()
    if not text:
        raise ActionError(_("Please give %(what)s.") % {"what": what}, field=field)
    if len(text) > 4000:
        raise ActionError(_("The text is longer than 4000 characters."), field=field)
    return text


def save_photos(
    case: Case, step: CaseStep | None, photos: Sequence[CleanPhoto], purpose: str
) -> None:
    for p in photos:
        CasePhoto.objects.create(case=case, step=step, purpose=purpose, image=p.content)


def clean_photos(photos: Any) -> list[CleanPhoto]:
    photos = list(photos or [])
    if len(photos) > settings.MAX_PHOTOS:
        raise ActionError(
            _("At most %(n)d photos at a time.") % {"n": settings.MAX_PHOTOS}, field="photos"
        )
    return [clean_photo(p, index=i) for i, p in enumerate(photos, 1)]


def holders(case: Case) -> list[User]:
    """The people who hold the case now: whom to notify of a new step."""
    if case.assigned_unit_id:
        rows = Membership.objects.active().filter(
            role=Role.DEPARTMENT_STAFF, organisation_id=case.assigned_unit_id
        )
    else:
        rows = Membership.objects.active().filter(
            role__in=workflow.TIER_ROLES[Tier(case.tier)], scope_code=case.assigned_scope
        )
    return [m.user for m in rows.select_related("user")]


def grid_staff(case: Case) -> list[User]:
    """The staff of the case's grid (they confirm, verify and close whoever handled it)."""
    return holders(Case(grid_code=case.grid_code, tier=Tier.GRID, assigned_scope=case.grid_code))


def tell(users: Sequence[User | None], case: Case, title: str, body: str = "") -> None:
    notify(
        [u for u in users if u is not None],
        title,
        body or case.description[:100],
        reverse("cases:detail", args=[case.number]),
    )


class Transition:
    """One action under way on a locked case. The action's body changes the case through it; on
    leaving `transition()` the case enters the table's target status (unless the body entered one
    itself), is saved once, and its step, photos, audit entry and notifications are written."""

    def __init__(self, actor: Actor, case: Case, action: str, now: dt.datetime) -> None:
        self.actor, self.case, self.action, self.now = actor, case, action, now
        self.before: str = case.status
        self.fields: list[str] = []
        self.entered = False
        # What the timeline row and the audit entry say; the body may change any of them.
        self.step_action = action
        self.audit_action = f"cases.{action}"
        self.note = ""
        self.data: dict[str, Any] = {}
        self.on_time: bool | None = None
        self.unit: str | None = None  # None: the unit that holds the case after the change
        self.summary = ""
        self.photos: tuple[Sequence[CleanPhoto], str] | None = None
        self.messages: list[tuple[list[User], str, str]] = []
        self.step: CaseStep | None = None

    def changed(self, *fields: str) -> None:
        self.fields.extend(fields)

    def enter(self, status: Status) -> None:
        enter(self.case, status, self.now)
        self.entered = True
        self.changed(*STEP_FIELDS)

    def count(self, **metrics: int) -> None:
        """Counted today, under the unit holding the case at this moment (before or after a change)."""
        count(self.case, self.now, **metrics)

    def count_back(self, at: dt.datetime, **metrics: int) -> None:
        """Counted on the day of an earlier step (taking back what no longer stands)."""
        count(self.case, at, **metrics)

    def notify(self, users: Sequence[User | None], title: str, body: str = "") -> None:
        self.messages.append(([u for u in users if u is not None], title, body))

    def finish(self, *, restart_clock: bool, channel: str) -> None:
        target = workflow.TRANSITIONS[self.action][1]
        if target is not None and not self.entered:
            if restart_clock:
                self.enter(target)
            else:
                self.case.status = target
                self.changed("status")
        if self.fields:
            save(self.case, *self.fields)
        self.step = add_step(
            self.case,
            self.step_action,
            self.actor,
            self.now,
            self.before,
            note=self.note,
            on_time=self.on_time,
            data=self.data,
            unit=self.unit,
        )
        if self.photos is not None:
            save_photos(self.case, self.step, *self.photos)
        audit.record(
            self.actor, self.audit_action, self.case, channel=channel, summary=self.summary
        )
        for users, title, body in self.messages:
            tell(users, self.case, title, body)


def begin(actor: Actor, case: Case, action: str, seen_version: int | None) -> Transition:
    """Check the person and the state of a case already locked, and start the action on it."""
    guard(actor, action, case, seen_version)
    return Transition(actor, case, action, timezone.now())


@contextmanager
def transition(
    actor: Actor,
    case_id: int,
    action: str,
    *,
    seen_version: int | None = None,
    channel: str = Channel.WEB,
    restart_clock: bool = True,
) -> Iterator[Transition]:
    """Lock the case, check, let the body change it, then finish the step (see `Transition`).
    An error raised by the body rolls the whole action back."""
    with transaction.atomic():
        t = begin(actor, locked(case_id), action, seen_version)
        yield t
        t.finish(restart_clock=restart_clock, channel=channel)

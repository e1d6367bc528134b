"""Organisations: the party network's shape, committee seats, property companies' party status."""

from __future__ import annotations

import pytest

from gongzhi.conftest import STREET, YUXIANGYUAN, Cast
from gongzhi.core.errors import ActionError, Conflict, NotAllowed
from gongzhi.orgs.actions import add_committee_seat, create_organisation
from gongzhi.orgs.models import CommitteeSeat, Organisation, OrgKind, PartyStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(cast: Cast) -> Organisation:
    street = create_organisation(
        cast.administrator, "元宝山街道党工委", OrgKind.STREET_WORKING_COMMITTEE, STREET
    )
    return create_organisation(
        cast.administrator,
        "御祥园社区大党委",
        OrgKind.COMMUNITY_COMMITTEE,
        YUXIANGYUAN,
        parent=street,
    )


def test_the_four_level_network_nests_committee_branch_group_household(
    cast: Cast, committee: Organisation
) -> None:
    branch = create_organisation(
        cast.community_secretary,
        "第一网格党支部",
        OrgKind.GRID_BRANCH,
        cast.grid.code,
        parent=committee,
    )
    group = create_organisation(
        cast.community_secretary,
        "1号楼党小组",
        OrgKind.BUILDING_GROUP,
        cast.grid.code,
        parent=branch,
    )
    household = create_organisation(
        cast.community_secretary,
        "党员中心户 王芳",
        OrgKind.MEMBER_HOUSEHOLD,
        cast.grid.code,
        parent=group,
    )
    assert household.parent == group and group.parent == branch and branch.parent == committee


def test_a_grid_branch_must_sit_under_a_community_committee(cast: Cast) -> None:
    with pytest.raises(ActionError) as err:
        create_organisation(cast.administrator, "孤立支部", OrgKind.GRID_BRANCH, cast.grid.code)
    assert err.value.field == "parent"


def test_a_child_must_lie_inside_its_parents_area(cast: Cast, committee: Organisation) -> None:
    with pytest.raises(ActionError):
        create_organisation(
            cast.administrator,
            "越界支部",
            OrgKind.GRID_BRANCH,
            cast.other_community_grid.code,
            parent=committee,
        )


def test_a_property_company_states_its_party_status(cast: Cast) -> None:
    with pytest.raises(ActionError):
        create_organisation(
            cast.community_secretary, "某物业", OrgKind.PROPERTY_COMPANY, cast.grid.code
        )
    company = create_organisation(
        cast.community_secretary,
        "某物业",
        OrgKind.PROPERTY_COMPANY,
        cast.grid.code,
        party_status=PartyStatus.PARTY_INSTRUCTOR,
    )
    assert company.get_party_status_display()


def test_the_same_organisation_twice_is_a_conflict(cast: Cast) -> None:
    create_organisation(
        cast.community_secretary, "幸福志愿队", OrgKind.SOCIAL_ORGANISATION, YUXIANGYUAN
    )
    with pytest.raises(Conflict):
        create_organisation(
            cast.community_secretary, "幸福志愿队", OrgKind.SOCIAL_ORGANISATION, YUXIANGYUAN
        )


def test_a_community_worker_cannot_create_organisations(cast: Cast) -> None:
    with pytest.raises(NotAllowed):
        create_organisation(
            cast.community_worker, "新队伍", OrgKind.SOCIAL_ORGANISATION, YUXIANGYUAN
        )


def test_part_time_committee_members_come_from_a_partner_unit(
    cast: Cast, committee: Organisation
) -> None:
    unit = create_organisation(cast.administrator, "双滦区人民医院", OrgKind.PARTNER_UNIT, "130803")
    with pytest.raises(ActionError):
        add_committee_seat(
            cast.community_secretary,
            committee,
            cast.resident,
            CommitteeSeat.Position.PART_TIME_MEMBER,
        )
    seat = add_committee_seat(
        cast.community_secretary,
        committee,
        cast.resident,
        CommitteeSeat.Position.PART_TIME_MEMBER,
        from_unit=unit,
    )
    assert seat.from_unit == unit
    with pytest.raises(Conflict):
        add_committee_seat(
            cast.community_secretary, committee, cast.resident, CommitteeSeat.Position.MEMBER
        )


def test_the_other_communitys_staff_cannot_seat_anyone(cast: Cast, committee: Organisation) -> None:
    with pytest.raises(NotAllowed):
        add_committee_seat(
            cast.other_community_worker, committee, cast.resident, CommitteeSeat.Position.MEMBER
        )

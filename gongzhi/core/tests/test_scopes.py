"""Nobody sees or changes anything outside their scope: the fixed cast against places and people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from gongzhi.conftest import SHUANGAN, STREET, XINGGONG, YUXIANGYUAN, Cast
from gongzhi.core.errors import NotAllowed
from gongzhi.core.models import AuditEntry
from gongzhi.core.permissions import can, prefix_filter, scoped
from gongzhi.people.actions import assign_role, end_membership, reveal_personal_data
from gongzhi.people.models import Membership, Role, User
from gongzhi.places.models import Grid

pytestmark = pytest.mark.django_db


def visible_grid_codes(user: User | AnonymousUser) -> set[str]:
    return set(
        scoped(user, "places.view", Grid.objects.all(), field="code").values_list("code", flat=True)
    )


def grid_codes_under(prefix: str) -> set[str]:
    return set(Grid.objects.filter(code__startswith=prefix).values_list("code", flat=True))


def test_community_worker_sees_only_their_communitys_grids(cast: Cast) -> None:
    assert visible_grid_codes(cast.community_worker) == grid_codes_under(YUXIANGYUAN)
    assert visible_grid_codes(cast.other_community_worker) == grid_codes_under(SHUANGAN)


def test_street_staff_see_every_community_of_their_street_and_no_other(cast: Cast) -> None:
    seen = visible_grid_codes(cast.street_staff)
    assert seen == grid_codes_under(STREET)
    assert seen >= grid_codes_under(YUXIANGYUAN) | grid_codes_under(SHUANGAN)
    assert not seen & grid_codes_under(XINGGONG)


def test_command_centre_and_administrator_see_the_whole_district(cast: Cast) -> None:
    everything = set(Grid.objects.values_list("code", flat=True))
    assert visible_grid_codes(cast.command_centre) == everything
    assert visible_grid_codes(cast.administrator) == everything


def test_grid_worker_and_resident_see_their_own_grid(cast: Cast) -> None:
    assert visible_grid_codes(cast.grid_worker) == {cast.grid.code}
    assert visible_grid_codes(cast.resident) == {cast.grid.code}


def test_anonymous_sees_nothing(cast: Cast) -> None:
    assert visible_grid_codes(cast.anonymous) == set()
    assert not can(cast.anonymous, "places.view", cast.grid)


def test_no_one_in_the_cast_sees_a_grid_outside_a_scope_they_hold(cast: Cast) -> None:
    for user in User.objects.all():
        scopes = list(
            Membership.objects.active().filter(user=user).values_list("scope_code", flat=True)
        )
        for code in visible_grid_codes(user):
            assert any(code.startswith(s) for s in scopes), (user.username, code)


def test_an_ended_role_gives_no_access(cast: Cast) -> None:
    membership = Membership.objects.get(user=cast.community_worker, role=Role.COMMUNITY_WORKER)
    end_membership(cast.community_secretary, membership, ended_on=dt.date(2020, 1, 1))
    fresh = User.objects.get(pk=cast.community_worker.pk)  # a new request, a new permission cache
    assert visible_grid_codes(fresh) == set()


def test_grid_worker_may_see_full_personal_data_of_residents_in_their_grid(cast: Cast) -> None:
    before = AuditEntry.objects.filter(action="people.view_personal_data").count()
    contact = reveal_personal_data(cast.grid_worker, cast.resident, reason="上门核实")
    assert contact.phone == "13812341234"
    assert contact.id_number == "130803198001011234"
    entry = AuditEntry.objects.filter(action="people.view_personal_data").first()
    assert AuditEntry.objects.filter(action="people.view_personal_data").count() == before + 1
    assert (
        entry is not None
        and entry.actor == cast.grid_worker
        and entry.object_id == str(cast.resident.pk)
    )


@pytest.mark.parametrize(
    "viewer",
    [
        "other_grid_worker",
        "other_community_worker",
        "department_staff",
        "street_staff",
        "anonymous",
    ],
)
def test_personal_data_is_refused_to_those_who_do_not_look_after_the_resident(
    cast: Cast, viewer: str
) -> None:
    with pytest.raises(NotAllowed):
        reveal_personal_data(getattr(cast, viewer), cast.resident)
    assert not AuditEntry.objects.filter(action="people.view_personal_data").exists()


def test_a_resident_may_see_their_own_data_and_it_is_logged(cast: Cast) -> None:
    contact = reveal_personal_data(cast.resident, cast.resident)
    assert contact.phone == "13812341234"
    assert (
        AuditEntry.objects.filter(action="people.view_personal_data", actor=cast.resident).count()
        == 1
    )


def test_community_secretary_appoints_a_grid_worker_in_their_own_community(cast: Cast) -> None:
    membership = assign_role(
        cast.community_secretary, cast.resident, Role.GRID_WORKER, cast.other_grid.code
    )
    assert membership.scope_code == cast.other_grid.code
    assert (
        AuditEntry.objects.filter(
            action="people.assign_role", actor=cast.community_secretary
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    "actor", ["community_worker", "other_community_worker", "department_staff", "anonymous"]
)
def test_others_cannot_appoint_in_a_community_they_do_not_manage(cast: Cast, actor: str) -> None:
    with pytest.raises(NotAllowed):
        assign_role(getattr(cast, actor), cast.resident, Role.GRID_WORKER, cast.other_grid.code)
    assert not Membership.objects.filter(user=cast.resident, role=Role.GRID_WORKER).exists()


def test_prefix_filter_keeps_only_the_widest_of_nested_scopes() -> None:
    q = prefix_filter([YUXIANGYUAN, STREET, f"{YUXIANGYUAN}001"], "code")
    assert q is not None
    assert str(q) == f"(AND: ('code__startswith', '{STREET}'))"
    assert prefix_filter([], "code") is None

"""Roles are given over the right kind of place, once, and logged."""

from __future__ import annotations

import pytest

from gongzhi.conftest import DISTRICT, STREET, YUXIANGYUAN, Cast
from gongzhi.core.errors import ActionError, Conflict, NotAllowed
from gongzhi.core.models import AuditEntry
from gongzhi.people.actions import assign_role, end_membership
from gongzhi.people.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_a_grid_worker_needs_a_grid_code_not_a_community_code(cast: Cast) -> None:
    with pytest.raises(ActionError) as err:
        assign_role(cast.administrator, cast.resident, Role.GRID_WORKER, YUXIANGYUAN)
    assert err.value.field == "scope_code"
    assert not Membership.objects.filter(user=cast.resident, role=Role.GRID_WORKER).exists()


def test_street_staff_need_a_street_code(cast: Cast) -> None:
    with pytest.raises(ActionError):
        assign_role(cast.administrator, cast.resident, Role.STREET_STAFF, YUXIANGYUAN)
    membership = assign_role(cast.administrator, cast.resident, Role.STREET_STAFF, STREET)
    assert membership.scope_code == STREET


def test_department_staff_must_belong_to_a_department(cast: Cast) -> None:
    with pytest.raises(ActionError) as err:
        assign_role(cast.administrator, cast.resident, Role.DEPARTMENT_STAFF, DISTRICT)
    assert err.value.field == "organisation"


def test_the_same_role_twice_is_a_conflict_and_writes_nothing(cast: Cast) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(Conflict):
        assign_role(cast.community_secretary, cast.grid_worker, Role.GRID_WORKER, cast.grid.code)
    assert AuditEntry.objects.count() == before
    assert Membership.objects.filter(user=cast.grid_worker, role=Role.GRID_WORKER).count() == 1


def test_only_administrators_appoint_administrators(cast: Cast) -> None:
    with pytest.raises(NotAllowed):
        assign_role(cast.command_centre, cast.resident, Role.ADMINISTRATOR, DISTRICT)


def test_an_unknown_role_is_refused(cast: Cast) -> None:
    with pytest.raises(ActionError):
        assign_role(cast.administrator, cast.resident, "mayor", DISTRICT)


def test_ending_a_role_twice_is_a_conflict(cast: Cast) -> None:
    membership = Membership.objects.get(user=cast.grid_worker, role=Role.GRID_WORKER)
    end_membership(cast.community_secretary, membership)
    with pytest.raises(Conflict):
        end_membership(cast.community_secretary, membership)


def test_the_other_communitys_worker_cannot_end_a_role_here(cast: Cast) -> None:
    membership = Membership.objects.get(user=cast.grid_worker, role=Role.GRID_WORKER)
    with pytest.raises(NotAllowed):
        end_membership(cast.other_community_worker, membership)
    membership.refresh_from_db()
    assert membership.ended_on is None

"""The audit log page: for the command centre and administrators, newest first, a page at a time,
filterable by action, scoped to the reader's places; refused to everyone else."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.test import Client

from gongzhi.conftest import DISTRICT, PASSWORD, Cast
from gongzhi.core.models import AuditEntry
from gongzhi.people.actions import assign_role, reveal_personal_data
from gongzhi.people.models import Role, User
from gongzhi.web.views import AUDIT_ENTRIES_PER_PAGE

SignIn = Callable[[User], Client]


def _newcomers(cast: Cast, count: int) -> None:
    """The community secretary registers `count` new residents in a grid: one log entry each."""
    for i in range(count):
        person = User.objects.create_user(f"newcomer{i}", password=PASSWORD, full_name=f"新居民{i}")
        assign_role(cast.community_secretary, person, Role.RESIDENT, cast.grid.code)


@pytest.mark.django_db
def test_command_centre_reads_the_log_newest_first(client_as: SignIn, cast: Cast) -> None:
    _newcomers(cast, 2)
    response = client_as(cast.command_centre).get("/audit/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.entry.summary.split()[0] for row in rows[:2]] == ["新居民1", "新居民0"]
    assert all(a.entry.at >= b.entry.at for a, b in itertools.pairwise(rows))
    page = response.content.decode()
    assert page.index("新居民1") < page.index("新居民0")
    assert "御祥园书记" in page  # who did it


@pytest.mark.django_db
def test_the_log_comes_a_page_at_a_time(client_as: SignIn, cast: Cast) -> None:
    _newcomers(cast, AUDIT_ENTRIES_PER_PAGE + 5)
    client = client_as(cast.command_centre)
    visible = AuditEntry.objects.filter(scope_code__startswith=DISTRICT).count()
    first = client.get("/audit/")
    assert len(first.context["rows"]) == AUDIT_ENTRIES_PER_PAGE
    assert 'rel="next"' in first.content.decode()
    pages = first.context["page"].paginator.num_pages
    last = client.get(f"/audit/?page={pages}")
    assert len(last.context["rows"]) == visible - (pages - 1) * AUDIT_ENTRIES_PER_PAGE
    assert 'rel="prev"' in last.content.decode()


@pytest.mark.django_db
def test_filter_by_action_keeps_only_that_action(client_as: SignIn, cast: Cast) -> None:
    _newcomers(cast, 1)
    response = client_as(cast.command_centre).get("/audit/?action=people.assign_role")
    actions = {row.entry.action for row in response.context["rows"]}
    assert actions == {"people.assign_role"}
    page = response.content.decode()
    assert '<option value="people.assign_role" selected>' in page
    assert "Assigned a role" in page
    other = client_as(cast.command_centre).get("/audit/?action=places.create_grid")
    assert {row.entry.action for row in other.context["rows"]} == {"places.create_grid"}


@pytest.mark.django_db
def test_administrator_sees_who_viewed_full_phone_numbers(client_as: SignIn, cast: Cast) -> None:
    reveal_personal_data(cast.grid_worker, cast.resident, reason="上门核实")
    response = client_as(cast.administrator).get("/audit/?action=people.view_personal_data")
    rows = response.context["rows"]
    assert [(r.entry.actor, r.entry.summary) for r in rows] == [(cast.grid_worker, "上门核实")]
    assert "Viewed full phone / ID number" in response.content.decode()


@pytest.mark.django_db
def test_street_staff_community_worker_and_resident_are_refused(
    client_as: SignIn, cast: Cast
) -> None:
    for person in (cast.street_staff, cast.community_worker, cast.resident):
        response = client_as(person).get("/audit/")
        assert response.status_code == 403
        assert "gz-error-message" in response.content.decode()


@pytest.mark.django_db
def test_the_log_is_scoped_to_the_readers_district(client_as: SignIn, cast: Cast) -> None:
    response = client_as(cast.command_centre).get("/audit/")
    total = response.context["page"].paginator.count
    assert total == AuditEntry.objects.filter(scope_code__startswith=DISTRICT).count()
    # The administrator's own appointment has the empty scope: outside the district.
    assert AuditEntry.objects.exclude(scope_code__startswith=DISTRICT).exists()
    assert total < AuditEntry.objects.count()

"""Showing a full phone number: allowed to those who work with that place, refused (403) to the
rest, and every view is written to the audit log."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from gongzhi.conftest import Cast
from gongzhi.core.models import AuditEntry
from gongzhi.people.models import User

SignIn = Callable[[User], Client]
HTMX = {"HX-Request": "true"}


def _reveals() -> int:
    return AuditEntry.objects.filter(action="people.view_personal_data").count()


@pytest.mark.django_db
def test_grid_worker_may_reveal_a_resident_of_their_grid_and_it_is_logged(
    client_as: SignIn, cast: Cast
) -> None:
    response = client_as(cast.grid_worker).post(
        f"/people/{cast.resident.pk}/reveal/", {"reason": "上门核实"}, headers=HTMX
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "13812341234" in fragment
    assert "130803198001011234" in fragment
    assert "<html" not in fragment
    entry = AuditEntry.objects.get(action="people.view_personal_data")
    assert entry.actor == cast.grid_worker
    assert entry.object_id == str(cast.resident.pk)
    assert entry.summary == "上门核实"


@pytest.mark.django_db
def test_community_worker_may_reveal_the_grid_worker_from_the_grid_page(
    client_as: SignIn, cast: Cast
) -> None:
    response = client_as(cast.community_worker).post(
        f"/people/{cast.grid_worker.pk}/reveal/", headers=HTMX
    )
    assert response.status_code == 200
    assert 'href="tel:13900000008"' in response.content.decode()
    assert _reveals() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["department_staff", "other_community_worker"])
def test_reveal_is_refused_with_403_and_nothing_logged(
    client_as: SignIn, cast: Cast, viewer: str
) -> None:
    response = client_as(getattr(cast, viewer)).post(
        f"/people/{cast.resident.pk}/reveal/", headers=HTMX
    )
    assert response.status_code == 403
    fragment = response.content.decode()
    assert "13812341234" not in fragment
    assert "gz-error-message" in fragment
    assert _reveals() == 0


@pytest.mark.django_db
def test_refusal_without_htmx_is_a_full_page_with_the_message(
    client_as: SignIn, cast: Cast
) -> None:
    response = client_as(cast.department_staff).post(f"/people/{cast.resident.pk}/reveal/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "<html" in page
    assert "Not allowed" in page
    assert "13812341234" not in page


@pytest.mark.django_db
def test_reveal_without_htmx_shows_a_page_with_the_full_number(
    client_as: SignIn, cast: Cast
) -> None:
    response = client_as(cast.grid_worker).post(f"/people/{cast.resident.pk}/reveal/")
    assert response.status_code == 200
    assert "13812341234" in response.content.decode()
    assert _reveals() == 1


@pytest.mark.django_db
def test_reveal_is_a_post_only_link(client_as: SignIn, cast: Cast) -> None:
    response = client_as(cast.grid_worker).get(f"/people/{cast.resident.pk}/reveal/")
    assert response.status_code == 405
    assert _reveals() == 0


@pytest.mark.django_db
def test_reveal_needs_the_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.grid_worker)
    response = client.post(f"/people/{cast.resident.pk}/reveal/", headers=HTMX)
    assert response.status_code == 403
    assert _reveals() == 0


@pytest.mark.django_db
def test_reveal_of_an_unknown_person_is_refused(client_as: SignIn, cast: Cast) -> None:
    response = client_as(cast.community_worker).post("/people/999999/reveal/", headers=HTMX)
    assert response.status_code == 403
    assert _reveals() == 0

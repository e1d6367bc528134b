"""An action taken through the API leaves an audit entry naming the token that acted (its id and
the prefix shown in lists, never the secret); the same kind of action taken through a page, in the
same worker right after, names none."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from gongzhi.api.models import ApiToken
from gongzhi.api.tests.conftest import Api
from gongzhi.cases.models import Case
from gongzhi.conftest import Cast
from gongzhi.core.models import AuditEntry
from gongzhi.people.models import User

pytestmark = pytest.mark.django_db


def test_an_api_action_names_its_token_and_a_page_action_after_it_names_none(
    cast: Cast,
    reported: Case,
    api_as: Callable[[User | None], Api],
    token_for: Callable[[User], str],
) -> None:
    api = api_as(cast.grid_worker)
    seen = api.get(f"/api/v1/cases/{reported.number}").json()["version"]
    response = api.post(
        f"/api/v1/cases/{reported.number}/actions/confirm", {"note": "属实", "seen_version": seen}
    )
    assert response.status_code == 200, response.content
    token = ApiToken.objects.get(user=cast.grid_worker)
    confirmed = AuditEntry.objects.get(action="cases.confirm")
    assert confirmed.channel == "api" and confirmed.actor == cast.grid_worker
    assert confirmed.credential == f"api_token#{token.pk} {token.prefix}"
    assert token_for(cast.grid_worker) not in confirmed.credential

    page = Client()
    page.force_login(cast.grid_worker)
    reported.refresh_from_db()
    page.post(f"/cases/{reported.number}/act/register/", {"seen_version": reported.version})
    registered = AuditEntry.objects.get(action="cases.register")
    assert registered.channel == "web" and registered.actor == cast.grid_worker
    assert registered.credential == ""


def test_two_tokens_of_one_person_are_told_apart(
    cast: Cast, reported: Case, token_for: Callable[[User], str]
) -> None:
    from gongzhi.api.actions import issue_token

    phone = issue_token(None, cast.grid_worker, name="phone")
    tablet = issue_token(None, cast.grid_worker, name="tablet")
    for issued, action in ((phone, "confirm"), (tablet, "register")):
        api = Api(Client(), issued.secret)
        seen = api.get(f"/api/v1/cases/{reported.number}").json()["version"]
        response = api.post(
            f"/api/v1/cases/{reported.number}/actions/{action}", {"seen_version": seen}
        )
        assert response.status_code == 200, response.content
    assert AuditEntry.objects.get(action="cases.confirm").credential.startswith(
        f"api_token#{phone.token.pk} "
    )
    assert AuditEntry.objects.get(action="cases.register").credential.startswith(
        f"api_token#{tablet.token.pk} "
    )

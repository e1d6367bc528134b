"""A request acts as the account of its bearer token. No token, a wrong one, a revoked or expired
one, or one of a disabled account is 401 with our JSON error. Tokens are stored as SHA-256 only,
shown once, and issued and revoked in the back office or with `manage.py api_token`."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from gongzhi.api.actions import issue_token, revoke_token
from gongzhi.api.models import ApiToken
from gongzhi.api.tests.conftest import Api
from gongzhi.conftest import PASSWORD, Cast
from gongzhi.core.errors import NotAllowed
from gongzhi.core.models import AuditEntry
from gongzhi.people.actions import assign_role
from gongzhi.people.models import Role, User

pytestmark = pytest.mark.django_db
ME = "/api/v1/me"


def _refused(response: object, message_part: str = "") -> None:
    assert response.status_code == 401  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"code", "message", "field"}
    assert body["code"] == "unauthorized" and body["field"] is None
    assert response["WWW-Authenticate"].startswith("Bearer")  # type: ignore[index]


def test_a_request_without_a_token_is_401(cast: Cast) -> None:
    _refused(Api(Client()).get(ME))
    _refused(Api(Client()).get(ME, Authorization="Bearer"))
    _refused(Api(Client()).get(ME, Authorization="Basic dXNlcjpwYXNz"))


def test_a_wrong_token_is_401(cast: Cast) -> None:
    issue_token(None, cast.grid_worker, name="phone")
    _refused(Api(Client(), "gz_not-a-real-token").get(ME))
    _refused(Api(Client(), "something else entirely").get(ME))


def test_a_token_acts_as_its_account(cast: Cast, token_for: Callable[[User], str]) -> None:
    body = Api(Client(), token_for(cast.grid_worker)).get(ME).json()
    assert body["username"] == "grid_worker"
    assert body["phone"] == "13900000008"  # one's own number, unmasked
    assert [(r["role"], r["scope_code"]) for r in body["roles"]] == [
        ("grid_worker", cast.grid.code)
    ]
    assert body["token"]["kind"] == "personal"


def test_a_revoked_token_is_401_and_others_still_work(cast: Cast) -> None:
    first = issue_token(None, cast.resident, name="phone")
    second = issue_token(None, cast.resident, name="tablet")
    assert Api(Client(), first.secret).get(ME).status_code == 200
    revoke_token(cast.resident, first.token)
    _refused(Api(Client(), first.secret).get(ME))
    assert Api(Client(), second.secret).get(ME).status_code == 200


def test_an_expired_token_and_a_disabled_account_are_401(cast: Cast) -> None:
    expiring = issue_token(
        None, cast.resident, name="short", expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    ApiToken.objects.filter(pk=expiring.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    _refused(Api(Client(), expiring.secret).get(ME))
    token = issue_token(None, cast.grid_worker, name="phone")
    cast.grid_worker.is_active = False
    cast.grid_worker.save()
    _refused(Api(Client(), token.secret).get(ME))


def test_only_the_hash_is_stored_and_use_is_recorded(cast: Cast) -> None:
    issued = issue_token(None, cast.resident, name="phone")
    row = ApiToken.objects.get(pk=issued.token.pk)
    assert row.key_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in str(list(ApiToken.objects.values()))
    assert row.prefix == issued.secret[:10] and row.last_used_at is None
    Api(Client(), issued.secret).get(ME)
    row.refresh_from_db()
    assert row.last_used_at is not None
    assert AuditEntry.objects.filter(action="api.issue_token", object_id=str(row.pk)).exists()


def test_people_issue_personal_tokens_for_themselves_only(cast: Cast) -> None:
    issue_token(cast.resident, cast.resident, name="mine")
    with pytest.raises(NotAllowed):
        issue_token(cast.resident, cast.other_resident, name="theirs")
    with pytest.raises(NotAllowed):
        issue_token(cast.grid_worker, cast.grid_worker, name="app", kind=ApiToken.Kind.APP)
    with pytest.raises(NotAllowed):
        revoke_token(cast.other_resident, issue_token(None, cast.resident, name="x").token)


def test_an_app_token_acts_as_the_service_account_with_its_roles(cast: Cast) -> None:
    """The hotline system's account takes calls for the district: it reports hotline cases."""
    hotline = User.objects.create_user("hotline-system", full_name="12345热线对接")
    assign_role(None, hotline, Role.COMMAND_CENTRE_STAFF, "130803")
    token = issue_token(cast.administrator, hotline, name="12345", kind=ApiToken.Kind.APP)
    body = Api(Client(), token.secret).get(ME).json()
    assert body["username"] == "hotline-system" and body["token"]["kind"] == "app"
    assert [r["role"] for r in body["roles"]] == ["command_centre_staff"]


def test_the_command_issues_lists_and_revokes(cast: Cast) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "issue", "resident", "--name", "小程序", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert secret.startswith("gz_") and "小程序" in err.getvalue()
    assert Api(Client(), secret).get(ME).status_code == 200
    listing = io.StringIO()
    call_command("api_token", "list", "resident", stdout=listing)
    assert "active" in listing.getvalue() and secret not in listing.getvalue()
    call_command("api_token", "revoke", secret[:10], stdout=io.StringIO())
    _refused(Api(Client(), secret).get(ME))


def test_staff_issue_their_own_token_in_the_back_office_and_see_it_once(
    cast: Cast, client: Client
) -> None:
    cast.community_worker.is_staff = True
    cast.community_worker.save()
    assert client.login(username="community_worker", password=PASSWORD)
    page = client.post("/admin/api/apitoken/add/", {"name": "值班手机"})
    assert page.status_code == 200
    token = ApiToken.objects.get()
    assert token.user == cast.community_worker and token.kind == ApiToken.Kind.PERSONAL
    secret = page.context["secret"]
    assert secret.startswith(token.prefix) and secret in page.content.decode()
    assert Api(Client(), secret).get(ME).json()["username"] == "community_worker"
    # Not shown again, and others' tokens are not listed.
    issue_token(None, cast.grid_worker, name="theirs")
    listing = client.get("/admin/api/apitoken/").content.decode()
    assert "值班手机" in listing and "theirs" not in listing and secret not in listing
    assert secret not in client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None

"""API keys: issued and revoked by administrators in the back office and with
`manage.py open311_key`, each time written to the audit log; only a hash is stored."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from gongzhi.conftest import Cast
from gongzhi.core.errors import NotAllowed
from gongzhi.core.models import AuditEntry
from gongzhi.open311.keys import authenticate, hash_key, issue_key
from gongzhi.open311.models import ApiKey

pytestmark = pytest.mark.django_db


def test_the_command_issues_a_key_with_a_service_account_and_revokes_it(cast: Cast) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("open311_key", "issue", "12345热线", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert len(raw) == 40 and raw.isalnum()
    key = ApiKey.objects.get()
    assert key.name == "12345热线" and key.key_hash == hash_key(raw) and raw not in key.key_hash
    assert key.service_account.is_active and not key.service_account.has_usable_password()
    assert authenticate(raw) == key
    issued = AuditEntry.objects.get(action="open311.issue_key")
    assert (issued.channel, issued.object_id) == ("command", str(key.pk))

    listing = io.StringIO()
    call_command("open311_key", "list", stdout=listing)
    assert key.prefix in listing.getvalue() and raw not in listing.getvalue()

    call_command("open311_key", "revoke", raw, stdout=io.StringIO())
    key.refresh_from_db()
    assert key.revoked_at is not None and not key.service_account.is_active
    assert authenticate(raw) is None
    assert AuditEntry.objects.filter(action="open311.revoke_key").count() == 1
    with pytest.raises(CommandError):
        call_command("open311_key", "revoke", "nothing-like-it")


def test_a_key_can_be_revoked_by_the_start_shown_in_the_list(cast: Cast) -> None:
    key, raw = issue_key(None, "小程序")
    call_command("open311_key", "revoke", key.prefix, stdout=io.StringIO())
    assert authenticate(raw) is None


def test_only_administrators_issue_keys(cast: Cast) -> None:
    with pytest.raises(NotAllowed):
        issue_key(cast.street_staff, "私自申请")
    key, _raw = issue_key(cast.administrator, "数据分析")
    assert key.created_by == cast.administrator


def test_the_back_office_issues_a_key_once_and_revokes_keys_with_an_action(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.administrator)
    response = client.post(
        "/admin/open311/apikey/add/",
        {"name": "微信小程序"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    messages = [str(m) for m in response.context["messages"]]
    [message] = [m for m in messages if "shown this once" in m]
    raw = message.split(": ", 1)[1].split(" ", 1)[0]
    assert authenticate(raw) == key
    assert AuditEntry.objects.get(action="open311.issue_key").actor == cast.administrator

    response = client.post(
        "/admin/open311/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert authenticate(raw) is None
    revoked = AuditEntry.objects.get(action="open311.revoke_key")
    assert revoked.actor == cast.administrator and revoked.channel == "web"
    # keys are revoked, never deleted
    assert client.get(f"/admin/open311/apikey/{key.pk}/delete/").status_code in (302, 403)

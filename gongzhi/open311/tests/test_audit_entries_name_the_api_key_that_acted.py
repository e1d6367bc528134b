"""What an Open311 client does is audited with its key named (id and the prefix shown in the back
office, never the key): the case a POST makes at once, and the case or the refusal a batch
request gets later from the background task."""

from __future__ import annotations

import pytest

from gongzhi.cases.models import Category
from gongzhi.conftest import Cast
from gongzhi.core import audit
from gongzhi.core.models import AuditEntry
from gongzhi.open311.models import Open311Request
from gongzhi.open311.tasks import make_case_for_token

from .conftest import Key, Open311Client, inside

pytestmark = pytest.mark.django_db


def _label(key: Key) -> str:
    return f"open311_key#{key.row.pk} {key.row.prefix}"


def _post(o311: Open311Client, cast: Cast, key: Key, **fields: str) -> str:
    lat, lng = inside(cast.grid)
    response = o311.post(
        "requests.json",
        {"api_key": key.raw, "lat": lat, "long": lng, "description": "路口有车乱停", **fields},
    )
    assert response.status_code == 200, response.content
    [answer] = response.json()
    return str(answer.get("service_request_id") or answer["token"])


def test_a_case_posted_at_once_names_the_key(o311: Open311Client, cast: Cast, key: Key) -> None:
    number = _post(o311, cast, key, service_code="E0401", **{"attribute[VEHICLE]": "car"})
    entry = AuditEntry.objects.get(action="cases.report")
    assert entry.channel == "open311" and entry.actor == key.row.service_account
    assert entry.credential == _label(key) and key.raw not in entry.credential
    assert Open311Request.objects.get(case__number=number).api_key == key.row


def test_a_batch_case_made_later_still_names_the_key(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    token = _post(o311, cast, key, service_code="E0603")
    assert make_case_for_token.call(Open311Request.objects.get(token=token).pk) == "created"
    assert AuditEntry.objects.get(action="cases.report").credential == _label(key)


def test_a_batch_request_refused_later_is_audited_with_the_key(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    token = _post(o311, cast, key, service_code="E0603")
    Category.objects.filter(name="旧房改造").update(is_active=False)
    assert make_case_for_token.call(Open311Request.objects.get(token=token).pk) == "failed"
    entry = AuditEntry.objects.get(action="open311.refuse_request")
    assert entry.credential == _label(key) and entry.summary


def test_an_entry_written_after_an_open311_request_names_no_key(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    _post(o311, cast, key, service_code="E0401", **{"attribute[VEHICLE]": "car"})
    entry = audit.record(cast.grid_worker, "test.page", cast.grid)
    assert entry.credential == ""

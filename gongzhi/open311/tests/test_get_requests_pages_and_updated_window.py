"""Extensions to GET requests: at most 1,000 requests a page, `page`/`page_size` to walk on, and
`updated_after`/`updated_before` on the last-modified time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gongzhi.cases.models import Case
from gongzhi.conftest import Cast

from .conftest import Open311Client, errors, ids, report

pytestmark = pytest.mark.django_db


def _copies(case: Case, n: int) -> None:
    """`n` more public cases like `case`, each a minute older than the one before."""
    rows = []
    for i in range(1, n + 1):
        copy = Case.objects.get(pk=case.pk)
        copy.pk = None
        copy.number = f"X{i:07d}"
        copy.reported_at = case.reported_at - dt.timedelta(minutes=i)
        rows.append(copy)
    Case.objects.bulk_create(rows)


def test_at_most_1000_requests_come_back_and_page_2_has_the_rest(
    o311: Open311Client, cast: Cast, services: None, django_assert_max_num_queries: Any
) -> None:
    first = report(cast)
    _copies(first, 1000)
    with django_assert_max_num_queries(12):  # a page costs a fixed few queries, not one per case
        everything = ids(o311.get("requests.json", extensions="true"))
    assert len(everything) == 1000
    assert everything[0] == first.number
    assert ids(o311.get("requests.json", page="2")) == ["X0001000"]


def test_page_size_and_page_walk_the_list(o311: Open311Client, cast: Cast, services: None) -> None:
    first = report(cast)
    _copies(first, 6)
    assert ids(o311.get("requests.json", page_size="3")) == [first.number, "X0000001", "X0000002"]
    assert ids(o311.get("requests.json", page_size="3", page="3")) == ["X0000006"]
    assert ids(o311.get("requests.json", page_size="3", page="4")) == []
    for bad in ({"page": "0"}, {"page_size": "1001"}, {"page_size": "many"}):
        response = o311.get("requests.json", **bad)
        assert response.status_code == 400 and errors(response)[0]["code"] == 400


def test_updated_after_and_before_select_by_last_change(
    o311: Open311Client, cast: Cast, services: None
) -> None:
    old = report(cast, description="三个月前就有了", days_ago=200)
    recent = report(cast, description="昨天的")
    a_while_ago = timezone.now() - dt.timedelta(days=150)
    Case.objects.filter(pk=recent.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    Case.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=2))
    # updated_after replaces the default 90-day window on the requested time
    after = (timezone.now() - dt.timedelta(days=3)).isoformat()
    assert ids(o311.get("requests.json", updated_after=after)) == [recent.number, old.number]
    before = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ids(o311.get("requests.json", updated_after=after, updated_before=before)) == [
        old.number
    ]
    assert ids(o311.get("requests.json", updated_before=a_while_ago.isoformat())) == []
    assert o311.get("requests.json", updated_after="soon").status_code == 400

"""Two people acting on one case at the same moment get one result, and the other a clear message;
a report sent twice at once makes one case. Needs real concurrent transactions: PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from gongzhi.cases import actions
from gongzhi.cases.models import Case, CaseStep, Status
from gongzhi.cases.tests.conftest import counter_totals, report_in
from gongzhi.conftest import Cast
from gongzhi.core.errors import ActionError, Conflict
from gongzhi.core.models import AuditEntry, IdempotencyKey

ON_POSTGRESQL = connection.vendor == "postgresql"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="concurrent transactions from threads need PostgreSQL (SQLite serialises writers "
        "on one file); CI runs this module with DATABASE_URL=postgres://…",
    ),
    pytest.mark.usefixtures("categories"),
]


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result is a value or the exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return results


@pytest.fixture
def slow_counters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each transaction open a moment after its checks, so that without the row lock both
    would pass their checks before either wrote."""
    bump = actions.base.count

    def slow(*args: Any, **kwargs: Any) -> None:
        time.sleep(0.3)
        bump(*args, **kwargs)

    monkeypatch.setattr(actions.base, "count", slow)


def test_two_people_confirm_the_same_case_at_once_and_one_wins(
    cast: Cast, slow_counters: None
) -> None:
    case = report_in(cast.resident, cast.grid).case
    results = at_once(
        lambda: actions.confirm(cast.grid_worker, case.pk, seen_version=0),
        lambda: actions.confirm(cast.community_worker, case.pk, seen_version=0),
    )
    won = [r for r in results if isinstance(r, Case)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], Conflict) and lost[0].status == 409
    assert case.number in lost[0].message

    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.CONFIRMED and case.version == 1
    assert CaseStep.objects.filter(case=case, action="confirm").count() == 1
    assert AuditEntry.objects.filter(action="cases.confirm", object_id=str(case.pk)).count() == 1
    assert counter_totals()["valid"] == 1


def test_a_decline_and_a_confirm_at_once_leave_one_consistent_case(
    cast: Cast, slow_counters: None
) -> None:
    case = report_in(cast.resident, cast.grid).case
    # Both decided on the report as they saw it (version 0); a decline after a confirmation would
    # be allowed, but not from a page that did not show the confirmation.
    results = at_once(
        lambda: actions.confirm(cast.grid_worker, case.pk, seen_version=0),
        lambda: actions.decline(cast.community_worker, case.pk, reason="不属实", seen_version=0),
    )
    assert sum(isinstance(r, Case) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    case = Case.objects.get(pk=case.pk)
    totals = counter_totals()
    if case.status == Status.CONFIRMED:
        assert (totals["valid"], totals["declined"]) == (1, 0)
    else:
        assert case.status == Status.DECLINED
        assert (totals["valid"], totals["declined"]) == (0, 1)
    assert case.steps.count() == 2


def test_the_same_report_sent_twice_at_once_makes_one_case(cast: Cast, slow_counters: None) -> None:
    results = at_once(
        lambda: report_in(cast.resident, cast.grid, idempotency_key="double-tap"),
        lambda: report_in(cast.resident, cast.grid, idempotency_key="double-tap"),
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert {r.case.pk for r in results} == {Case.objects.get().pk}
    assert sorted(r.created for r in results) == [False, True]
    assert IdempotencyKey.objects.filter(scope="cases.report").count() == 1
    assert CaseStep.objects.filter(action="report").count() == 1
    assert counter_totals()["reported"] == 1


def test_two_merges_into_each_other_at_once_do_not_deadlock(
    cast: Cast, slow_counters: None
) -> None:
    a = report_in(cast.resident, cast.grid).case
    b = report_in(cast.other_resident, cast.grid).case
    results = at_once(
        lambda: actions.void(cast.grid_worker, a.pk, duplicate_of=b.pk),
        lambda: actions.void(cast.community_worker, b.pk, duplicate_of=a.pk),
    )
    assert sum(isinstance(r, Case) for r in results) == 1
    [refused] = [r for r in results if isinstance(r, ActionError)]
    assert isinstance(refused, Conflict)
    statuses = sorted(Case.objects.values_list("status", flat=True))
    assert statuses == sorted([Status.REPORTED, Status.VOID])
    assert sum(Case.objects.values_list("me_too", flat=True)) == 1

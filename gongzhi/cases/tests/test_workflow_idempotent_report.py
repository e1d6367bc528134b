"""A double click or a retry after a dropped connection makes one case: the same idempotency key
from the same person returns the case the first call made."""

from __future__ import annotations

import pytest

from gongzhi.cases.models import Case, CaseStep
from gongzhi.cases.tests.conftest import counter_totals, report_in
from gongzhi.conftest import Cast
from gongzhi.core.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "now")]


def test_the_same_key_twice_gives_one_case_with_one_number(cast: Cast) -> None:
    first = report_in(cast.resident, cast.grid, idempotency_key="k-20260928-1")
    notices = Notification.objects.count()
    again = report_in(cast.resident, cast.grid, idempotency_key="k-20260928-1")
    assert (first.created, again.created) == (True, False)
    assert again.case.pk == first.case.pk and again.case.number == first.case.number
    assert Case.objects.count() == 1
    assert CaseStep.objects.filter(action="report").count() == 1
    assert counter_totals()["reported"] == 1
    assert Notification.objects.count() == notices  # the grid is not told twice


def test_the_retry_returns_the_first_case_even_if_the_form_changed(cast: Cast) -> None:
    first = report_in(cast.resident, cast.grid, idempotency_key="k-2", description="第一次")
    again = report_in(cast.resident, cast.grid, idempotency_key="k-2", description="改了文字")
    assert again.case.pk == first.case.pk
    assert Case.objects.get().description == "第一次"


def test_another_person_with_the_same_key_makes_another_case(cast: Cast) -> None:
    mine = report_in(cast.resident, cast.grid, idempotency_key="k-3")
    theirs = report_in(cast.other_resident, cast.grid, idempotency_key="k-3")
    assert theirs.created and theirs.case.pk != mine.case.pk
    assert theirs.case.reporter == cast.other_resident
    assert Case.objects.count() == 2


def test_without_a_key_each_report_is_a_new_case(cast: Cast) -> None:
    report_in(cast.resident, cast.grid)
    report_in(cast.resident, cast.grid)
    assert Case.objects.count() == 2
    assert len(set(Case.objects.values_list("number", flat=True))) == 2

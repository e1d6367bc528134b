"""作废: a duplicate is merged into the original (which counts one more reporter, and the second
reporter is told where to follow it); any other void needs a reason."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions, queries
from gongzhi.cases.models import Case, Status
from gongzhi.cases.tests.conftest import counter_totals, move, report_in, snapshot, told
from gongzhi.conftest import Cast
from gongzhi.core.errors import ActionError, Conflict, NotAllowed
from gongzhi.core.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "now")]


def test_a_duplicate_is_merged_into_the_original_and_its_reporter_is_told(cast: Cast) -> None:
    original = report_in(cast.resident, cast.grid, description="小区电梯坏了三天没人修").case
    original = move(cast, original, Status.DISPATCHED)
    second = report_in(
        cast.grid_worker, cast.grid, description="小区里的电梯又坏了没人修", source="patrol"
    )
    assert [c.case for c in second.duplicates] == [original]

    void = actions.void(cast.community_worker, second.case.pk, duplicate_of=original.pk)
    assert void.status == Status.VOID and void.duplicate_of_id == original.pk
    assert not void.is_open and void not in queries.inbox(cast.grid_worker)
    original = Case.objects.get(pk=original.pk)
    assert original.me_too == 1
    assert original.status == Status.DISPATCHED  # the original goes on as it was
    merge = original.steps.last()
    assert merge is not None and (merge.action, merge.data) == ("merge", {"merged": void.number})
    assert told(
        cast.grid_worker,
        "Your report %(mine)s joins case %(number)s",
        mine=void.number,
        number=original.number,
    )
    # The message links to the original, which the second reporter follows from now on.
    message = Notification.objects.filter(user=cast.grid_worker).latest("id")
    assert message.url.endswith(f"/cases/{original.number}/")
    assert counter_totals()["voided"] == 1

    # A third report, merged too, with the one already merged into it: the original counts them all.
    third = report_in(cast.community_secretary, cast.grid, source="hotline").case
    fourth = report_in(cast.community_worker, cast.grid, source="hotline").case
    actions.void(cast.grid_worker, fourth.pk, duplicate_of=third.pk)
    actions.void(cast.grid_worker, third.pk, duplicate_of=original.pk)
    assert Case.objects.get(pk=original.pk).me_too == 3


def test_a_void_without_an_original_needs_a_reason(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid).case
    before = snapshot(case.pk)
    with pytest.raises(ActionError) as refused:
        actions.void(cast.grid_worker, case.pk)
    assert refused.value.field == "reason"
    assert snapshot(case.pk) == before
    case = actions.void(cast.grid_worker, case.pk, reason="测试数据")
    assert case.status == Status.VOID and case.steps.last().note == "测试数据"  # type: ignore[union-attr]


def test_a_case_cannot_be_merged_into_itself_a_closed_void_or_an_unseen_case(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid).case
    declined = report_in(cast.resident, cast.grid, description="另一个问题").case
    actions.decline(cast.grid_worker, declined.pk, reason="不属实")
    elsewhere = report_in(cast.other_resident, cast.other_community_grid).case
    before = snapshot(case.pk)
    with pytest.raises(ActionError):
        actions.void(cast.grid_worker, case.pk, duplicate_of=case.pk)
    with pytest.raises(Conflict):
        actions.void(cast.grid_worker, case.pk, duplicate_of=declined.pk)
    # The grid worker of 御祥园 cannot touch a 双安 case.
    with pytest.raises(NotAllowed):
        actions.void(cast.grid_worker, case.pk, duplicate_of=elsewhere.pk)
    assert snapshot(case.pk) == before
    assert Case.objects.get(pk=elsewhere.pk).me_too == 0

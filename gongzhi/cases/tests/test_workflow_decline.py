"""不予立案: a report that is not real or not in scope is declined with a reason the reporter is told."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions, queries, workflow
from gongzhi.cases.models import Case, Status
from gongzhi.cases.tests.conftest import counter_totals, nonzero, report_in, snapshot, told
from gongzhi.conftest import Cast
from gongzhi.core.errors import ActionError
from gongzhi.core.models import AuditEntry, Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "now")]


def test_a_declined_report_tells_the_reporter_why_and_ends_there(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid).case
    reason = "经核实为私人住宅内部问题，不属于受理范围"
    case = actions.decline(cast.grid_worker, case.pk, reason=reason)

    assert case.status == Status.DECLINED and not case.is_open
    assert case.step_due_at is None
    assert told(cast.resident, "Case %(number)s was not registered", number=case.number)
    message = Notification.objects.filter(user=cast.resident).latest("id")
    assert message.body == reason
    assert message.url.endswith(f"/cases/{case.number}/")
    step = case.steps.last()
    assert step is not None
    assert (step.action, step.actor, step.note, step.from_status) == (
        "decline",
        cast.grid_worker,
        reason,
        Status.REPORTED,
    )
    assert AuditEntry.objects.filter(action="cases.decline", object_id=str(case.pk)).exists()
    assert nonzero(counter_totals()) == {"reported": 1, "declined": 1}
    assert workflow.available_actions(cast.grid_worker, case) == []
    assert case not in queries.inbox(cast.grid_worker)
    # The reason is the public answer on the echo wall.
    assert case in queries.echo_wall()


def test_a_confirmed_case_can_still_be_declined_before_registration(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid).case
    actions.confirm(cast.community_worker, case.pk)
    case = actions.decline(cast.community_worker, case.pk, reason="重复受理，已由12345办理")
    assert case.status == Status.DECLINED
    assert nonzero(counter_totals()) == {"reported": 1, "valid": 1, "declined": 1}


def test_declining_without_a_reason_is_refused_and_changes_nothing(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid).case
    before = snapshot(case.pk)
    with pytest.raises(ActionError) as refused:
        actions.decline(cast.grid_worker, case.pk, reason="   ")
    assert refused.value.field == "reason" and refused.value.status == 400
    assert snapshot(case.pk) == before
    assert Case.objects.get(pk=case.pk).status == Status.REPORTED

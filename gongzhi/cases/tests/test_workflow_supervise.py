"""督办 and 催办: the command centre or the street puts a note on the timeline and tells whoever holds
the case; the case itself does not move."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions
from gongzhi.cases.models import Status
from gongzhi.cases.tests.conftest import STREET_CATEGORY, move, report_in, snapshot, told
from gongzhi.conftest import Cast
from gongzhi.core.errors import ActionError, Conflict, NotAllowed
from gongzhi.core.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "now")]


def test_supervision_tells_the_department_that_holds_the_case(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid, category_name=STREET_CATEGORY).case
    case = move(cast, case, Status.HANDLING)
    version = case.version
    note = "请于本周五前处理完毕并反馈"
    case = actions.supervise(cast.command_centre, case.pk, note=note)

    assert told(cast.department_staff, "Case %(number)s is under supervision", number=case.number)
    assert Notification.objects.filter(user=cast.department_staff).latest("id").body == note
    # Only the holder is told; the grid worker does not hold a department's case.
    assert not told(cast.grid_worker, "Case %(number)s is under supervision", number=case.number)
    step = case.steps.last()
    assert step is not None
    assert (step.action, step.actor, step.note, step.to_status) == (
        "supervise",
        cast.command_centre,
        note,
        Status.HANDLING,
    )
    assert case.status == Status.HANDLING and case.version == version


def test_a_reminder_from_the_street_reaches_the_grid_that_holds_a_new_report(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid).case
    case = actions.supervise(cast.street_staff, case.pk, note="请尽快核实", remind=True)
    assert told(cast.grid_worker, "Reminder on case %(number)s", number=case.number)
    assert not told(cast.other_grid_worker, "Reminder on case %(number)s", number=case.number)
    assert case.steps.last().action == "remind"  # type: ignore[union-attr]


def test_supervision_needs_a_supervisor_an_open_case_and_an_instruction(cast: Cast) -> None:
    case = report_in(cast.resident, cast.grid).case
    before = snapshot(case.pk)
    for who in (cast.community_secretary, cast.grid_worker, cast.resident, cast.anonymous):
        with pytest.raises(NotAllowed):
            actions.supervise(who, case.pk, note="快办")
    with pytest.raises(ActionError):
        actions.supervise(cast.command_centre, case.pk, note=" ")
    assert snapshot(case.pk) == before
    actions.decline(cast.grid_worker, case.pk, reason="不属实")
    before = snapshot(case.pk)
    with pytest.raises(Conflict):
        actions.supervise(cast.command_centre, case.pk, note="快办")
    assert snapshot(case.pk) == before

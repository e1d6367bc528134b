"""servicerequestupdates: GET lists the state-changing steps since a time in extended states; POST
moves a case through the workflow action that leads to the state asked for, as the key's service
account — refused with 403 where that account may not act."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gongzhi.cases import actions
from gongzhi.cases.models import Case, CaseStep, Status
from gongzhi.conftest import Cast
from gongzhi.core.models import AuditEntry
from gongzhi.people.actions import assign_role
from gongzhi.people.models import Role

from .conftest import Key, Open311Client, errors, report

pytestmark = pytest.mark.django_db


def _post(o311: Open311Client, key: Key, **data: str) -> Any:
    return o311.post("servicerequestupdates.json", {"api_key": key.raw, **data})


def test_get_lists_the_updates_since_a_time_in_extended_states(
    o311: Open311Client, cast: Cast, services: None
) -> None:
    before = timezone.now() - dt.timedelta(seconds=1)
    case = report(cast, description="垃圾堆积")
    actions.confirm(cast.grid_worker, case.pk)
    actions.supervise(cast.street_staff, case.pk, note="抓紧")  # no change of state: not listed
    duplicate = report(cast, description="同一堆垃圾")
    actions.void(cast.grid_worker, duplicate.pk, duplicate_of=case.pk)
    response = o311.get("servicerequestupdates.json", start_date=before.isoformat())
    assert response.status_code == 200
    updates = response.json()
    assert [(u["service_request_id"], u["status"]) for u in updates] == [
        (case.number, "FOR_TRIAGE"),
        (case.number, "INVESTIGATING"),
        (duplicate.number, "FOR_TRIAGE"),
        (duplicate.number, "DUPLICATE"),
    ]
    assert set(updates[0]) == {
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    }
    assert case.number in updates[-1]["description"]
    later = o311.get("servicerequestupdates.json", start_date=timezone.now().isoformat()).json()
    assert later == []
    root = o311.parse(o311.get("servicerequestupdates.xml", start_date=before.isoformat()))
    assert root.tag == "service_request_updates"
    assert len(root.findall("request_update")) == 4
    too_long = o311.get(
        "servicerequestupdates.json", start_date="2026-01-01", end_date="2026-06-01"
    )
    assert too_long.status_code == 400


def test_post_moves_the_case_through_the_actions_the_account_may_take(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    assign_role(None, key.row.service_account, Role.GRID_WORKER, cast.grid.code)
    case = report(cast, description="垃圾堆积")
    response = _post(
        o311,
        key,
        service_request_id=case.number,
        status="INVESTIGATING",
        description="已到现场核实",
        update_id="hotline-1",
    )
    assert response.status_code == 200, response.content
    [answer] = response.json()
    step = CaseStep.objects.get(pk=int(answer["update_id"]))
    assert (step.action, step.actor) == ("confirm", key.row.service_account)
    assert AuditEntry.objects.get(action="cases.confirm").channel == "open311"
    # the same update_id again: applied once
    assert _post(
        o311, key, service_request_id=case.number, status="INVESTIGATING", update_id="hotline-1"
    ).json() == [answer]
    assert Case.objects.get(pk=case.pk).status == Status.CONFIRMED
    _post(o311, key, service_request_id=case.number, status="investigating")
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED
    scheduled = _post(o311, key, service_request_id=case.number, status="ACTION_SCHEDULED")
    assert scheduled.status_code == 200, scheduled.content
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.assigned_unit == cast.department
    # the department holds it now: the grid worker's account may not take it on
    refused = _post(o311, key, service_request_id=case.number, status="IN_PROGRESS")
    assert refused.status_code == 403
    assert errors(refused)[0]["code"] == 403


def test_post_without_the_right_is_403_and_without_a_key_too(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    case = report(cast)
    response = _post(o311, key, service_request_id=case.number, status="INVESTIGATING")
    assert response.status_code == 403
    response = o311.post(
        "servicerequestupdates.xml", {"service_request_id": case.number, "status": "INVESTIGATING"}
    )
    assert response.status_code == 403 and errors(response)[0]["code"] == 403
    assert Case.objects.get(pk=case.pk).status == Status.REPORTED


def test_post_declines_voids_and_refuses_what_does_not_apply(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    assign_role(None, key.row.service_account, Role.COMMUNITY_WORKER, cast.grid.community.code)
    first = report(cast, description="垃圾")
    second = report(cast, description="同一处垃圾")
    third = report(cast, description="不归我们管")
    assert (
        _post(
            o311,
            key,
            service_request_id=third.number,
            status="NOT_COUNCILS_RESPONSIBILITY",
            description="属于铁路部门",
        ).status_code
        == 200
    )
    third.refresh_from_db()
    assert third.status == Status.DECLINED and third.public_answer == "属于铁路部门"
    assert (
        _post(
            o311,
            key,
            service_request_id=second.number,
            status="DUPLICATE",
            duplicate_of=first.number,
        ).status_code
        == 200
    )
    second.refresh_from_db()
    assert second.status == Status.VOID and second.duplicate_of_id == first.pk
    assert _post(o311, key, service_request_id=first.number, status="DUPLICATE").status_code == 400
    assert _post(o311, key, service_request_id=first.number, status="CLOSED").status_code == 400
    assert _post(o311, key, service_request_id=first.number, status="PAINTED").status_code == 400
    assert _post(o311, key, service_request_id="nope", status="CLOSED").status_code == 404
    assert _post(o311, key, service_request_id=first.number).status_code == 400
    cancelled = _post(
        o311, key, service_request_id=first.number, status="CANCELLED", description="居民撤回"
    )
    assert cancelled.status_code == 200
    assert Case.objects.get(pk=first.pk).status == Status.VOID
    updates = o311.get("servicerequestupdates.json", service_request_id=first.number).json()
    assert updates[-1]["status"] == "CANCELLED"

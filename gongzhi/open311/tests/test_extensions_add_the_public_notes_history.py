"""extensions=true adds extended_attributes: the channel, the extended state and the notes history
— the public steps of the timeline in fixed words, without people or staff notes."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions
from gongzhi.cases.models import Tier
from gongzhi.conftest import Cast

from .conftest import Open311Client, report

pytestmark = pytest.mark.django_db


def _closed_case(cast: Cast) -> str:
    case = report(cast, "物业纠纷", "电梯坏了，联系我13812341234")
    actions.confirm(cast.grid_worker, case.pk, note="网格员王某已核实，业主电话13812341234")
    actions.register(cast.grid_worker, case.pk)
    actions.dispatch(cast.community_worker, case.pk, tier=Tier.STREET, unit=cast.department)
    actions.accept(cast.department_staff, case.pk)
    actions.request_extension(cast.department_staff, case.pk, days=2, reason="配件未到")
    actions.respond(cast.department_staff, case.pk, note="已更换电梯主板，联系人李师傅13900000004")
    actions.verify(cast.grid_worker, case.pk, passed=True)
    actions.close(
        cast.community_worker,
        case.pk,
        note="内部备注",
        public_answer="电梯已修复，感谢张秀英的反映",
    )
    return case.number


def test_extensions_true_adds_the_public_notes_history(
    o311: Open311Client, cast: Cast, services: None
) -> None:
    number = _closed_case(cast)
    [found] = o311.get(f"requests/{number}.json", extensions="true").json()
    extended = found["extended_attributes"]
    assert extended["channel"] == "resident_app"
    assert extended["extended_status"] == "CLOSED"
    notes = extended["notes"]
    assert [n["type"] for n in notes] == [
        "report",
        "confirm",
        "register",
        "dispatch",
        "accept",
        "respond",
        "verify",
        "close",
    ]  # the extension request stays inside
    assert [n["extended_status"] for n in notes] == [
        "FOR_TRIAGE",
        "INVESTIGATING",
        "INVESTIGATING",
        "ACTION_SCHEDULED",
        "IN_PROGRESS",
        "FIXED",
        "FIXED",
        "CLOSED",
    ]
    assert notes[3]["description"] == cast.department.name
    assert notes[-1]["description"] == "电梯已修复，感谢张**的反映"
    assert found["status_notes"] == "电梯已修复，感谢张**的反映"
    text = str(found)
    for inside_only in (
        "13812341234",
        "13900000004",
        "王某",
        "李师傅",
        "内部备注",
        "网格员",
        "张秀英",
    ):
        assert inside_only not in text
    assert all(n["datetime"].endswith("+08:00") for n in notes)


def test_without_extensions_there_are_no_extended_attributes(
    o311: Open311Client, cast: Cast, services: None
) -> None:
    number = _closed_case(cast)
    [found] = o311.get(f"requests/{number}.json").json()
    assert "extended_attributes" not in found
    [found] = o311.get(f"requests/{number}.json", extensions="false").json()
    assert "extended_attributes" not in found


def test_extensions_in_xml_nest_the_notes(o311: Open311Client, cast: Cast, services: None) -> None:
    number = _closed_case(cast)
    root = o311.parse(o311.get("requests.xml", extensions="true", service_request_id=number))
    notes = root.findall("request/extended_attributes/notes/note")
    assert [n.findtext("type") for n in notes][-1] == "close"
    assert root.findtext("request/extended_attributes/extended_status") == "CLOSED"

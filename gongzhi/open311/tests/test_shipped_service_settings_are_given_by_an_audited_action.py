"""The shipped Open311 settings (attributes of a few default categories, one batch service) are
given by an action that writes the audit log, run by `manage.py open311_defaults` and the demo
loader. Reading the services writes nothing, and what administrators change stays changed."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from gongzhi.cases import actions as cases
from gongzhi.conftest import Cast
from gongzhi.core.errors import NotAllowed
from gongzhi.core.models import AuditEntry
from gongzhi.open311.actions import apply_defaults
from gongzhi.open311.defaults import shipped
from gongzhi.open311.models import ServiceAttribute, ServiceProfile

from .conftest import Open311Client, event

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories(cast: Cast) -> None:
    """The default categories only: the cases app knows nothing of Open311."""
    cases.load_default_categories()


def _given() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="open311.apply_defaults"))


def test_creating_the_categories_writes_no_open311_rows(categories: None) -> None:
    assert not ServiceAttribute.objects.exists() and not ServiceProfile.objects.exists()


def test_the_command_gives_the_settings_once_and_audits_each(
    o311: Open311Client, categories: None
) -> None:
    before = {s["service_code"]: s for s in o311.get("services.json").json()}
    assert before["E0603"]["type"] == "realtime" and before["E0401"]["metadata"] is False
    call_command("open311_defaults", stdout=io.StringIO())
    by_code = {s["service_code"]: s for s in o311.get("services.json").json()}
    assert by_code["E0401"]["metadata"] is True and by_code["E0603"]["type"] == "batch"
    given = _given()
    assert len(given) == len(shipped())
    assert {e.channel for e in given} == {"command"} and {e.actor for e in given} == {None}
    parking = next(e for e in given if e.object_id == str(event("0401").open311_profile.pk))
    assert parking.data == {"attributes": ["VEHICLE", "PLATE"], "type": "realtime"}


def test_reading_the_services_writes_nothing(o311: Open311Client, categories: None) -> None:
    o311.get("discovery.json")
    o311.get("services.json")
    o311.get("services/E0401.json")
    assert _given() == [] and not ServiceProfile.objects.exists()


def test_an_attribute_an_administrator_removed_does_not_come_back(
    o311: Open311Client, categories: None
) -> None:
    call_command("open311_defaults", stdout=io.StringIO())
    ServiceAttribute.objects.filter(category=event("0401"), code="PLATE").delete()
    codes = [a["code"] for a in o311.get("services/E0401.json").json()["attributes"]]
    assert codes == ["VEHICLE"]


def test_a_service_an_administrator_made_realtime_stays_realtime(
    o311: Open311Client, categories: None
) -> None:
    call_command("open311_defaults", stdout=io.StringIO())
    ServiceProfile.objects.filter(category=event("0603")).delete()  # without a row: realtime
    by_code = {s["service_code"]: s for s in o311.get("services.json").json()}
    assert by_code["E0603"]["type"] == "realtime"
    assert not ServiceProfile.objects.filter(category=event("0603")).exists()


def test_the_command_gives_the_settings_through_the_action(categories: None) -> None:
    out = io.StringIO()
    call_command("open311_defaults", stdout=out)
    assert out.getvalue().split()[0] != "0"
    assert {e.channel for e in _given()} == {"command"} and len(_given()) == len(shipped())
    again = io.StringIO()
    call_command("open311_defaults", stdout=again)
    assert again.getvalue().startswith("0 ")


def test_only_administrators_give_the_settings_by_hand(cast: Cast, categories: None) -> None:
    with pytest.raises(NotAllowed):
        apply_defaults(cast.command_centre, event("0401"))
    assert not ServiceAttribute.objects.exists()
    assert apply_defaults(cast.administrator, event("0401")) == 3  # two attributes, one row
    [entry] = _given()
    assert entry.actor == cast.administrator

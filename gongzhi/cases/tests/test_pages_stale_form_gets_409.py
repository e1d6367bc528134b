"""A form opened before someone else moved the case is refused with 409 and the reason, and the
panel shows the case as it is now."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions
from gongzhi.cases.models import Case, Status
from gongzhi.conftest import Cast

from .test_pages_support import inside, minor, signed_in

pytestmark = pytest.mark.django_db


def test_a_stale_form_gets_the_409_message(cast: Cast, categories: None) -> None:
    lat, lng = inside(cast.grid)
    case = actions.report(
        cast.resident, category=minor("噪音扰民"), description="夜间噪音", lat=lat, lng=lng
    ).case
    client = signed_in(cast.grid_worker)
    assert client.get(f"/cases/{case.number}/").status_code == 200
    seen = case.version
    actions.confirm(cast.community_worker, case.pk)  # someone else got there first

    response = client.post(
        f"/cases/{case.number}/act/confirm/",
        {"seen_version": seen, "note": "现场核实属实"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 409
    panel = response.content.decode()
    assert f"Case {case.number} changed after you opened it" in panel
    assert "Confirmed, awaiting registration" in panel  # the case as it is now
    assert Case.objects.get().steps.filter(action="confirm").count() == 1
    assert Case.objects.get().status == Status.CONFIRMED

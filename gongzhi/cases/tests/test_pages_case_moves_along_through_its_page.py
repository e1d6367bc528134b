"""Each holder moves a case along from its page: the page offers exactly the actions the person may
take now, each a small form; sent with htmx the case panel comes back re-rendered."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gongzhi.cases import actions
from gongzhi.cases.models import Case, Status
from gongzhi.conftest import Cast

from .test_pages_support import inside, jpeg, minor, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _report(cast: Cast) -> Case:
    lat, lng = inside(cast.grid)
    return actions.report(
        cast.resident,
        category=minor("物业纠纷"),
        description="电梯坏了三天没人修",
        lat=lat,
        lng=lng,
        photos=[jpeg()],
    ).case


def _offered(client: Client, case: Case) -> list[str]:
    page = client.get(f"/cases/{case.number}/").content.decode()
    return re.findall(r'<form method="post" action="/cases/\d+/act/(\w+)/"', page)


def _act(client: Client, case: Case, action: str, **data: object) -> str:
    case.refresh_from_db()
    response = client.post(
        f"/cases/{case.number}/act/{action}/", {"seen_version": case.version, **data}, headers=HTMX
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    panel = response.content.decode()
    assert panel.startswith('<div id="case-panel"')  # only the panel, for htmx to swap in
    return panel


def test_a_case_goes_from_report_to_rating_through_its_page(
    cast: Cast, categories: None, media: object
) -> None:
    case = _report(cast)
    grid, community = signed_in(cast.grid_worker), signed_in(cast.community_worker)
    department, resident = signed_in(cast.department_staff), signed_in(cast.resident)

    assert _offered(grid, case)[:2] == ["confirm", "decline"]
    assert _offered(resident, case) == []
    assert "Confirmed, awaiting registration" in _act(grid, case, "confirm", note="属实")
    assert "Registered, awaiting dispatch" in _act(grid, case, "register")
    assert "dispatch" in _offered(community, case)
    panel = _act(
        community, case, "dispatch", tier="street", department=cast.department.pk, note="请处理"
    )
    assert "Dispatched, awaiting handling" in panel and cast.department.name in panel
    assert _offered(department, case)[:2] == ["accept", "respond"]
    assert "Being handled" in _act(department, case, "accept")
    panel = _act(department, case, "respond", note="已更换配件", photos=[jpeg("after.jpg")])
    assert "Responded, awaiting verification" in panel
    assert "Verified, awaiting closure" in _act(grid, case, "verify", outcome="pass", note="已修好")
    assert "Closed" in _act(community, case, "close", public_answer="电梯已修复")
    panel = _act(resident, case, "rate", rating="satisfied", comment="谢谢")
    assert "Thank you for your rating." in panel and "Satisfied" in panel

    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.rating == "satisfied"
    assert case.photos.count() == 2
    timeline = resident.get(f"/cases/{case.number}/").content.decode()
    for step in ("Reported", "Dispatched", "Responded", "Verified on site", "Closed", "Rated"):
        assert step in timeline


def test_without_javascript_an_action_redirects_back_to_the_case_page(
    cast: Cast, categories: None, media: object
) -> None:
    case = _report(cast)
    response = signed_in(cast.grid_worker).post(
        f"/cases/{case.number}/act/confirm/", {"seen_version": 0}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/cases/{case.number}/"
    assert "Confirmed." in response.content.decode()


def test_a_missing_reason_keeps_the_form_open_with_a_400(
    cast: Cast, categories: None, media: object
) -> None:
    case = _report(cast)
    response = signed_in(cast.grid_worker).post(
        f"/cases/{case.number}/act/decline/", {"seen_version": 0, "reason": ""}, headers=HTMX
    )
    assert response.status_code == 400
    panel = response.content.decode()
    assert 'data-action="decline" open' in panel
    assert Case.objects.get().status == Status.REPORTED


def test_someone_who_may_not_act_gets_403_with_the_message(
    cast: Cast, categories: None, media: object
) -> None:
    case = _report(cast)
    response = signed_in(cast.resident).post(
        f"/cases/{case.number}/act/confirm/", {"seen_version": 0}, headers=HTMX
    )
    assert response.status_code == 403
    assert f"You may not do this to case {case.number}" in response.content.decode()

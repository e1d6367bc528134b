"""My reports: each with a step bar of how far it got; a closed one not yet rated has a rating form."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions
from gongzhi.cases.models import Case
from gongzhi.conftest import Cast

from .test_pages_support import inside, minor, signed_in

pytestmark = pytest.mark.django_db


def _case(cast: Cast, words: str) -> Case:
    lat, lng = inside(cast.grid)
    return actions.report(
        cast.resident, category=minor("环境卫生差"), description=words, lat=lat, lng=lng
    ).case


def test_my_reports_show_progress_and_the_rating_form_of_a_closed_case(
    cast: Cast, categories: None
) -> None:
    waiting = _case(cast, "刚报的")
    done = _case(cast, "已办结的")
    actions.confirm(cast.grid_worker, done.pk)
    actions.register(cast.grid_worker, done.pk)
    actions.dispatch(cast.grid_worker, done.pk, tier="grid")
    actions.respond(cast.grid_worker, done.pk, note="已劝导")
    actions.verify(cast.grid_worker, done.pk, passed=True)
    actions.close(cast.grid_worker, done.pk, public_answer="已劝导商户")
    client = signed_in(cast.resident)

    page = client.get("/my/reports/").content.decode()

    assert waiting.number in page and done.number in page
    assert page.count('aria-current="step"') == 1  # the waiting one is at its first step
    assert page.count(f'action="/cases/{done.number}/act/rate/"') == 1
    assert f'action="/cases/{waiting.number}/act/rate/"' not in page
    assert "已劝导商户" in page

    response = client.post(
        f"/cases/{done.number}/act/rate/",
        {"rating": "satisfied", "next": "/my/reports/", "seen_version": 0},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/my/reports/"
    assert "Thank you for your rating." in response.content.decode()
    assert Case.objects.get(pk=done.pk).rating == "satisfied"


def test_other_residents_reports_are_not_listed(cast: Cast, categories: None) -> None:
    case = _case(cast, "我的")
    assert case.number not in signed_in(cast.other_resident).get("/my/reports/").content.decode()

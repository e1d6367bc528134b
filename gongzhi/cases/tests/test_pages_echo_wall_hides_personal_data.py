"""回音壁 is public: closed and declined cases with their answers, the category, the community and
the date, and never the reporter's name or phone, an ID number, or the exact position."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions
from gongzhi.cases.models import Case
from gongzhi.conftest import Cast

from .test_pages_support import anonymous, inside, minor

pytestmark = pytest.mark.django_db


def _closed_case(cast: Cast, words: str, answer: str) -> Case:
    lat, lng = inside(cast.grid)
    case = actions.report(
        cast.resident, category=minor("物业纠纷"), description=words, lat=lat, lng=lng
    ).case
    actions.confirm(cast.grid_worker, case.pk)
    actions.register(cast.grid_worker, case.pk)
    actions.dispatch(cast.community_worker, case.pk, tier="community")
    actions.respond(cast.community_worker, case.pk, note="已协调")
    actions.verify(cast.grid_worker, case.pk, passed=True)
    return actions.close(cast.community_worker, case.pk, public_answer=answer)


def test_echo_wall_shows_answers_without_the_reporter_or_the_position(
    cast: Cast, categories: None
) -> None:
    case = _closed_case(cast, "物业不修电梯，请联系我13812341234", "物业已修复电梯")

    response = anonymous().get("/echo-wall/")  # no login needed

    assert response.status_code == 200
    page = response.content.decode()
    assert "物业已修复电梯" in page and "物业纠纷" in page and "御祥园社区" in page
    assert cast.resident.full_name not in page
    assert "13812341234" not in page and "138****1234" in page
    assert cast.resident.id_number and cast.resident.id_number not in page
    assert f"{case.lat:.5f}" not in page and f"{case.lng:.5f}" not in page
    assert cast.grid.name not in page  # the community only, not the grid


def test_open_and_private_cases_stay_off_the_wall(cast: Cast, categories: None) -> None:
    private = _closed_case(cast, "私人问题", "已处理私人问题")
    Case.objects.filter(pk=private.pk).update(is_public=False)
    lat, lng = inside(cast.grid)
    actions.report(
        cast.resident, category=minor("噪音扰民"), description="仍在处理", lat=lat, lng=lng
    )

    page = anonymous().get("/echo-wall/").content.decode()

    assert "已处理私人问题" not in page and "仍在处理" not in page
    assert "Nothing on the wall yet." in page

"""Staff see likely duplicates on a case page and merge them: the later report is voided into the
earlier one, which counts one more reporter. Residents are not shown other people's reports."""

from __future__ import annotations

import re

import pytest

from gongzhi.cases import actions
from gongzhi.cases.models import Case, Status
from gongzhi.conftest import Cast

from .test_pages_support import inside, minor, signed_in

pytestmark = pytest.mark.django_db


def _two_reports(cast: Cast) -> tuple[Case, Case]:
    lat, lng = inside(cast.grid)
    first = actions.report(
        cast.resident, category=minor("物业纠纷"), description="电梯坏了没人修", lat=lat, lng=lng
    ).case
    second = actions.report(
        cast.other_resident,
        category=minor("物业纠纷"),
        description="电梯又坏了没人修",
        lat=lat,
        lng=lng,
    ).case
    return first, second


@pytest.mark.parametrize("from_page", ["earlier", "later"])
def test_the_later_report_is_merged_into_the_earlier_from_either_page(
    cast: Cast, categories: None, from_page: str
) -> None:
    first, second = _two_reports(cast)
    page_case = first if from_page == "earlier" else second
    other = second if from_page == "earlier" else first
    client = signed_in(cast.grid_worker)
    page = client.get(f"/cases/{page_case.number}/").content.decode()
    assert f'data-duplicate="{other.number}"' in page
    label = "Merge it into this case" if from_page == "earlier" else "Merge this case into it"
    assert label in page
    version = re.search(r'data-version="(\d+)"', page)
    assert version is not None

    response = client.post(
        f"/cases/{page_case.number}/act/merge/",
        {"other": other.number, "seen_version": version.group(1)},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == Status.VOID and second.duplicate_of == first
    assert first.me_too == 1 and first.status == Status.REPORTED


def test_residents_are_not_offered_duplicates(cast: Cast, categories: None) -> None:
    first, second = _two_reports(cast)
    page = signed_in(cast.resident).get(f"/cases/{first.number}/").content.decode()
    assert second.number not in page

"""The reporter's name and (masked) phone are shown to the staff who triage the case; a department
handling it sees neither; an anonymous report hides the reporter from all but administrators."""

from __future__ import annotations

import pytest

from gongzhi.cases import actions
from gongzhi.cases.models import Case
from gongzhi.conftest import DISTRICT, Cast
from gongzhi.people.actions import assign_role
from gongzhi.people.models import Role, User

from .test_pages_support import inside, minor, signed_in

pytestmark = pytest.mark.django_db
NAME, FULL_PHONE, MASKED = "张秀英", "13812341234", "138****1234"


def _case(cast: Cast, *, anonymous: bool = False) -> Case:
    lat, lng = inside(cast.grid)
    case = actions.report(
        cast.resident,
        category=minor("物业纠纷"),
        description="电梯坏了",
        lat=lat,
        lng=lng,
        is_anonymous=anonymous,
    ).case
    actions.confirm(cast.grid_worker, case.pk)
    actions.register(cast.grid_worker, case.pk)
    return actions.dispatch(cast.community_worker, case.pk, tier="street", unit=cast.department)


def _page(cast_member: object, case: Case) -> str:
    return signed_in(cast_member).get(f"/cases/{case.number}/").content.decode()  # type: ignore[arg-type]


def test_grid_worker_sees_the_name_and_a_masked_phone(cast: Cast, categories: None) -> None:
    page = _page(cast.grid_worker, _case(cast))
    assert NAME in page and MASKED in page and FULL_PHONE not in page


def test_the_department_handling_it_sees_neither(cast: Cast, categories: None) -> None:
    page = _page(cast.department_staff, _case(cast))
    assert NAME not in page and MASKED not in page and "The reporter" in page


def test_an_anonymous_report_hides_the_reporter_from_the_grid_worker_but_not_the_administrator(
    cast: Cast, categories: None
) -> None:
    case = _case(cast, anonymous=True)
    grid_page = _page(cast.grid_worker, case)
    assert NAME not in grid_page and MASKED not in grid_page and "Anonymous" in grid_page
    # An administrator of the district (cast.administrator's all-places scope "" finds no cases
    # through queries.visible_cases yet: see the pages' report).
    administrator = User.objects.create_user("district_admin", password="x", full_name="区管理员")
    assign_role(None, administrator, Role.ADMINISTRATOR, DISTRICT)
    admin_page = _page(administrator, case)
    assert NAME in admin_page and MASKED in admin_page

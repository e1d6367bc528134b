"""The permission matrix through the API: for each person of the cast (allowed, wrong role, same
role in another community or street, another department, anonymous) the API answers exactly as the
action itself does — 200 when it acts, 403 when it refuses the person, 409 when the state refuses —
except that a case the person may not see at all is 404, as its page is, and that a request
without a token is 401. Lists, details and reports follow the scoped queries the pages use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from gongzhi.api.tests.conftest import Api, inside, move, report_as
from gongzhi.cases import actions, queries
from gongzhi.cases.models import Case, Category, Status
from gongzhi.conftest import DISTRICT, Cast
from gongzhi.core.errors import ActionError
from gongzhi.orgs.actions import create_organisation
from gongzhi.orgs.models import OrgKind
from gongzhi.people.actions import assign_role
from gongzhi.people.models import Role, User

pytestmark = pytest.mark.django_db

PEOPLE = [
    "administrator",
    "command_centre",
    "street_staff",
    "other_street_staff",
    "department_staff",
    "other_department_staff",
    "community_secretary",
    "community_worker",
    "other_community_worker",
    "grid_worker",
    "other_grid_worker",
    "resident",
    "other_resident",
    "anonymous",
]


@pytest.fixture
def people(cast: Cast, categories: None) -> dict[str, Any]:
    found: dict[str, Any] = {name: getattr(cast, name, None) for name in PEOPLE}
    found["other_street_staff"] = User.objects.create_user("gangcheng", full_name="钢城街道干部")
    assign_role(None, found["other_street_staff"], Role.STREET_STAFF, "130803002")
    zhujian = create_organisation(None, "双滦区住房和城乡建设局", OrgKind.DEPARTMENT, DISTRICT)
    found["other_department_staff"] = User.objects.create_user("zhujian", full_name="住建局干部")
    assign_role(
        None,
        found["other_department_staff"],
        Role.DEPARTMENT_STAFF,
        DISTRICT,
        organisation=zhujian,
    )
    return found


class Rollback(Exception):
    pass


def action_answer(act: Callable[[], object]) -> int:
    """What the action itself says, as an HTTP status; whatever it did is undone."""
    try:
        with transaction.atomic():
            act()
            raise Rollback
    except Rollback:
        return 200
    except ActionError as exc:
        return exc.status


def api_answer(call: Callable[[], Any]) -> int:
    status = 0
    try:
        with transaction.atomic():
            status = call().status_code
            raise Rollback
    except Rollback:
        pass
    return status


def client(api_as: Callable[[User | None], Api], person: Any) -> Api:
    """A client with the person's token, or without a token for the anonymous visitor."""
    return api_as(person if person.is_authenticated else None)


# action → (the status the case must be in, the API body, the same call made to the action)
ACTIONS: dict[str, tuple[Status, Callable[[Cast], dict[str, Any]], Callable[..., object]]] = {
    "confirm": (Status.REPORTED, lambda cast: {}, lambda who, c, cast: actions.confirm(who, c.pk)),
    "decline": (
        Status.REPORTED,
        lambda cast: {"reason": "不属实"},
        lambda who, c, cast: actions.decline(who, c.pk, reason="不属实"),
    ),
    "register": (
        Status.CONFIRMED,
        lambda cast: {},
        lambda who, c, cast: actions.register(who, c.pk),
    ),
    "dispatch": (
        Status.REGISTERED,
        lambda cast: {"tier": "street", "unit": cast.department.pk},
        lambda who, c, cast: actions.dispatch(who, c.pk, tier="street", unit=cast.department),
    ),
    "accept": (Status.DISPATCHED, lambda cast: {}, lambda who, c, cast: actions.accept(who, c.pk)),
    "respond": (
        Status.HANDLING,
        lambda cast: {"note": "已修好"},
        lambda who, c, cast: actions.respond(who, c.pk, note="已修好"),
    ),
    "summon": (
        Status.HANDLING,
        lambda cast: {"departments": [cast.department.pk], "hours": 4},
        lambda who, c, cast: actions.summon(who, c.pk, departments=[cast.department], hours=4),
    ),
    "close": (
        Status.VERIFIED,
        lambda cast: {"public_answer": "已修复"},
        lambda who, c, cast: actions.close(who, c.pk, public_answer="已修复"),
    ),
    "rate": (
        Status.CLOSED,
        lambda cast: {"rating": "satisfied"},
        lambda who, c, cast: actions.rate(who, c.pk, rating="satisfied"),
    ),
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_each_action_answers_through_the_api_as_it_does_itself(
    name: str, cast: Cast, people: dict[str, Any], api_as: Callable[[User | None], Api]
) -> None:
    status, body, act = ACTIONS[name]
    case = move(cast, report_as(cast.resident, cast), status)
    answers: dict[str, tuple[int, int]] = {}
    for who, person in people.items():
        expected = action_answer(lambda: act(person, case, cast))  # noqa: B023
        got = api_answer(
            lambda: client(api_as, person).post(  # noqa: B023
                f"/api/v1/cases/{case.number}/actions/{name}", body(cast)
            )
        )
        answers[who] = (expected, got)
        if not person.is_authenticated:
            assert (expected, got) == (403, 401), who
        elif not queries.visible_cases(person).filter(pk=case.pk).exists():
            # Not theirs to see: 404 like the page, and never something the action would allow.
            assert (expected, got) == (403, 404), who
        else:
            assert got == expected, (who, answers[who])
    # The matrix is not trivial: someone may, and someone may not.
    assert any(e == 200 for e, _g in answers.values()), answers
    assert any(e == 403 for e, _g in answers.values()), answers


def test_the_state_refuses_with_409_as_the_action_does(
    cast: Cast, people: dict[str, Any], api_as: Callable[[User | None], Api]
) -> None:
    case = move(cast, report_as(cast.resident, cast), Status.REGISTERED)
    api = api_as(cast.grid_worker)
    response = api.post(f"/api/v1/cases/{case.number}/actions/confirm", {})
    assert (
        response.status_code
        == 409
        == action_answer(lambda: actions.confirm(cast.grid_worker, case.pk))
    )
    stale = api.post(
        f"/api/v1/cases/{case.number}/actions/dispatch",
        {"tier": "grid", "seen_version": case.version - 1},
    )
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"


def test_lists_and_details_show_exactly_the_cases_each_person_may_see(
    cast: Cast, people: dict[str, Any], api_as: Callable[[User | None], Api]
) -> None:
    mine = report_as(cast.resident, cast)
    dispatched = move(cast, report_as(cast.grid_worker, cast, "井盖丢了"), Status.DISPATCHED)
    lat, lng = inside(cast.other_community_grid)
    elsewhere = actions.report(
        cast.other_resident,
        category=Category.objects.get(name="物业纠纷"),
        description="楼道堆物",
        lat=lat,
        lng=lng,
    ).case
    every = [mine, dispatched, elsewhere]
    seen_by_someone: set[str] = set()
    for who, person in people.items():
        api = client(api_as, person)
        listed = api.get("/api/v1/cases", {"limit": 100})
        if not person.is_authenticated:
            assert listed.status_code == 401
            assert api.get(f"/api/v1/cases/{mine.number}").status_code == 401
            continue
        visible = set(
            queries.visible_cases(person)
            .filter(pk__in=[c.pk for c in every])
            .values_list("number", flat=True)
        )
        assert {c["number"] for c in listed.json()["items"]} == visible, who
        for case in every:
            status = api.get(f"/api/v1/cases/{case.number}").status_code
            assert status == (200 if case.number in visible else 404), (who, case.number)
        seen_by_someone |= visible
        mine_listed = api.get("/api/v1/me/cases").json()["items"]
        assert {c["number"] for c in mine_listed} == set(
            Case.objects.filter(reporter=person).values_list("number", flat=True)
        )
    assert seen_by_someone == {c.number for c in every}
    # Department staff see what is dispatched to them, not the rest of the district.
    dept = client(api_as, people["department_staff"]).get("/api/v1/cases").json()["items"]
    assert [c["number"] for c in dept] == [dispatched.number]


@pytest.mark.parametrize("source", ["api", "patrol", "hotline"])
def test_reporting_answers_as_the_report_action_does(
    source: str, cast: Cast, people: dict[str, Any], api_as: Callable[[User | None], Api]
) -> None:
    lat, lng = inside(cast.grid)
    category = Category.objects.get(name="物业纠纷")
    body = {
        "kind": category.kind,
        "category": category.code,
        "description": "路灯不亮",
        "lat": lat,
        "lng": lng,
        "source": source,
    }
    answers = {}
    for who, person in people.items():
        expected = action_answer(
            lambda: actions.report(
                person,  # noqa: B023
                category=category,
                description="路灯不亮",
                lat=lat,
                lng=lng,
                source=source,
            )
        )
        got = api_answer(lambda: client(api_as, person).post("/api/v1/cases", body))  # noqa: B023
        answers[who] = (expected, got)
        assert got == {200: 201, 403: 403 if person.is_authenticated else 401}.get(
            expected, expected
        ), (
            who,
            expected,
            got,
        )
    if source != "api":
        assert {e for e, _g in answers.values()} == {200, 403}


def test_errands_are_taken_by_the_grids_staff_only(
    cast: Cast, people: dict[str, Any], api_as: Callable[[User | None], Api]
) -> None:
    errand = actions.request_errand(cast.resident, what="代办居住证明")
    for who, person in people.items():
        expected = action_answer(lambda: actions.take_errand(person, errand.pk))  # noqa: B023
        got = api_answer(
            lambda: client(api_as, person).post(  # noqa: B023
                f"/api/v1/errands/{errand.number}/take", {"working_days": 3}
            )
        )
        if not person.is_authenticated:
            assert (expected, got) == (403, 401)
        elif not queries.visible_errands(person).filter(pk=errand.pk).exists():
            assert (expected, got) == (403, 404), who
        else:
            assert got == expected, who

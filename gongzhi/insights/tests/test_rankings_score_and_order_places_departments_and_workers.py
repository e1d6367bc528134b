"""Rankings: streets, communities, grid workers and departments are scored for a period from one
GROUP BY over the counters each, ranked best first (equal scores share a rank), and a viewer only
ranks what lies in their scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from gongzhi.conftest import SHUANGAN, XINGGONG, YUXIANGYUAN, Cast
from gongzhi.insights.assessments import assess
from gongzhi.insights.indicators import Period, Scope
from gongzhi.orgs.actions import create_organisation
from gongzhi.orgs.models import OrgKind
from gongzhi.people.models import User

from .conftest import URLS, ask, counter

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLS)]
DAY = dt.date(2026, 5, 6)
MAY = {"period": "month", "date": "2026-05-06"}


def rates(closed: int, on_time: int, registered: int = 100) -> dict[str, int]:
    return {
        "reported": registered,
        "valid": registered,
        "registered": registered,
        "responded": registered,
        "closed": closed,
        "closed_on_time": on_time,
        "rated_satisfied": closed,
    }


@pytest.fixture
def may(cast: Cast) -> None:
    counter(DAY, cast.grid.code, 1, "", **rates(95, 90))  # 御祥园, grid 1
    counter(DAY, cast.other_grid.code, 1, "", **rates(85, 60))  # 御祥园, grid 2
    counter(DAY, cast.other_community_grid.code, 1, "", **rates(50, 20))  # 双安


def test_communities_are_ranked_by_score(may: None, cast: Cast) -> None:
    a = assess(
        "community",
        Period.of("month", DAY),
        within=Scope.place(cast.grid.code[:9]),
        entities=[(YUXIANGYUAN, "御祥园"), (SHUANGAN, "双安")],
    )
    assert [r.key for r in a.rows] == [YUXIANGYUAN, SHUANGAN]
    first, second = a.rows
    assert first.rank == 1 and second.rank == 2
    assert first.score is not None and second.score is not None and first.score > second.score
    assert first.figures["case_closure_rate"].display == "90.00 %"  # (95 + 85) / 200
    assert second.grade in ("D", "E")


def test_grid_workers_are_scored_over_their_grids(may: None, cast: Cast) -> None:
    a = assess(
        "grid_worker",
        Period.of("month", DAY),
        workers=[
            (cast.grid_worker, [cast.grid.code]),
            (cast.other_grid_worker, [cast.other_grid.code]),
        ],
    )
    assert [r.label for r in a.rows] == ["御祥园网格员", "御祥园二网格员"]
    assert a.rows[0].figures["on_time_closure_rate"].display == "90.00 %"


def test_equal_scores_share_a_rank_and_no_score_ranks_last(cast: Cast) -> None:
    counter(DAY, cast.grid.code, 1, "", **rates(80, 80))
    counter(DAY, cast.other_community_grid.code, 1, "", **rates(80, 80))
    a = assess(
        "community",
        Period.of("month", DAY),
        within=Scope.place(cast.grid.code[:6]),
        entities=[(YUXIANGYUAN, "御祥园"), (SHUANGAN, "双安"), (XINGGONG, "行宫")],
    )
    assert [(r.rank, r.label) for r in a.rows] == [(1, "双安"), (1, "御祥园"), (None, "行宫")]


def test_departments_are_scored_on_their_unit_with_their_summonses(cast: Cast) -> None:
    other = create_organisation(
        None, "双滦区住房和城乡建设局", OrgKind.DEPARTMENT, cast.grid.code[:6]
    )
    counter(
        DAY,
        cast.grid.code,
        unit=f"org:{cast.department.pk}",
        dispatched=10,
        handled=10,
        handled_on_time=10,
    )
    counter(
        DAY,
        cast.grid.code,
        unit=f"org:{other.pk}",
        dispatched=10,
        handled=5,
        handled_on_time=2,
        extended=5,
    )
    a = assess("department", Period.of("month", DAY), departments=[cast.department, other])
    assert [r.label for r in a.rows] == [cast.department.name, other.name]
    best = a.rows[0]
    assert best.score == 100 and best.grade == "A"
    assert best.figures["summons_on_time_rate"].display == "—"  # never summoned: left out


def test_the_ranking_pages_are_scoped(
    may: None, cast: Cast, client_as: Callable[[User], Client]
) -> None:
    street = ask(client_as(cast.street_staff), "assessments", level="community", **MAY)
    assert street.status_code == 200
    labels = [r.label for r in street.context["assessment"].rows]
    assert "御祥园社区" in labels and "双安社区" in labels and "行宫社区" not in labels
    assert labels.index("御祥园社区") < labels.index("双安社区")
    community = client_as(cast.community_worker)
    workers = ask(community, "assessments", level="grid_worker", **MAY)
    assert {r.label for r in workers.context["assessment"].rows} == {
        "御祥园网格员",
        "御祥园二网格员",
    }
    assert ask(community, "assessments", level="street", **MAY).status_code == 404
    assert ask(community, "departments", **MAY).status_code == 404
    centre = ask(client_as(cast.command_centre), "departments", **MAY)
    assert cast.department.name in centre.content.decode()

"""Average and median time to close come from counters: close() adds the seconds since the report
and 1 in the duration bucket; an unsatisfied rating takes both back from the day of the closure;
rebuild_counters derives the same from the timelines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from gongzhi.cases import actions
from gongzhi.conftest import YUXIANGYUAN, Cast
from gongzhi.insights.counters import close_time_metrics
from gongzhi.insights.indicators import Period, Scope, dashboard, median_close_seconds, totals
from gongzhi.insights.models import CLOSE_BUCKETS

from .conftest import Clock, at, close, handle, report_in

pytestmark = pytest.mark.django_db
BUCKETS = [name for name, _b in CLOSE_BUCKETS]


def test_a_closure_counts_its_seconds_and_its_bucket() -> None:
    start = at(2026, 9, 14, 9, 0)
    assert close_time_metrics(start, start + dt.timedelta(minutes=30)) == {
        "close_seconds": 1800,
        "close_le_1h": 1,
    }
    assert close_time_metrics(start, start + dt.timedelta(hours=1)) == {
        "close_seconds": 3600,
        "close_le_1h": 1,
    }
    assert close_time_metrics(start, start + dt.timedelta(hours=1, seconds=1)) == {
        "close_seconds": 3601,
        "close_le_4h": 1,
    }
    assert close_time_metrics(start, start + dt.timedelta(days=90), sign=-1) == {
        "close_seconds": -90 * 86400,
        "close_gt_60d": -1,
    }


def test_the_median_is_placed_within_its_bucket() -> None:
    # 4 closures within an hour, 6 between 1 and 4 hours: the middle (5th of 10) is 1/6 into 1–4 h.
    t = {"close_le_1h": 4, "close_le_4h": 6}
    median, open_ended = median_close_seconds(t)
    assert median == pytest.approx(3600 + 3 * 3600 * (5 - 4) / 6)
    assert not open_ended
    assert median_close_seconds({}) == (None, False)
    assert median_close_seconds({"close_gt_60d": 3}) == (60 * 86400, True)


def test_closing_and_an_unsatisfied_rating_move_the_time_counters_and_the_rebuild_agrees(
    cast: Cast, categories: None, clock: Clock
) -> None:
    first = report_in(cast, text="楼道灯坏了")
    handle(cast, first)
    clock.advance(hours=2)
    close(cast, first)  # 2 h after the report
    second = report_in(cast, text="垃圾没人清")
    clock.advance(hours=1)
    handle(cast, second)
    clock.advance(days=2)
    close(cast, second)  # 2 days 1 h after its report

    month = Period.of("month", clock.moment.date())
    scope = Scope.place(YUXIANGYUAN)
    t = totals(scope, month)
    assert t["closed"] == 2
    assert t["close_seconds"] == 2 * 3600 + (49 * 3600)
    assert t["close_le_4h"] == 1 and t["close_le_3d"] == 1
    assert sum(t[b] for b in BUCKETS) == t["closed"]
    board = dashboard(scope, month).by_code()
    assert board["average_close_time"].value == pytest.approx(51 * 3600 / 2)

    # The resident of the first case is unsatisfied: its closure comes off (seconds and bucket).
    clock.advance(days=1)
    actions.rate(cast.resident, first.pk, rating="unsatisfied", comment="灯还是不亮")
    t = totals(scope, month)
    assert t["closed"] == 1 and t["close_seconds"] == 49 * 3600
    assert t["close_le_4h"] == 0 and t["close_le_3d"] == 1
    assert t["handled"] == 1  # its handling is taken back too, for rework
    call_command("rebuild_counters")  # the timelines agree

    # Reworked and closed again, later: the new closure counts from the same report.
    clock.advance(days=1)
    actions.respond(cast.community_worker, first.pk, note="换了灯泡")
    close(cast, first)
    t = totals(scope, month)
    assert t["closed"] == 2
    assert t["close_seconds"] == 49 * 3600 + (clock.moment - first.reported_at).total_seconds()
    call_command("rebuild_counters")

"""Upgrading to the reminder sweep (cases 0006): open cases get their warning time, the old per-case
reminder tasks leave the queue, and a reminder counts as sent only if its task had run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("cases", "0005_case_case_open_grid_prefix_and_more")]
TASKS = ("django_tasks_database", "0021_conditional_partial_index_ordering")
AFTER = [("cases", "0006_step_warning_and_reminder_sweep")]


@pytest.fixture
def at_latest_afterwards() -> Iterator[None]:
    """Whatever happens in the test, leave the database fully migrated for the tests after it."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("at_latest_afterwards")
def test_the_upgrade_fills_warning_times_and_retires_the_old_tasks() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state([*BEFORE, TASKS]).apps
    Category = apps.get_model("cases", "Category")
    CategoryRule = apps.get_model("cases", "CategoryRule")
    Case = apps.get_model("cases", "Case")
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")

    now = timezone.now()
    parent = Category.objects.create(code="90", name="测试大类", kind="event")
    category = Category.objects.create(code="9001", name="测试小类", kind="event", parent=parent)
    rule = CategoryRule.objects.create(
        category=category,
        effective_from=now - dt.timedelta(days=30),
        lowest_tier="grid",
        deadlines={},
    )

    def case(number: str, started: dt.datetime, hours: int, status: str = "reported") -> int:
        made = Case.objects.create(
            number=number,
            kind="event",
            category=category,
            rule=rule,
            source="resident_app",
            status=status,
            description="测试",
            lat=40.9,
            lng=117.8,
            grid_code="130803001001001",
            assigned_scope="130803001001001",
            step_started_at=started,
            step_due_at=started + dt.timedelta(hours=hours) if status != "closed" else None,
            step_clock="urgent_hours" if status != "closed" else "",
            reported_at=started,
        )
        return int(made.pk)

    fresh = case("1", now - dt.timedelta(hours=1), 10)  # 10 % of its time used
    warned = case("2", now - dt.timedelta(hours=9), 10)  # 90 %: its warning task had run
    waiting = case("3", now - dt.timedelta(hours=9), 10)  # 90 %: its warning task still queued
    overdue = case("4", now - dt.timedelta(hours=12), 10)  # past the deadline, task had run
    closed = case("5", now - dt.timedelta(days=3), 10, status="closed")
    for pk, task in ((waiting, "step_nearly_due"), (fresh, "step_due")):
        DBTaskResult.objects.create(
            status="READY",
            args_kwargs={"args": [pk, "", ""], "kwargs": {}},
            task_path=f"gongzhi.cases.tasks.{task}",
            queue_name="default",
            backend_name="default",
            run_after=now + dt.timedelta(hours=1),
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Case = apps.get_model("cases", "Case")
    rows = {c.pk: c for c in Case.objects.all()}
    assert {pk: rows[pk].reminders_sent for pk in (fresh, warned, waiting, overdue, closed)} == {
        fresh: 0,
        warned: 1,
        waiting: 0,
        overdue: 2,
        closed: 0,
    }
    started = rows[fresh].step_started_at
    # 80 % of 10 urgent hours, to the whole second.
    assert abs(rows[fresh].step_warn_at - (started + dt.timedelta(hours=8))) <= dt.timedelta(
        seconds=1
    )
    assert rows[closed].step_warn_at is None
    assert (
        not apps.get_model("django_tasks_database", "DBTaskResult")
        .objects.filter(task_path__startswith="gongzhi.cases.tasks.")
        .exists()
    )

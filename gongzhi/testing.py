"""Helpers shared by the test suites: Chromium for the browser tests, a clock held still for the
whole process, and fixture data built once per test process and then put back by plain inserts."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import time_machine
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

# Debian's Chromium (`make chromium`), not a browser downloaded by Playwright. The flags keep it
# from reaching out to the network or spending a GPU the test machines do not have.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A common phone's viewport, the one the phone-sized browser tests use.
PHONE = {"width": 390, "height": 844}
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


class Chromium:
    """One Chromium for a run of browser tests: launched for the first, stopped after the last.

    While Playwright's sync API is running it marks this thread as running an event loop; Django
    then refuses ORM calls unless told they are safe (they are: the loop only serves Playwright).
    Stopped, it leaves the thread as the other tests expect it."""

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._async_unsafe: str | None = None

    def get(self) -> Browser:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._async_unsafe = os.environ.get(ASYNC_UNSAFE)
            os.environ[ASYNC_UNSAFE] = "true"
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        return self._browser

    def stop(self) -> None:
        if self._playwright is None:
            return
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            self._playwright.stop()
            self._playwright = self._browser = None
            if self._async_unsafe is None:
                os.environ.pop(ASYNC_UNSAFE, None)
            else:
                os.environ[ASYNC_UNSAFE] = self._async_unsafe


class HeldClock:
    """Every clock of the process (time-machine), held still at `moment` and moved by the test.

    The actions, the views, the permission checks and the database defaults all read this time,
    so a test sees one consistent world at the moment it chose."""

    def __init__(self, traveller: time_machine.Traveller, moment: dt.datetime) -> None:
        self._traveller = traveller
        self._moment = moment

    @property
    def moment(self) -> dt.datetime:
        return self._moment

    @moment.setter
    def moment(self, moment: dt.datetime) -> None:
        self.set(moment)

    def __call__(self) -> dt.datetime:
        return self._moment

    def set(self, moment: dt.datetime) -> dt.datetime:
        self._traveller.move_to(moment)
        self._moment = moment
        return moment

    def advance(self, **delta: float) -> dt.datetime:
        return self.set(self._moment + dt.timedelta(**delta))


_held = 0  # how many held clocks are running: a layer recorded under one is kept apart


@contextmanager
def held_clock(moment: dt.datetime) -> Iterator[HeldClock]:
    """The process's time held at `moment` (it does not tick) until the block ends."""
    global _held
    with time_machine.travel(moment, tick=False) as traveller:
        _held += 1
        try:
            yield HeldClock(traveller, moment)
        finally:
            _held -= 1


# ---------------------------------------------------------------------------------------------
# Layers: the rows a fixture's build adds, recorded the first time and inserted again after.
#
# Building the district through the real actions takes over a second; inserting the same rows
# takes milliseconds. A recording is only put back into the database state it was made in (the
# same row count and highest key in every table), and under the same kind of clock (held or
# running); any other state gets a real build, recorded in turn. So a test sees what a real build
# would have given it, also after a transactional test has flushed every table.
#
# The builds must be repeatable: the same rows from the same state, but for the times they read
# from the clock, which are moved to the moment the rows are put back (a time computed from the
# clock, such as now plus a day, is not recognised and would stay behind).
# ---------------------------------------------------------------------------------------------

Fingerprint = tuple[Any, ...]


def _tables() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def fingerprint() -> Fingerprint:
    """The row count and highest primary key of every table, in one query."""
    qn = connection.ops.quote_name
    parts = []
    for model in _tables():
        key = model._meta.pk
        assert key.column is not None  # every concrete model's key has a column
        table, pk = qn(model._meta.db_table), qn(key.column)
        if not isinstance(key, models.AutoField | models.BigAutoField | models.SmallAutoField):
            pk = f"CAST({pk} AS TEXT)"  # PostgreSQL has no MAX() of a uuid
        parts += [f"(SELECT COUNT(*) FROM {table})", f"(SELECT MAX({pk}) FROM {table})"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return tuple(row)


def _rows(model: type[models.Model]) -> dict[Any, dict[str, Any]]:
    names = [f.attname for f in model._meta.concrete_fields]
    pk = model._meta.pk.attname
    return {r[pk]: r for r in model._base_manager.order_by("pk").values(*names)}


@dataclass(frozen=True)
class Layer:
    rows: tuple[tuple[type[models.Model], tuple[dict[str, Any], ...]], ...]
    began: dt.datetime  # the clock's reading when the build began and ended
    ended: dt.datetime


def record(build: Callable[[], object]) -> Layer | None:
    """Run `build` and record the rows it added. None if it also changed or removed rows that
    were there before: inserting cannot replay that."""
    tables = _tables()
    if any(m._meta.parents for m in tables):
        return None  # bulk inserts cannot write multi-table inheritance
    before = {m: _rows(m) for m in tables}
    began = timezone.now()
    build()
    ended = timezone.now()
    added = []
    for model in tables:
        after, old = _rows(model), before[model]
        if any(after.get(pk) != row for pk, row in old.items()):
            return None
        new = tuple(row for pk, row in after.items() if pk not in old)
        if new:
            added.append((model, new))
    return Layer(tuple(added), began, ended)


def _clock_fields(model: type[models.Model]) -> tuple[list[str], list[str]]:
    fields = model._meta.concrete_fields
    moments = [f.attname for f in fields if isinstance(f, models.DateTimeField)]
    days = [
        f.attname
        for f in fields
        if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
    ]
    return moments, days


def replay(layer: Layer) -> None:
    """Insert the layer's rows. Times the build read from the clock are moved to now, as if it had
    just run: under a held clock the rows are dated at the test's moment, as a real build's are."""
    now = timezone.now()
    shift = now - layer.ended
    day_shift = timezone.localdate(now) - timezone.localdate(layer.ended)
    build_days = {timezone.localdate(layer.began), timezone.localdate(layer.ended)}
    with transaction.atomic():
        for model, rows in layer.rows:
            moments, days = _clock_fields(model)
            objects = []
            for row in rows:
                values = dict(row)
                for name in moments:
                    value = values[name]
                    if value is not None and layer.began <= value <= layer.ended:
                        values[name] = value + shift
                for name in days:
                    if values[name] in build_days:
                        values[name] += day_shift
                objects.append(model(**values))
            model._base_manager.bulk_create(objects)
        # Rows inserted with their keys leave PostgreSQL's sequences behind (SQLite keeps up).
        statements = connection.ops.sequence_reset_sql(no_style(), [m for m, _ in layer.rows])
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


# Recordings of this test process, by layer name, database state and whether the clock was held.
_recorded: dict[tuple[str, Fingerprint, bool], Layer | None] = {}


def put_back(name: str, build: Callable[[], object]) -> None:
    """Give the database what `build` adds to it: the recorded rows if `name` was built in this
    state before, else a real build (recorded for the next time)."""
    key = (name, fingerprint(), _held > 0)
    if key not in _recorded:
        _recorded[key] = record(build)
        return
    layer = _recorded[key]
    if layer is None:
        build()
    else:
        replay(layer)

"""`manage.py send_reminders --every N` keeps sweeping: a failed sweep is logged and tried again, a
full batch is followed at once by another sweep, and SIGTERM stops it between sweeps."""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Iterator
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import OperationalError

from gongzhi.cases import actions
from gongzhi.cases.management.commands import send_reminders as command


@pytest.fixture
def own_signals() -> Iterator[None]:
    """The command installs SIGTERM and SIGINT handlers; put back the test runner's."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_the_loop_survives_a_failed_sweep_and_stops_on_sigterm(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, own_signals: None
) -> None:
    results: list[actions.RemindersSent | Exception] = [
        OperationalError("the database system is shutting down"),
        actions.RemindersSent(command.BATCH, 0),  # full: sweep again at once
        actions.RemindersSent(1, 2),
    ]
    calls: list[int] = []

    def fake_sweep(*, batch: int = 500) -> actions.RemindersSent:
        calls.append(batch)
        result = results.pop(0)
        if not results:
            os.kill(os.getpid(), signal.SIGTERM)
        if isinstance(result, Exception):
            raise result
        return result

    monkeypatch.setattr(actions, "send_reminders", fake_sweep)
    # The connection housekeeping between sweeps, recorded rather than run (no database here).
    housekeeping: list[str] = []
    monkeypatch.setattr(command, "close_old_connections", lambda: housekeeping.append("old"))
    monkeypatch.setattr(
        command, "connections", SimpleNamespace(close_all=lambda: housekeeping.append("all"))
    )
    waits: list[float] = []
    monkeypatch.setattr(command.time, "sleep", waits.append)
    clock = iter(range(0, 1000))
    monkeypatch.setattr(command.time, "monotonic", lambda: float(next(clock)))
    out = StringIO()
    with caplog.at_level(logging.ERROR, logger=command.__name__):
        call_command("send_reminders", "--every", "5", stdout=out)

    assert calls == [command.BATCH] * 3
    assert "the reminder sweep failed" in caplog.text
    # After the failure every connection is dropped; between sweeps the aged ones.
    assert housekeeping == ["all", "old", "old", "old"]
    assert out.getvalue().splitlines() == [
        f"reminders: {command.BATCH} nearly due, 0 overdue",
        "reminders: 1 nearly due, 2 overdue",
    ]
    # It waited after the failure, not after the full batch, and stopped without waiting again.
    assert len(waits) == 2 and all(0 < w <= 1 for w in waits)


def test_a_negative_interval_is_refused() -> None:
    with pytest.raises(Exception, match="--every"):
        call_command("send_reminders", "--every", "-1")

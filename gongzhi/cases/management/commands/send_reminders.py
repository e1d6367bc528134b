"""manage.py send_reminders: the reminder sweep (nearly due to the holders, overdue to supervisors).

Run it once a minute from a timer, or leave it running with `--every 60`.
"""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connections
from django.utils import translation

from gongzhi.cases import actions

log = logging.getLogger(__name__)
BATCH = 500


class Command(BaseCommand):
    help = "Tell holders of cases nearly due, and supervisors of cases overdue (once per step)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="sweep again every SECONDS until stopped (default: sweep once)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        every = opts["every"]
        if every < 0:
            raise CommandError("--every must be 0 (once) or a number of seconds")
        translation.activate(settings.LANGUAGE_CODE)
        if not every:
            self._report(actions.send_reminders(), opts["verbosity"])
            return
        stopping = False

        def stop(_signum: int, _frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            try:
                sent = actions.send_reminders(batch=BATCH)
            except Exception:
                # A database restart or a lost connection must not stop the reminders for good.
                log.exception("the reminder sweep failed; trying again in %s s", every)
                connections.close_all()
                full = False
            else:
                self._report(sent, opts["verbosity"])
                # A full batch means more are waiting: go on at once.
                full = max(sent.nearly_due, sent.overdue) >= BATCH
            deadline = time.monotonic() + (0 if full else every)
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, deadline - time.monotonic()))
            # Between sweeps, as between requests: drop a connection that has aged or broken.
            close_old_connections()

    def _report(self, sent: actions.RemindersSent, verbosity: int) -> None:
        if sent.nearly_due or sent.overdue or verbosity > 1:
            self.stdout.write(f"reminders: {sent.nearly_due} nearly due, {sent.overdue} overdue")

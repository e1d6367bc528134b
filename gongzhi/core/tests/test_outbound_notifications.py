"""Outbound copies of notifications: by email and to an SMS gateway's webhook, each only when it is
configured, queued for the task worker once the change has committed."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from gongzhi.conftest import Cast
from gongzhi.core.models import Notification
from gongzhi.core.notify import notify
from gongzhi.core.tasks import send_outbound

pytestmark = pytest.mark.django_db


class Gateway(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        Gateway.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[str]:
    Gateway.received = []
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/sms"
    server.shutdown()
    server.server_close()


def queued() -> list[list[int]]:
    rows = DBTaskResult.objects.filter(task_path__endswith=".send_outbound").order_by("enqueued_at")
    return [r.args_kwargs["args"][0] for r in rows]


def test_with_no_channel_configured_nothing_is_queued(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_BY_EMAIL, settings.SMS_WEBHOOK_URL = False, ""
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notify([cast.resident], "您的诉求已受理")
    assert Notification.objects.get(pk=row.pk).title == "您的诉求已受理"
    assert queued() == []


def test_email_and_sms_copies_go_out_after_the_commit(
    cast: Cast, settings: Any, gateway: str, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_BY_EMAIL, settings.SMS_WEBHOOK_URL = True, gateway
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cast.resident.email = "resident@example.cn"
    cast.resident.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notify([cast.resident, cast.grid_worker], "案件已办结", "井盖已更换")
    assert queued() == []  # nothing leaves before the change commits
    for callback in callbacks:
        callback()
    [ids] = queued()
    assert sorted(ids) == sorted(r.pk for r in rows)

    sent = send_outbound.call(ids)
    # The resident has an email and a phone; the grid worker only a phone.
    assert [(m.subject, m.to, m.body) for m in mail.outbox] == [
        ("案件已办结", ["resident@example.cn"], "案件已办结\n井盖已更换")
    ]
    phones = {cast.resident.phone, cast.grid_worker.phone}
    assert None not in phones and {r["phone"] for r in Gateway.received} == phones
    assert len(Gateway.received) == 2
    assert {r["text"] for r in Gateway.received} == {"案件已办结\n井盖已更换"}
    assert sent == 3

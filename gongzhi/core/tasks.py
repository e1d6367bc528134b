"""Background tasks of the core: sending notifications through the outbound channels."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from .models import Notification

log = logging.getLogger(__name__)


@task()
def send_outbound(notification_ids: list[int]) -> int:
    """Send copies of the notifications by email and to the SMS webhook, where configured."""
    sent = 0
    for n in Notification.objects.filter(pk__in=notification_ids).select_related("user"):
        text = f"{n.title}\n{n.body}".strip()
        if settings.NOTIFY_BY_EMAIL and n.user.email:
            send_mail(n.title, text, None, [n.user.email], fail_silently=False)
            sent += 1
        if settings.SMS_WEBHOOK_URL and n.user.phone:
            payload = json.dumps({"phone": n.user.phone, "text": text[:300]}).encode()
            request = urllib.request.Request(
                settings.SMS_WEBHOOK_URL, data=payload, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status >= 300:
                    log.warning(
                        "SMS gateway answered %s for notification %s", response.status, n.pk
                    )
                    continue
            sent += 1
    return sent

"""Background task of Open311: make the case a batch service's request describes (its token then
answers with the case number)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from gongzhi.core.errors import ActionError

from .models import Open311Request


@task()
def make_case_for_token(record_id: int) -> str:
    """Report the case; a refusal is kept on the request and told through its token. Running it
    twice makes one case (the token is the report's idempotency key)."""
    from .intake import make_case

    record = (
        Open311Request.objects.select_related("api_key__service_account", "category")
        .filter(pk=record_id)
        .first()
    )
    if record is None or record.state != Open311Request.State.PENDING:
        return record.state if record else "missing"
    try:
        make_case(record)
    except ActionError as exc:
        with transaction.atomic():
            record.state = Open311Request.State.FAILED
            record.error = exc.message[:500]
            record.processed_at = timezone.now()
            record.save(update_fields=["state", "error", "processed_at"])
    return record.state

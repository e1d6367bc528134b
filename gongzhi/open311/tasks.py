"""Background task of Open311: make the case a batch service's request describes (its token then
answers with the case number)."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core import audit
from gongzhi.core.errors import ActionError

from .actions import make_case, refuse_request
from .keys import key_label
from .models import Open311Request


@task()
def make_case_for_token(record_id: int) -> str:
    """Report the case; a refusal is kept on the request and told through its token. Running it
    twice makes one case (the token is the report's idempotency key)."""
    record = (
        Open311Request.objects.select_related("api_key__service_account", "category")
        .filter(pk=record_id)
        .first()
    )
    if record is None or record.state != Open311Request.State.PENDING:
        return record.state if record else "missing"
    # The request came with this key: the entries written now, long after, still name it.
    with audit.acting_with(key_label(record.api_key)):
        try:
            make_case(record)
        except ActionError as exc:
            record = refuse_request(record, exc)
    return record.state

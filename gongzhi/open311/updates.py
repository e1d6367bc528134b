"""POST servicerequestupdates: a client moves a case to an extended state, through the workflow
action that leads there from where the case stands, taken as the key's service account — so the
case platform decides, as for a person, whether that account may (403 when not).

Extended state → action (from the statuses it applies to):

    INVESTIGATING          confirm (reported), register (confirmed)
    ACTION_SCHEDULED       dispatch (registered) to the category's department, else its lowest tier
    IN_PROGRESS            accept (dispatched)
    FIXED                  respond (dispatched, handling; description = what was done),
                           verify passed (responded)
    CLOSED                 close (verified; description = the public answer)
    NOT_COUNCILS_RESPONSIBILITY  decline (reported, confirmed; description = the reason)
    DUPLICATE              void with duplicate_of (the original's service_request_id)
    CANCELLED              void (description = the reason)
    NO_FURTHER_ACTION      shelve (description = the reason)
    REOPEN                 rework (responded; description = what is still wrong), unshelve (shelved)
    INTERNAL_REFERRAL      escalate (description = the reason)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongzhi.cases import actions, workflow
from gongzhi.cases.models import Case, CaseStep, Status, Tier
from gongzhi.core.errors import ActionError
from gongzhi.core.models import Channel
from gongzhi.people.models import User

from . import timeline as t
from .formats import Open311Error
from .intake import param
from .models import ApiKey, ReceivedUpdate

S = Status
Act = Callable[[User, Case, str, Any], Case]
CH = Channel.OPEN311


def _dispatch(actor: User, case: Case, note: str, form: Any) -> Case:
    rule = case.rule
    if rule.department is not None:
        return actions.dispatch(
            actor, case.pk, tier=Tier.STREET, unit=rule.department, note=note, channel=CH
        )
    return actions.dispatch(actor, case.pk, tier=rule.lowest_tier, note=note, channel=CH)


def _void_duplicate(actor: User, case: Case, note: str, form: Any) -> Case:
    number = param(form, "duplicate_of")
    if not number:
        raise Open311Error(
            400, _("DUPLICATE needs duplicate_of: the original's service_request_id.")
        )
    original = Case.objects.filter(number=number).only("pk").first()
    if original is None:
        raise Open311Error(404, _("Service request %(id)s was not found.") % {"id": number})
    return actions.void(actor, case.pk, reason=note, duplicate_of=original.pk, channel=CH)


# extended state → [(statuses, action)], tried in order.
PATHS: dict[str, list[tuple[tuple[Status, ...], Act]]] = {
    t.INVESTIGATING: [
        ((S.REPORTED,), lambda a, c, n, f: actions.confirm(a, c.pk, note=n, channel=CH)),
        ((S.CONFIRMED,), lambda a, c, n, f: actions.register(a, c.pk, note=n, channel=CH)),
    ],
    t.ACTION_SCHEDULED: [((S.REGISTERED,), _dispatch)],
    t.IN_PROGRESS: [((S.DISPATCHED,), lambda a, c, n, f: actions.accept(a, c.pk, channel=CH))],
    t.FIXED: [
        (
            (S.DISPATCHED, S.HANDLING),
            lambda a, c, n, f: actions.respond(a, c.pk, note=n, channel=CH),
        ),
        (
            (S.RESPONDED,),
            lambda a, c, n, f: actions.verify(a, c.pk, passed=True, note=n, channel=CH),
        ),
    ],
    t.CLOSED: [
        (
            (S.VERIFIED,),
            lambda a, c, n, f: actions.close(a, c.pk, note=n, public_answer=n, channel=CH),
        )
    ],
    t.NOT_COUNCILS_RESPONSIBILITY: [
        (
            (S.REPORTED, S.CONFIRMED),
            lambda a, c, n, f: actions.decline(a, c.pk, reason=n, channel=CH),
        )
    ],
    t.DUPLICATE: [(workflow.OPEN, _void_duplicate)],
    t.CANCELLED: [(workflow.OPEN, lambda a, c, n, f: actions.void(a, c.pk, reason=n, channel=CH))],
    t.NO_FURTHER_ACTION: [
        (
            (S.CONFIRMED, S.REGISTERED, *workflow.HANDLING),
            lambda a, c, n, f: actions.shelve(a, c.pk, reason=n, channel=CH),
        )
    ],
    t.REOPEN: [
        (
            (S.RESPONDED,),
            lambda a, c, n, f: actions.verify(a, c.pk, passed=False, note=n, channel=CH),
        ),
        ((S.SHELVED,), lambda a, c, n, f: actions.unshelve(a, c.pk, note=n, channel=CH)),
    ],
    t.INTERNAL_REFERRAL: [
        (
            (S.REGISTERED, *workflow.HANDLING),
            lambda a, c, n, f: actions.escalate(a, c.pk, reason=n, channel=CH),
        )
    ],
}


def post_update(form: Any, key: ApiKey) -> dict[str, Any]:
    """Apply one update; returns the element of the response array ({update_id})."""
    number = param(form, "service_request_id")
    if not number:
        raise Open311Error(400, _("service_request_id was not provided."))
    state = param(form, "status").upper().replace(" ", "_")
    if not state:
        raise Open311Error(400, _("status was not provided."))
    if state not in PATHS:
        raise Open311Error(
            400,
            _("status %(status)s cannot be set; use one of %(states)s.")
            % {"status": state, "states": ", ".join(PATHS)},
        )
    note = param(form, "description")
    if len(note) > 4000:
        raise Open311Error(400, _("description is longer than 4000 characters."))
    external_id = param(form, "update_id")[:64]
    if external_id:
        done = ReceivedUpdate.objects.filter(api_key=key, external_id=external_id).first()
        if done is not None:
            return {"update_id": str(done.step_id or "")}
    case = Case.objects.select_related("rule").filter(number=number).first()
    if case is None:
        raise Open311Error(404, _("Service request %(id)s was not found.") % {"id": number})
    path = next((act for statuses, act in PATHS[state] if case.status in statuses), None)
    if path is None:
        raise Open311Error(
            400,
            _("Service request %(id)s is %(status)s; it cannot move to %(state)s from there.")
            % {"id": number, "status": case.get_status_display(), "state": state},
        )
    actor = key.service_account
    try:
        with transaction.atomic():
            path(actor, case, note, form)
            step = (
                CaseStep.objects.filter(case=case, actor=actor)
                .exclude(action="merge")
                .order_by("-at", "-id")
                .first()
            )
            if external_id:
                ReceivedUpdate.objects.create(
                    api_key=key, external_id=external_id, case=case, step=step, status=state
                )
    except IntegrityError:
        # The same update_id arrived twice at once: the other request applied it.
        done = ReceivedUpdate.objects.filter(api_key=key, external_id=external_id).first()
        if done is None:
            raise
        return {"update_id": str(done.step_id or "")}
    except ActionError as exc:
        raise Open311Error(exc.status if exc.status in (403, 404) else 400, exc.message) from exc
    return {"update_id": str(step.pk if step else "")}

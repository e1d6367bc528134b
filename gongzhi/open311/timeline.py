"""The public side of a case's timeline: which steps Open311 shows, in which words, and the extended
states (INVESTIGATING, IN_PROGRESS, ...) our workflow maps to. Never a person, never a staff note:
only fixed wording, public bodies' names and the answers meant for the public."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.cases import labels
from gongzhi.cases.models import Case, CaseStep, Rating, Status, Tier
from gongzhi.people.privacy import mask_id_number, mask_phone

S = Status

FOR_TRIAGE = "FOR_TRIAGE"
INVESTIGATING = "INVESTIGATING"
ACTION_SCHEDULED = "ACTION_SCHEDULED"
IN_PROGRESS = "IN_PROGRESS"
FIXED = "FIXED"
CLOSED = "CLOSED"
NOT_COUNCILS_RESPONSIBILITY = "NOT_COUNCILS_RESPONSIBILITY"
DUPLICATE = "DUPLICATE"
CANCELLED = "CANCELLED"
NO_FURTHER_ACTION = "NO_FURTHER_ACTION"
REOPEN = "REOPEN"
INTERNAL_REFERRAL = "INTERNAL_REFERRAL"
EXTENDED_STATES = (
    FOR_TRIAGE,
    INVESTIGATING,
    ACTION_SCHEDULED,
    IN_PROGRESS,
    FIXED,
    CLOSED,
    NOT_COUNCILS_RESPONSIBILITY,
    DUPLICATE,
    CANCELLED,
    NO_FURTHER_ACTION,
    REOPEN,
    INTERNAL_REFERRAL,
)

STATE_OF_STATUS: dict[str, str] = {
    S.REPORTED: FOR_TRIAGE,
    S.CONFIRMED: INVESTIGATING,
    S.REGISTERED: INVESTIGATING,
    S.DISPATCHED: ACTION_SCHEDULED,
    S.HANDLING: IN_PROGRESS,
    S.RESPONDED: FIXED,
    S.VERIFIED: FIXED,
    S.CLOSED: CLOSED,
    S.DECLINED: NOT_COUNCILS_RESPONSIBILITY,
    S.SHELVED: NO_FURTHER_ACTION,
    S.VOID: CANCELLED,
}

# The steps that move a case to another extended state (the updates a client follows).
STATE_STEPS = frozenset(
    {
        "report",
        "confirm",
        "register",
        "decline",
        "dispatch",
        "accept",
        "respond",
        "return",
        "escalate",
        "verify",
        "rework",
        "close",
        "rate",
        "shelve",
        "unshelve",
        "void",
    }
)

_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+\.[\w.-]+)")


def mask_name(name: str) -> str:
    return name[:1] + "*" * (len(name) - 1)


def scrub(text: str | None, names: Sequence[str] = ()) -> str:
    """Public text with any mobile number, ID number or email address in it masked, and the given
    names (the reporter's) masked to their first character: 张秀英 → 张**."""
    if not text:
        return ""
    for name in sorted(
        {n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True
    ):
        text = text.replace(name, mask_name(name))
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m[0]), text)
    text = _PHONE.sub(lambda m: mask_phone(m[0]), text)
    return _EMAIL.sub(lambda m: f"***@{m[1]}", text)


def step_state(action: str, to_status: str, data: dict[str, Any] | None = None) -> str:
    """The extended state a step leaves the case in."""
    data = data or {}
    if action == "rework":
        return REOPEN
    if action == "rate" and data.get("rating") == Rating.UNSATISFIED:
        return REOPEN
    if action == "escalate":
        return INTERNAL_REFERRAL
    if to_status == S.VOID:
        return DUPLICATE if data.get("duplicate_of") else CANCELLED
    return STATE_OF_STATUS.get(to_status, FOR_TRIAGE)


def case_state(case: Case, steps: Sequence[CaseStep] = ()) -> str:
    """The case's extended state now: from its last state-changing step when it is known."""
    last = next((s for s in reversed(steps) if s.action in STATE_STEPS), None)
    if last is not None and last.to_status == case.status:
        return step_state(last.action, last.to_status, last.data)
    if case.status == S.VOID:
        return DUPLICATE if case.duplicate_of_id else CANCELLED
    return STATE_OF_STATUS.get(case.status, FOR_TRIAGE)


def step_text(
    step: CaseStep, case: Case, last_close_id: int | None, names: Sequence[str] = ()
) -> str | None:
    """What a step may say in public: a decline's reason and the closing answer (both written for
    the reporter), where a case was sent, which case it duplicates. Nothing else."""
    data = step.data or {}
    if step.action == "decline":
        return scrub(step.note, names) or None
    if step.action == "close" and step.pk == last_close_id:
        return scrub(case.public_answer, names) or None
    if step.action == "dispatch":
        unit = data.get("unit") or ""
        tier = data.get("tier") or ""
        return str(unit or (Tier(tier).label if tier in Tier.values else "")) or None
    if step.action == "escalate" and data.get("tier") in Tier.values:
        return str(Tier(data["tier"]).label)
    if step.action == "void" and data.get("duplicate_of"):
        return str(_("Duplicate of case %(number)s") % {"number": data["duplicate_of"]})
    if step.action == "merge" and data.get("merged"):
        return str(data["merged"])
    if step.action == "rate" and data.get("rating") in Rating.values:
        return str(Rating(data["rating"]).label)
    return None


def notes(case: Case, steps: Sequence[CaseStep], names: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The notes history of `extensions=true`: the public steps, oldest first."""
    closes = [s.pk for s in steps if s.action == "close"]
    last_close = closes[-1] if closes else None
    return [
        {
            "datetime": s.at,
            "type": s.action,
            "summary": str(labels.PUBLIC_STEP[s.action]),
            "extended_status": step_state(s.action, s.to_status, s.data)
            if s.action in STATE_STEPS
            else None,
            "description": step_text(s, case, last_close, names),
        }
        for s in steps
        if s.action in labels.PUBLIC_STEP
    ]

"""The case workflow in one place: which action may move a case from which status to which, which
deadline each status runs on, and who holds a case at each tier.

Steps: report → confirm (核实) → register (立案) or decline → dispatch → accept → respond (反馈)
→ verify on site (核查) → close → rate. Branches: return, escalate, extension, shelve, rework,
supervise/remind, void, summon.
"""

from __future__ import annotations

from gongzhi.core.permissions import memberships_of
from gongzhi.people.models import Role, Viewer

from .models import Case, Status, Step, Tier

S = Status
OPEN = (S.REPORTED, S.CONFIRMED, S.REGISTERED, S.DISPATCHED, S.HANDLING, S.RESPONDED, S.VERIFIED)
HANDLING = (S.DISPATCHED, S.HANDLING)

# action → (statuses it may start from, status it leads to; None = the status does not change)
TRANSITIONS: dict[str, tuple[tuple[Status, ...], Status | None]] = {
    "confirm": ((S.REPORTED,), S.CONFIRMED),
    "register": ((S.CONFIRMED,), S.REGISTERED),
    "decline": ((S.REPORTED, S.CONFIRMED), S.DECLINED),
    "dispatch": ((S.REGISTERED,), S.DISPATCHED),
    "accept": ((S.DISPATCHED,), S.HANDLING),
    "respond": (HANDLING, S.RESPONDED),
    "return": (HANDLING, S.REGISTERED),
    "escalate": ((S.REGISTERED, *HANDLING), S.REGISTERED),
    "request_extension": (HANDLING, None),
    "decide_extension": (HANDLING, None),
    "verify": ((S.RESPONDED,), S.VERIFIED),
    "rework": ((S.RESPONDED,), S.HANDLING),
    "close": ((S.VERIFIED,), S.CLOSED),
    "rate": ((S.CLOSED,), None),
    "follow_up": ((S.CLOSED,), None),
    # Only a registered case (taken on) is shelved; unshelving brings it back to registered.
    "shelve": ((S.REGISTERED, *HANDLING), S.SHELVED),
    "unshelve": ((S.SHELVED,), S.REGISTERED),
    "supervise": (OPEN, None),
    "void": (OPEN, S.VOID),
    "summon": ((S.REGISTERED, *HANDLING), None),
}

# The deadline a case runs on while in each status.
STEP_OF_STATUS: dict[str, Step] = {
    S.REPORTED: Step.CONFIRM,
    S.CONFIRMED: Step.DISPATCH,
    S.REGISTERED: Step.DISPATCH,
    S.DISPATCHED: Step.HANDLE,
    S.HANDLING: Step.HANDLE,
    S.RESPONDED: Step.VERIFY,
    S.VERIFIED: Step.CLOSE,
}

NEXT_TIER = {
    Tier.GRID: Tier.COMMUNITY,
    Tier.COMMUNITY: Tier.STREET,
    Tier.STREET: Tier.COMMAND_CENTRE,
}
TIER_RANK = {Tier.GRID: 0, Tier.COMMUNITY: 1, Tier.STREET: 2, Tier.COMMAND_CENTRE: 3}
SCOPE_DIGITS = {Tier.GRID: None, Tier.COMMUNITY: 12, Tier.STREET: 9, Tier.COMMAND_CENTRE: 6}

# The roles that hold a case at each tier; a higher tier may always act for a lower one.
TIER_ROLES: dict[Tier, frozenset[str]] = {
    Tier.GRID: frozenset({Role.GRID_WORKER, Role.GRID_LEADER}),
    Tier.COMMUNITY: frozenset({Role.COMMUNITY_WORKER, Role.COMMUNITY_SECRETARY}),
    Tier.STREET: frozenset({Role.STREET_STAFF}),
    Tier.COMMAND_CENTRE: frozenset({Role.COMMAND_CENTRE_STAFF, Role.ADMINISTRATOR}),
}


def tier_scope(tier: Tier | str, grid_code: str) -> str:
    """The place a tier acts over for a case in `grid_code`: the grid, its community, street, district."""
    digits = SCOPE_DIGITS[Tier(tier)]
    return grid_code if digits is None else grid_code[:digits]


def user_tier(user: Viewer, case: Case) -> Tier | None:
    """The highest tier at which `user` covers the case's place (None: they don't)."""
    best: Tier | None = None
    for tier, roles in TIER_ROLES.items():
        for role in roles:
            if any(case.grid_code.startswith(c) for c in _codes_for_role(user, role)) and (
                best is None or TIER_RANK[tier] > TIER_RANK[best]
            ):
                best = tier
    return best


def _codes_for_role(user: Viewer, role: str) -> list[str]:
    return [code for r, code, _org in memberships_of(user) if r == role]


def department_ids(user: Viewer) -> set[int]:
    """The departments a user works for (department staff)."""
    return {
        org
        for role, _code, org in memberships_of(user)
        if role == Role.DEPARTMENT_STAFF and org is not None
    }


def holds(user: Viewer, case: Case) -> bool:
    """Does `user` hold the case now: its handling unit's staff, or its tier (or a higher one)
    over its place?"""
    if case.assigned_unit_id is not None and case.assigned_unit_id in department_ids(user):
        return True
    tier = user_tier(user, case)
    return tier is not None and TIER_RANK[tier] >= TIER_RANK[Tier(case.tier)]


def supervises(user: Viewer, case: Case) -> bool:
    """Street staff and the command centre over the case's place: approve, shelve, supervise, summon."""
    tier = user_tier(user, case)
    return tier is not None and TIER_RANK[tier] >= TIER_RANK[Tier.STREET]


def triages(user: Viewer, case: Case) -> bool:
    """Grid staff, community staff and above over the case's place: confirm, register, verify, close."""
    return user_tier(user, case) is not None


def state_allows(action: str, case: Case) -> bool:
    """Does the case's state let `action` happen now (whoever asks)?"""
    starts, _to = TRANSITIONS[action]
    if case.status not in starts:
        return False
    if action == "escalate":
        return case.tier != Tier.COMMAND_CENTRE
    if action == "request_extension":
        return not case.pending_extension
    if action == "decide_extension":
        return bool(case.pending_extension)
    if action == "rate":
        return not case.rating
    return True


def person_may(user: Viewer, action: str, case: Case) -> bool:
    """Is `user` someone who may take `action` on this case (whatever its state)?"""
    if action == "rate":
        return case.reporter_id is not None and case.reporter_id == getattr(user, "pk", None)
    if action in ("dispatch", "accept", "respond", "return", "escalate", "request_extension"):
        return holds(user, case)
    if action == "decide_extension":
        # Whoever dispatched to the handler decides: a tier above the case's, or a supervisor.
        tier = user_tier(user, case)
        above = tier is not None and TIER_RANK[tier] > TIER_RANK[Tier(case.tier)]
        return above or supervises(user, case)
    if action in ("shelve", "unshelve", "supervise", "summon"):
        return supervises(user, case)
    return triages(user, case)


def may(user: Viewer, action: str, case: Case) -> bool:
    """May `user` take `action` on `case` now? The case page offers exactly these forms."""
    return state_allows(action, case) and person_may(user, action, case)


def available_actions(user: Viewer, case: Case) -> list[str]:
    return [a for a in TRANSITIONS if may(user, a, case)]


def is_earlier(a: Case, b: Case) -> bool:
    """Of two reports of one problem, the earlier is kept and the later merged into it."""
    return (a.reported_at, a.pk) < (b.reported_at, b.pk)

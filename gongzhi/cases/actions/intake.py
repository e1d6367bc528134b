"""A new case: a resident's snapshot (随手拍), a grid worker's patrol, a phone-in, Open311 or the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, idempotency
from gongzhi.core.errors import ActionError, NotAllowed
from gongzhi.core.models import Channel
from gongzhi.people.models import User
from gongzhi.places.locator import locate, to_wgs84

from .. import workflow
from ..duplicates import Candidate, likely_duplicates, tokens
from ..models import Case, CasePhoto, Category, Source, Status, Tier
from .base import Actor, add_step, clean_photos, count, enter, holders, save_photos, tell
from .rules import rule_in_force


@dataclass
class ReportResult:
    case: Case
    created: bool
    duplicates: list[Candidate]


def report(
    actor: Actor,
    *,
    category: Category,
    description: str,
    lat: Any,
    lng: Any,
    crs: str = "wgs84",
    photos: Any = (),
    source: str = Source.RESIDENT_APP,
    is_anonymous: bool = False,
    address: str = "",
    idempotency_key: str = "",
    channel: str = Channel.WEB,
) -> ReportResult:
    """A new case from a resident's snapshot, a grid worker's patrol or a phone-in. A retry with the
    same idempotency key returns the case the first call made."""
    if not isinstance(actor, User) or not actor.is_authenticated:
        raise NotAllowed(_("Please log in to report."))
    description = (description or "").strip()
    if len(description) > 4000:
        raise ActionError(_("The description is longer than 4000 characters."), field="description")
    if category.parent_id is None or not category.is_active:
        raise ActionError(_("Choose a category from the list."), field="category")
    if idempotency_key:
        done = _replayed(actor, idempotency_key)
        if done is not None:
            return ReportResult(done, False, [])
    clean = clean_photos(photos)
    if not description and not clean:
        raise ActionError(_("Describe the problem or add a photo."), field="description")
    grid = locate(lat, lng, crs)
    wlat, wlng = to_wgs84(float(lat), float(lng), crs)
    _check_source(actor, source, grid.code)
    now = timezone.now()
    rule = rule_in_force(category, now)
    duplicates = likely_duplicates(category.pk, wlat, wlng, description, rule.duplicate_radius_m)
    try:
        with transaction.atomic():
            case = Case(
                pk=_next_case_id(),
                kind=category.kind,
                category=category,
                rule=rule,
                source=source,
                description=description,
                address=address[:200],
                lat=wlat,
                lng=wlng,
                grid_code=grid.code,
                reporter=actor,
                is_anonymous=is_anonymous,
                tier=Tier.GRID,
                assigned_scope=grid.code,
                reported_at=now,
                step_started_at=now,
                tokens=" ".join(sorted(tokens(description)))[:500],
            )
            case.number = f"{timezone.localtime(now):%Y%m%d}{case.pk:07d}"
            enter(case, Status.REPORTED, now)
            case.save(force_insert=True)
            if idempotency_key:
                # A concurrent request with the same key fails here on the unique index, and its
                # whole transaction (its case too) rolls back: it then replays this one.
                idempotency.remember("cases.report", actor.pk, idempotency_key, case.pk)
            step = add_step(
                case, "report", actor, now, "", note=description[:200], data={"source": source}
            )
            save_photos(case, step, clean, CasePhoto.Purpose.REPORT)
            count(case, now, reported=1)
            audit.record(actor, "cases.report", case, channel=channel, summary=case.number)
            tell(
                holders(case), case, _("New case %(number)s in your grid") % {"number": case.number}
            )
    except IntegrityError:
        # The same key arrived twice at once: the other request made the case.
        done = _replayed(actor, idempotency_key) if idempotency_key else None
        if done is None:
            raise
        return ReportResult(done, False, [])
    return ReportResult(case, True, duplicates)


def _next_case_id() -> int:
    """The new case's id, taken before its row is written so that its number goes in with it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence('cases_case', 'id'))")
        elif connection.vendor == "sqlite":
            # The transaction holds the write lock (IMMEDIATE). Past the highest id ever given
            # (AUTOINCREMENT's record), so that a deleted case's number is never given again.
            cursor.execute(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'cases_case'),"
                " 0), COALESCE((SELECT MAX(id) FROM cases_case), 0)) + 1"
            )
        else:
            raise NotImplementedError(f"case numbers on {connection.vendor}")
        row = cursor.fetchone()
    return int(row[0])


def _replayed(actor: User, key: str) -> Case | None:
    made = idempotency.remembered("cases.report", actor.pk, key)
    if made is None or not made.isdigit():
        return None
    return Case.objects.filter(pk=int(made)).first()


def _check_source(actor: User, source: str, grid_code: str) -> None:
    """Residents send snapshots; patrol reports come from the grid's staff; phone-ins from the
    community or the command centre."""
    if source in (Source.RESIDENT_APP, Source.OPEN311, Source.API):
        return
    probe = Case(grid_code=grid_code, tier=Tier.GRID, assigned_scope=grid_code)
    tier = workflow.user_tier(actor, probe)
    if source == Source.PATROL and tier is not None:
        return
    if source in (Source.HOTLINE, Source.COMMAND_CENTRE) and tier is not None and tier != Tier.GRID:
        return
    raise NotAllowed(_("You may not enter cases of this kind here."), field="source")

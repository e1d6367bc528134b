"""Cursor paging: an opaque cursor over (reported_at, id) newest first or (step_due_at, id) most
urgent first, so that a client walking the pages sees every row once even while rows are added."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _

from gongzhi.core.errors import ActionError

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Order:
    """A paging order: a nullable or not datetime field then the id, ascending or descending."""

    name: str
    field: str
    descending: bool

    def apply(self, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
        if self.descending:
            return queryset.order_by(F(self.field).desc(nulls_last=True), "-id")
        return queryset.order_by(F(self.field).asc(nulls_last=True), "id")

    def after(self, value: dt.datetime | None, pk: int) -> Q:
        """The rows that come after (value, pk) in this order (nulls come last)."""
        f = self.field
        if value is None:
            return Q(**{f"{f}__isnull": True}) & Q(
                **{"id__lt" if self.descending else "id__gt": pk}
            )
        beyond = "lt" if self.descending else "gt"
        return (
            Q(**{f"{f}__{beyond}": value})
            | Q(**{f: value, f"id__{beyond}": pk})
            | Q(**{f"{f}__isnull": True})
        )


NEWEST_REPORTED = Order("reported", "reported_at", descending=True)
MOST_URGENT = Order("due", "step_due_at", descending=False)
NEWEST_REQUESTED = Order("requested", "requested_at", descending=True)


def _bad_cursor() -> ActionError:
    return ActionError(
        _("The cursor is not one this list gave out: start again without it."), field="cursor"
    )


def encode_cursor(order: Order, row: models.Model) -> str:
    value = getattr(row, order.field)
    payload = {"o": order.name, "v": value.isoformat() if value else None, "i": row.pk}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(order: Order, cursor: str) -> tuple[dt.datetime | None, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        if not isinstance(payload, dict) or payload.get("o") != order.name:
            raise _bad_cursor()
        pk = payload["i"]
        value = payload["v"]
        if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk < 2**63:
            raise _bad_cursor()
        moment = None if value is None else dt.datetime.fromisoformat(value)
        if moment is not None and moment.tzinfo is None:
            raise _bad_cursor()
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc
    return moment, pk


T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def paginate(queryset: models.QuerySet[M], order: Order, cursor: str | None, limit: int) -> Page[M]:
    """One page of `queryset` in `order` after `cursor`, and the cursor of the next (None: the end)."""
    queryset = order.apply(queryset)
    if cursor:
        value, pk = decode_cursor(order, cursor)
        queryset = queryset.filter(order.after(value, pk))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(order, rows[-1]) if more and rows else None)

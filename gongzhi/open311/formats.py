"""Open311's two formats: XML (required) and JSON, with the exact content types; the error array;
and dates in ISO 8601 with the local offset (+08:00).

Documents are built as plain Python values and written in either format by one mapping (the
"Spark convention" of the spec): a list becomes a wrapper element holding one element per item,
named by `ITEM_TAGS`; True/False become true/false; None becomes an empty element.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

XML = "xml"
JSON = "json"
CONTENT_TYPES = {
    XML: "text/xml; charset=utf-8",
    JSON: "application/json; charset=utf-8",
}
# The element each list's items are written as.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
}


# Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    """A refused call: HTTP 400, 403 or 404 with one or more {code, description}."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = list(descriptions)


def w3c(moment: dt.datetime | None) -> str | None:
    """ISO 8601 in the local time zone with its offset, to the second: 2026-11-28T18:30:00+08:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def parse_datetime(value: str, field: str) -> dt.datetime:
    """A W3C date-time (with Z or an offset; without one it is local time) or a date (its start)."""
    text = value.strip()
    try:
        if len(text) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        else:
            moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError as exc:
        raise Open311Error(
            400,
            _("%(field)s is not an ISO 8601 date-time such as 2026-01-01T00:00:00+08:00.")
            % {"field": field},
        ) from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return w3c(value)
    return _NOT_XML.sub("", str(value))


def _append(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    _fill(element, tag, value)


def _fill(element: ET.Element, tag: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list | tuple):
        item_tag = ITEM_TAGS.get(tag, "item")
        for item in value:
            _append(element, item_tag, item)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> str:
    element = ET.Element(root)
    _fill(element, root, value)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return w3c(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _clean(value: Any) -> Any:
    """The same characters in both formats: those XML cannot carry are dropped from JSON too."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def render(fmt: str, root: str, value: Any, status: int = 200) -> HttpResponse:
    """`value` under the XML root element `root` (JSON has no root: the value itself)."""
    if fmt == JSON:
        body = json.dumps(_clean(value), ensure_ascii=False, default=_jsonable)
    else:
        body = to_xml(root, value)
    response = HttpResponse(body.encode(), status=status, content_type=CONTENT_TYPES[fmt])
    return response


def error_response(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    errors = [{"code": status, "description": d} for d in descriptions]
    return render(fmt if fmt in CONTENT_TYPES else XML, "errors", errors, status=status)

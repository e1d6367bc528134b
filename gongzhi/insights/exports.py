"""Tables, shown on the pages and exported as they are shown: xlsx (a sheet per table, headers in
the page's language, i.e. Chinese) and CSV (UTF-8 with a byte-order mark, so that Excel reads the
Chinese as Chinese)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .indicators import DASH, show_duration

ColumnKind = Literal["text", "int", "percent", "score", "duration", "number"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    kind: ColumnKind = "text"


@dataclass
class Table:
    """A titled table: the same object is rendered on the page and exported."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)  # a link for each row's first cell

    def add(self, values: Sequence[Any], link: str | None = None) -> None:
        self.rows.append(list(values))
        self.links.append(link)

    def shown(self, value: Any, kind: ColumnKind) -> str:
        return show(value, kind)

    def display_rows(self) -> list[tuple[str | None, list[tuple[str, str]]]]:
        """Each row as (link, [(text, kind)]) for the templates."""
        out: list[tuple[str | None, list[tuple[str, str]]]] = []
        for i, row in enumerate(self.rows):
            link = self.links[i] if i < len(self.links) else None
            cells: list[tuple[str, str]] = [
                (show(v, c.kind), c.kind) for v, c in zip(row, self.columns, strict=True)
            ]
            out.append((link, cells))
        return out


def show(value: Any, kind: ColumnKind) -> str:
    if value is None or value == "":
        return DASH if kind != "text" else ""
    if kind == "percent":
        return f"{value} %"
    if kind == "duration":
        return show_duration(value)
    if kind == "int":
        return f"{int(value):,}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if kind == "number" else str(value)
    return str(value)


def _sheet_title(title: str, used: set[str]) -> str:
    clean = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"
    name, n = clean, 2
    while name in used:
        suffix = f" ({n})"
        name, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _cell(value: Any, kind: ColumnKind) -> Any:
    if value is None or value == "":
        return DASH if kind != "text" else ""
    if kind == "duration":
        return round(float(value) / 3600, 2)  # hours
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """A workbook with one sheet per table: a bold header row, frozen; numbers as numbers."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDECEA")
    for table in tables:
        ws = wb.create_sheet(_sheet_title(table.title, used))
        headers = [_header(c) for c in table.columns]
        ws.append(headers)
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        for row in table.rows:
            ws.append([_cell(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
        for i, c in enumerate(table.columns, 1):
            if c.kind == "percent":
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    if isinstance(cell.value, float):
                        cell.number_format = "0.00"
            width = max(
                [len(str(headers[i - 1])) * 2]
                + [len(show(r[i - 1], c.kind)) for r in table.rows]
                + [8]
            )
            ws.column_dimensions[get_column_letter(i)].width = min(width + 2, 60)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _header(c: Column) -> str:
    suffix = {"percent": " (%)", "duration": " (h)"}.get(c.kind, "")
    return c.header + suffix


def _csv_value(value: Any, kind: ColumnKind) -> Any:
    if value is None or value == "":
        return DASH if kind != "text" else ""
    if kind == "duration":
        return f"{float(value) / 3600:.2f}"
    if kind == "int":
        return int(value)
    return value


def to_csv(table: Table) -> bytes:
    """The table as CSV: UTF-8 with a BOM; numbers plain (rates in per cent, durations in hours)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([_header(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
    return "\ufeff".encode() + buf.getvalue().encode("utf-8")


def _filename(stem: str, ext: str) -> str:
    return f"{stem}-{timezone.localdate():%Y%m%d}.{ext}"


def _attachment(name: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def xlsx_response(stem: str, tables: Sequence[Table]) -> HttpResponse:
    response = HttpResponse(to_xlsx(tables), content_type=XLSX)
    response["Content-Disposition"] = _attachment(_filename(stem, "xlsx"))
    return response


def csv_response(stem: str, table: Table) -> HttpResponse:
    response = HttpResponse(to_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment(_filename(f"{stem}-{table.key}", "csv"))
    return response


def export_response(
    fmt: str, stem: str, tables: Sequence[Table], table_key: str = ""
) -> HttpResponse | None:
    """The export asked for by ?format=xlsx|csv (&table=key for CSV), or None for the page."""
    if fmt == "xlsx":
        return xlsx_response(stem, tables)
    if fmt == "csv":
        chosen = next((t for t in tables if t.key == table_key), tables[0] if tables else None)
        if chosen is not None:
            return csv_response(stem, chosen)
    return None

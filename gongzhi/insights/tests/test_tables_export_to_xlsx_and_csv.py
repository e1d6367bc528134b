"""Exports: any table to xlsx (opens with openpyxl, a sheet per table, headers in Chinese for a
Chinese viewer, numbers as numbers) and to CSV (UTF-8 with a BOM so that Excel reads it)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from gongzhi.conftest import Cast
from gongzhi.insights.exports import Column, Table, to_csv, to_xlsx
from gongzhi.people.models import User

from .conftest import URLS, ask, counter

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLS)]


def test_a_workbook_has_a_sheet_per_table_with_numbers_as_numbers() -> None:
    a = Table("a", "街道", [Column("名称"), Column("结案率", "percent"), Column("上报数", "int")])
    a.add(["元宝山街道", __import__("decimal").Decimal("93.72"), 1000])
    a.add(["钢城街道", None, 0])
    b = Table("b", "街道", [Column("名称")])  # same title: the sheet name is made unique
    book = load_workbook(io.BytesIO(to_xlsx([a, b])))
    assert book.sheetnames == ["街道", "街道 (2)"]
    sheet = book["街道"]
    assert [c.value for c in sheet[1]] == ["名称", "结案率 (%)", "上报数"]
    assert [c.value for c in sheet[2]] == ["元宝山街道", 93.72, 1000]
    assert sheet["B3"].value == "—"


def test_a_csv_starts_with_a_bom_and_reads_back() -> None:
    t = Table("t", "类别", [Column("大类"), Column("上报数", "int"), Column("结案率", "percent")])
    t.add(["市容环境", 1234, None])
    data = to_csv(t)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["大类", "上报数", "结案率 (%)"], ["市容环境", "1234", "—"]]


def _chinese(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


def test_the_dashboard_exports_every_table_with_chinese_headers(
    cast: Cast, client_as: Callable[[User], Client]
) -> None:
    counter(
        dt.date(2026, 5, 6),
        cast.grid.code,
        reported=972,
        registered=972,
        closed=911,
        closed_on_time=737,
    )
    client = _chinese(client_as(cast.community_worker))
    response = ask(client, "dashboard", period="month", date="2026-05-06", format="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["指标", "网格", "类别构成"]
    indicators = book["指标"]
    assert [c.value for c in indicators[1]][:4] == ["指标", "数值", "分子", "分母"]
    values = {row[0].value: row[1].value for row in indicators.iter_rows(min_row=2)}
    assert values["结案率"] == "93.72 %" and values["按期结案率"] == "75.82 %"
    grids = book["网格"]
    assert grids["A1"].value == "名称" and grids["B1"].value == "上报数"

    csv_response = ask(
        client, "dashboard", period="month", date="2026-05-06", format="csv", table="indicators"
    )
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("指标,数值,分子,分母")
    assert "93.72 %" in text


def test_rankings_and_the_case_list_export_too(
    cast: Cast, client_as: Callable[[User], Client]
) -> None:
    client = _chinese(client_as(cast.community_worker))
    ranking = ask(client, "assessments", level="grid_worker", format="xlsx")
    book = load_workbook(io.BytesIO(ranking.content))
    assert [c.value for c in book.worksheets[0][1]][:4] == ["名次", "名称", "得分", "等级"]
    cases = ask(client, "cases", metric="reported", format="csv")
    assert cases.content.startswith(b"\xef\xbb\xbf")
    assert cases.content.decode("utf-8-sig").startswith("案件编号")

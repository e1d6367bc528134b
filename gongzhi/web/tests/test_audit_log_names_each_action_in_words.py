"""The audit log names each action in words, never by its code: a case's steps read as its
timeline does, and every action the code records has a name."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from shapely.geometry import shape

from gongzhi.cases import actions
from gongzhi.cases.models import Category
from gongzhi.conftest import Cast
from gongzhi.people.models import User
from gongzhi.web.views import AUDIT_ACTION_LABELS

SignIn = Callable[[User], Client]
ROOT = Path(__file__).resolve().parents[2]


def _recorded_actions() -> set[str]:
    """Every action code passed to `audit.record(actor, "app.verb", …)` outside the tests."""
    codes: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func).endswith("record")
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)
            ):
                codes.add(node.args[1].value)
    return codes


def test_every_action_the_code_records_has_a_name() -> None:
    recorded = _recorded_actions()
    assert "cases.report" in recorded and "people.assign_role" in recorded  # the scan sees them
    assert sorted(recorded - set(AUDIT_ACTION_LABELS)) == []


@pytest.mark.django_db
def test_a_case_confirmed_shows_in_the_log_as_confirmed_not_as_its_code(
    client_as: SignIn, cast: Cast
) -> None:
    actions.load_default_categories()
    assert cast.grid.boundary is not None
    point = shape(cast.grid.boundary).representative_point()
    case = actions.report(
        cast.resident,
        category=Category.objects.get(name="物业纠纷"),
        description="电梯坏了",
        lat=point.y,
        lng=point.x,
    ).case
    actions.confirm(cast.grid_worker, case.pk)
    page = client_as(cast.command_centre).get("/audit/").content.decode()
    shown = re.sub(r"<[^>]+>", " ", page)  # what a reader sees, without the tags' attributes
    # (the web tests' client reads English; the Chinese catalogue is checked for completeness)
    assert "Confirmed on checking" in shown
    assert "cases.confirm" not in shown

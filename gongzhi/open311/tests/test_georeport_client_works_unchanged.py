"""The outside client: PyPI's `georeport` 0.3.1, unmodified, in its own virtual environment (it
pins xmltodict<0.15), reads services, a service definition, a filtered search and single requests
from a live gongzhi, in JSON and in XML, and gets the cases we made."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from gongzhi.cases import actions
from gongzhi.cases.models import Case
from gongzhi.conftest import Cast
from gongzhi.open311.actions import load_defaults

from .conftest import report

GEOREPORT = "georeport==0.3.1"
CLIENT = Path(__file__).with_name("georeport_client.py")


def georeport_python() -> Path:
    """var/georeport-venv with georeport installed from PyPI: made once, reused after."""
    venv = Path(settings.VAR_DIR) / "georeport-venv"
    python = venv / "bin" / "python"
    ready = venv / f".{GEOREPORT}"
    with open(Path(settings.VAR_DIR) / "georeport-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one pytest process builds it, others wait
        if not (ready.exists() and python.exists()):
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [
                    str(python),
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    GEOREPORT,
                ],
                check=True,
            )
            ready.touch()
    return python


def run_client(root: str, fmt: str, code: str, numbers: list[str]) -> dict[str, Any]:
    now = timezone.localtime()
    start = (now - dt.timedelta(days=10)).isoformat(timespec="seconds")
    end = (now + dt.timedelta(days=1)).isoformat(timespec="seconds")
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    done = subprocess.run(
        [str(georeport_python()), str(CLIENT), root, fmt, code, start, end, ",".join(numbers)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def as_list(value: Any) -> list[Any]:
    """xmltodict gives one repeated element as a dict, several as a list."""
    return value if isinstance(value, list) else [value]


@pytest.mark.django_db(transaction=True)
def test_georeport_reads_gongzhi_in_json_and_xml(live_server: Any, cast: Cast) -> None:
    actions.load_default_categories()
    load_defaults()  # the shipped Open311 settings, as `manage.py open311_defaults` gives them
    parked = report(cast, "违法停车", "白色轿车堵住消防通道")
    parked_again = report(cast, "违法停车", "货车占用人行道", grid=cast.other_grid)
    rubbish = report(cast, "环境卫生差", "垃圾堆积")
    actions.decline(cast.grid_worker, rubbish.pk, reason="已由物业清理")
    hidden = report(cast, "违法停车", "不公开")
    Case.objects.filter(pk=hidden.pk).update(is_public=False)
    root = f"{live_server.url}/open311/v2"
    numbers = [parked.number, rubbish.number]

    as_json = run_client(root, "json", "E0401", numbers)
    services = {s["service_code"]: s for s in as_json["services"]}
    assert services["E0401"]["service_name"] == "违法停车"
    assert services["E0401"]["metadata"] is True and services["E0603"]["type"] == "batch"
    assert as_json["definition"]["service_code"] == "E0401"
    assert [a["code"] for a in as_json["definition"]["attributes"]] == ["VEHICLE", "PLATE"]
    assert [r["service_request_id"] for r in as_json["search"]] == [
        parked_again.number,
        parked.number,
    ]
    assert [r["service_request_id"] for r in as_json["closed"]] == [rubbish.number]
    assert as_json["closed"][0]["status_notes"] == "已由物业清理"
    assert sorted(r["service_request_id"] for r in as_json["by_ids"]) == sorted(numbers)
    one = as_json["one"]
    assert one["service_request_id"] == parked.number
    assert one["description"] == "白色轿车堵住消防通道"
    assert one["status"] == "open" and one["service_code"] == "E0401"
    assert one["requested_datetime"].endswith("+08:00")

    as_xml = run_client(root, "xml", "E0401", numbers)
    xml_services = {s["service_code"]: s for s in as_xml["services"]}
    assert xml_services.keys() == services.keys()
    assert xml_services["E0401"]["service_name"] == "违法停车"
    assert xml_services["E0401"]["metadata"] == "true"
    attributes = as_list(as_xml["definition"]["attributes"]["attribute"])
    assert [a["code"] for a in attributes] == ["VEHICLE", "PLATE"]
    assert [v["key"] for v in attributes[0]["values"]["value"]] == [
        "car",
        "truck",
        "e_bike",
        "other",
    ]
    assert [r["service_request_id"] for r in as_list(as_xml["search"])] == [
        parked_again.number,
        parked.number,
    ]
    assert [r["service_request_id"] for r in as_list(as_xml["closed"])] == [rubbish.number]
    assert sorted(r["service_request_id"] for r in as_list(as_xml["by_ids"])) == sorted(numbers)
    xml_one = as_xml["one"]
    assert xml_one["service_request_id"] == parked.number
    for field, value in one.items():
        expected = None if value is None else str(value)
        assert xml_one[field] == expected, field

"""Under production settings (DEBUG=false) the static files collect into a manifest, and the pages
a person opens first answer 200 with their assets, from a real server process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def production(tmp_path: Path) -> Iterator[str]:
    """collectstatic and migrate as an operator would, then Django's server with DEBUG off."""
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "production-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gongzhi.sqlite3'}",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["collectstatic", "--noinput", "-v0"], ["migrate", "--noinput", "-v0"]):
        done = subprocess.run(
            [*manage, *command], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(url: str) -> tuple[int, str]:
    """As the load balancer asks, having ended TLS (production settings redirect plain HTTP)."""
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def test_the_login_page_echo_wall_and_open311_answer_with_hashed_assets(production: str) -> None:
    status, page = _get(production + "/login/")
    assert status == 200, page[:500]
    assert "登录" in page
    # The manifest names each asset by its content hash, and the asset is served.
    css = next(part.split('"')[0] for part in page.split('href="/static/')[1:] if ".css" in part)
    assert css.count(".") >= 2, css  # bootstrap.min.<hash>.css
    assert _get(production + "/static/" + css)[0] == 200
    assert _get(production + "/echo-wall/")[0] in (200, 302)
    assert _get(production + "/open311/v2/services.json")[0] == 200

"""Shared helpers of the benchmarks: throwaway PostgreSQL databases, Django set-up, figures.

The benchmarks that need PostgreSQL make their own database (its name must start with
`gongzhi_bench_`), migrate it, load a district into it, and drop it at the end. Nothing here ever
touches another database.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
# The server to make the throwaway databases on: a superuser's URL to its maintenance database.
ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BENCH_PREFIX = "gongzhi_bench_"
_SAFE_NAME = re.compile(r"^gongzhi_bench_[a-z0-9_]{1,40}$")


def database_url(name: str, admin_url: str = ADMIN_URL) -> str:
    """The admin URL with its database replaced by `name`."""
    parts = urlsplit(admin_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _check_name(name: str) -> None:
    if not _SAFE_NAME.match(name):
        raise SystemExit(f"refusing database {name!r}: bench databases are named {BENCH_PREFIX}…")


def _host_is_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing {host!r}: the benchmarks only talk to 127.0.0.1")


def database_exists(name: str, admin_url: str = ADMIN_URL) -> bool:
    _check_name(name)
    _host_is_loopback(admin_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def create_database(name: str, admin_url: str = ADMIN_URL) -> str:
    """(Re)create the throwaway database `name`; returns its URL."""
    drop_database(name, admin_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return database_url(name, admin_url)


def drop_database(name: str, admin_url: str = ADMIN_URL) -> None:
    """Drop the throwaway database `name` if it exists (closing the benchmark's own sessions)."""
    _check_name(name)
    _host_is_loopback(admin_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def setup_django(
    db_url: str, *, debug: bool = True, extra_env: dict[str, str] | None = None
) -> None:
    """Point Django's settings at `db_url` and set it up (once per process)."""
    _host_is_loopback(db_url)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = db_url
    os.environ["DEBUG"] = "true" if debug else "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    os.environ.update(extra_env or {})
    import django

    django.setup()


def migrate() -> float:
    """Migrate the current database; returns the seconds it took."""
    from django.core.management import call_command

    t = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    return time.perf_counter() - t


def seed_district(seed: int = 2026) -> str:
    """Load the demo district (双滦区: 401 grids, departments, people in every role, the default
    categories with their rules), as `manage.py seed_demo` does. Returns a one-line summary."""
    from django.conf import settings
    from django.utils import translation

    from gongzhi.demo import district as demo

    translation.activate(settings.LANGUAGE_CODE)
    t = time.perf_counter()
    r = demo.seed(seed)
    return (
        f"district: {r.grids} grids, {r.residents:,} residents, {r.organisations:,} organisations "
        f"(seeded in {time.perf_counter() - t:.1f} s)"
    )


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100) by linear interpolation between the nearest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def latency_summary(seconds: Sequence[float]) -> str:
    """p50 / p95 / p99 / max of durations given in seconds, printed in milliseconds."""
    return (
        f"p50 {percentile(seconds, 50) * 1000:.1f} ms, p95 {percentile(seconds, 95) * 1000:.1f} ms, "
        f"p99 {percentile(seconds, 99) * 1000:.1f} ms, max {max(seconds) * 1000:.1f} ms"
    )


def median_ms(seconds: Sequence[float]) -> float:
    return statistics.median(seconds) * 1000


@contextmanager
def timed(label: str) -> Iterator[None]:
    """Print how long the block took."""
    t = time.perf_counter()
    yield
    print(f"{label}: {time.perf_counter() - t:.1f} s", flush=True)


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used, all its threads; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU used during a phase by the server processes, by the PostgreSQL backends serving the
    bench database, and by this process (the clients). On a machine shared with other work the
    rates move with the load, but the CPU each report costs hardly does."""

    def __init__(self, db_name: str, server_pids: Sequence[int] = (), admin_url: str = ADMIN_URL):
        self.db_name = db_name
        self.server_pids = list(server_pids)
        self.admin_url = admin_url
        self._start: dict[str, float] = {}
        self._backends: dict[int, float] = {}
        self.server = self.database = self.client = 0.0

    def _backend_cpu(self) -> dict[int, float]:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.db_name]
            ).fetchall()
        found = {pid: process_cpu(pid) for (pid,) in rows}
        return {pid: cpu for pid, cpu in found.items() if cpu is not None}

    def start(self) -> None:
        self._backends = self._backend_cpu()
        self._start = {
            "server": sum(process_cpu(p) or 0.0 for p in self.server_pids),
            "client": time.process_time(),
        }

    def stop(self) -> None:
        """Backends that began during the phase count whole; any that ended during it are lost."""
        self.server = sum(process_cpu(p) or 0.0 for p in self.server_pids) - self._start["server"]
        self.client = time.process_time() - self._start["client"]
        self.database = sum(
            cpu - self._backends.get(pid, 0.0) for pid, cpu in self._backend_cpu().items()
        )

    def per(self, n: int) -> str:
        if n <= 0:
            return "-"
        parts = [
            (name, seconds)
            for name, seconds in (
                ("server", self.server),
                ("PostgreSQL", self.database),
                ("client", self.client),
            )
            if seconds > 0 or name != "server" or self.server_pids
        ]
        total = sum(seconds for _n, seconds in parts)
        detail = ", ".join(f"{name} {seconds * 1000 / n:.1f}" for name, seconds in parts)
        return f"{total * 1000 / n:.1f} ms ({detail})"

    def work_per(self, n: int) -> float:
        """CPU seconds per item of the system under test: the servers and PostgreSQL when there
        are servers (the clients stand for phones elsewhere), else this process and PostgreSQL."""
        if n <= 0:
            return float("nan")
        mine = self.server if self.server_pids else self.client
        return (mine + self.database) / n


def load() -> str:
    """The load average: other work on the machine skews the figures."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f}"


def machine(admin_url: str = ADMIN_URL) -> str:
    """One line about where the figures come from."""
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        synchronous = conn.execute("SHOW synchronous_commit").fetchone()
    pg = row[0].split()[0] if row else "?"
    sync = synchronous[0] if synchronous else "?"
    return (
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {mem_gb:.0f} GB, "
        f"Python {platform.python_version()}, PostgreSQL {pg} (synchronous_commit={sync}); {load()}"
    )

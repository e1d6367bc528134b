"""Intake benchmark: reports/s and latency through HTTP on PostgreSQL, against the direct-insert limit.

On a throwaway database (`gongzhi_bench_intake`) holding the demo district, it starts real HTTP
servers on 127.0.0.1 (subprocesses of this script: Django's threaded stdlib WSGI server with
keep-alive, DEBUG off, the whole middleware stack; one port each) and drives them with N client
threads, each a logged-in resident on its own keep-alive connection. Each report is a description,
a category and a position inside a random grid of the district, with its own idempotency key,
posted as the report page's form posts it (multipart/form-data, CSRF token, session cookie; no
photos) to gongzhi's report page, /report/ — or, where there is none, to a bench-only endpoint,
/bench/report/, that calls `report()` the same way. Then, with the same payloads, concurrency and
bounds:
  - HTTP floor: the same posts to /bench/floor/, which loads the session and the user and answers
    at once: what HTTP and Django cost before any report is made;
  - in-process: `gongzhi.cases.actions.report()` called from threads, without HTTP;
  - direct (the limit): the case row, its `report` timeline row, the audit row and the counter
    upsert, written with psycopg in one transaction per report.
Each phase prints reports/s, latency percentiles and the CPU one report costs (servers or this
process, and the PostgreSQL backends), which stays meaningful when other work shares the machine.

Run: DEBUG=true .venv/bin/python bench/intake.py [--reports 2000] [--seconds 60] [--clients 8]
     [--procs 2] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import types
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    ADMIN_URL,
    CpuMeter,
    create_database,
    database_exists,
    database_url,
    drop_database,
    latency_summary,
    load,
    machine,
    migrate,
    percentile,
    seed_district,
    setup_django,
)

DB_NAME = "gongzhi_bench_intake"
REPORT_PATH = "/bench/report/"
FLOOR_PATH = "/bench/floor/"
# The servers (and this process, which makes their sessions) run with DEBUG off and these settings.
SERVER_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-intake-not-a-secret-7c1e0f4b9a2d4e6f8a0b1c2d3e4f5a6b",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
    "LOG_LEVEL": "WARNING",
}
PHRASES = (
    "门口有车辆长期停放，堵住了消防通道，希望尽快处理",
    "小区东门附近路灯不亮已经三天，晚上出行很不方便",
    "楼下垃圾堆放多日没有清运，天热有异味，影响居民生活",
    "人行道地砖松动破损，老人走路容易绊倒",
    "夜间施工噪音很大，影响休息，请相关部门核查",
    "楼道里堆满杂物，存在消防隐患",
    "路边井盖缺失，车辆和行人通过有危险",
    "有人在绿地里私自搭建棚子，占用公共空间",
    "小广告贴满了单元门和电线杆，清理后又有新的",
    "楼上漏水到我家天花板，物业一直没有处理",
)


# ---------------------------------------------------------------------------------------------
# The server side: `intake.py serve` (a subprocess started by the benchmark).
# ---------------------------------------------------------------------------------------------


def _bench_report_view(request: Any) -> Any:
    """POST /bench/report/: a form post that calls report() for the logged-in user."""
    from django.http import HttpResponse, HttpResponseRedirect
    from django.urls import reverse

    from gongzhi.cases.actions import report
    from gongzhi.cases.models import Category
    from gongzhi.core.errors import ActionError

    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        category = Category.objects.get(pk=int(request.POST["category"]))
        result = report(
            request.user,
            category=category,
            description=request.POST.get("description", ""),
            lat=request.POST.get("lat"),
            lng=request.POST.get("lng"),
            idempotency_key=request.POST.get("idempotency_key", ""),
        )
    except (KeyError, ValueError, Category.DoesNotExist):
        return HttpResponse("bad form", status=400)
    except ActionError as exc:
        return HttpResponse(exc.message, status=exc.status)
    return HttpResponseRedirect(reverse("cases:detail", args=[result.case.number]), status=303)


def _bench_floor_view(request: Any) -> Any:
    """POST /bench/floor/: the same form post, session and user, and no report: the HTTP floor."""
    from django.http import HttpResponse, HttpResponseRedirect

    if request.method != "POST" or not request.user.is_authenticated:
        return HttpResponse(status=403)
    return HttpResponseRedirect(f"/cases/{request.POST.get('idempotency_key', '')}/", status=303)


def serve() -> None:
    """Serve gongzhi plus the bench endpoint on a free port of 127.0.0.1 until terminated."""
    setup_django(os.environ["DATABASE_URL"], debug=False, extra_env=SERVER_ENV)
    from django.conf import settings
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.db import connections
    from django.urls import include, path

    from gongzhi.cases.duplicates import tokens
    from gongzhi.places.locator import grid_index

    urls = types.ModuleType("bench_intake_urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path(REPORT_PATH.strip("/") + "/", _bench_report_view),
        path(FLOOR_PATH.strip("/") + "/", _bench_floor_view),
        path("", include("gongzhi.urls")),
    ]
    sys.modules[urls.__name__] = urls
    settings.ROOT_URLCONF = urls.__name__
    # Pages that fail render templates; without `collectstatic` the manifest storage of DEBUG off
    # would turn those into 500s, so the servers use the plain storage (no effect on reports).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    class QuietHandler(WSGIRequestHandler):
        def setup(self) -> None:
            super().setup()
            # The standard-library server writes a response's headers and body separately. With
            # Nagle's algorithm on, the body then waits for the client's delayed ACK (40 ms on
            # Linux) on every keep-alive request; production servers turn it off, and so does this.
            sock = cast(socket.socket, self.request)  # the stubs call it a WSGIRequest
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    # Load what the first request would otherwise load: jieba's dictionary, the grid index.
    tokens("预热分词词典")
    grid_index()
    connections.close_all()
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.daemon_threads = True
    server.set_app(get_wsgi_application())
    print(f"ready {server.server_port}", flush=True)
    server.serve_forever()


@dataclass
class Server:
    proc: subprocess.Popen[str]
    port: int
    log: IO[str]


def start_servers(n: int, db_url: str) -> list[Server]:
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": db_url}
    servers: list[Server] = []
    for _ in range(n):
        log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed in stop_servers)
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "serve"],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()  # blocks until the server is listening
        if not line.startswith("ready "):
            proc.kill()
            proc.wait()
            log.seek(0)
            message = log.read()[-3000:]
            log.close()
            stop_servers(servers)
            raise SystemExit(f"the server did not start:\n{message}")
        servers.append(Server(proc, int(line.split()[1]), log))
    return servers


def stop_servers(servers: list[Server]) -> None:
    for s in servers:
        s.proc.terminate()
    for s in servers:
        try:
            s.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            s.proc.kill()
            s.proc.wait()
        s.log.seek(0)
        errors = s.log.read().strip()
        if errors:
            print(f"server {s.port} wrote to stderr:\n{errors[-2000:]}")
        s.log.close()


# ---------------------------------------------------------------------------------------------
# The client side.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryInfo:
    pk: int
    kind: str
    rule_id: int
    name: str


@dataclass(frozen=True)
class Payload:
    category: CategoryInfo
    description: str
    tokens: str
    grid_code: str
    lat: float
    lng: float
    key: str


@dataclass
class Pool:
    """What the payloads are drawn from."""

    categories: list[CategoryInfo]
    points: list[tuple[str, float, float]]  # grid code, lat, lng
    # category id → (description, its jieba tokens as report() stores them, for the direct path)
    descriptions: dict[int, list[tuple[str, str]]]

    def draw(self, rng: random.Random) -> Payload:
        category = rng.choice(self.categories)
        code, lat, lng = rng.choice(self.points)
        text, toks = rng.choice(self.descriptions[category.pk])
        return Payload(category, text, toks, code, lat, lng, uuid.uuid4().hex)


def build_pool(points_per_grid: int, seed: int) -> Pool:
    from shapely import Point
    from shapely.geometry import shape

    from gongzhi.cases.actions import rule_in_force
    from gongzhi.cases.duplicates import tokens
    from gongzhi.cases.models import Category
    from gongzhi.places.models import Grid

    rng = random.Random(seed)
    categories = [
        CategoryInfo(c.pk, c.kind, rule_in_force(c).pk, c.name)
        for c in Category.objects.filter(parent__isnull=False, is_active=True).order_by("pk")
    ]
    points: list[tuple[str, float, float]] = []
    for code, boundary in Grid.objects.filter(boundary__isnull=False).values_list(
        "code", "boundary"
    ):
        assert boundary is not None
        polygon = shape(boundary)
        x0, y0, x1, y1 = polygon.bounds
        found = 0
        while found < points_per_grid:
            lng, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
            if polygon.contains(Point(lng, lat)):
                points.append((code, lat, lng))
                found += 1
    descriptions = {
        info.pk: [
            (f"{info.name}：{p}", " ".join(sorted(tokens(f"{info.name}：{p}")))[:500])
            for p in PHRASES
        ]
        for info in categories
    }
    return Pool(categories, points, descriptions)


@dataclass
class Outcome:
    label: str
    ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    meter: CpuMeter | None = None

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def print(self) -> None:
        print(
            f"{self.label}: {self.ok:,} reports in {self.seconds:.1f} s → {self.rate:,.1f} reports/s; "
            f"latency {latency_summary(self.latencies) if self.latencies else '-'}",
            flush=True,
        )
        if self.meter is not None:
            print(f"  CPU per report: {self.meter.per(self.ok)}")
        for what, n in self.errors.most_common(5):
            print(f"  ! {n} × {what}")


def drive(
    label: str,
    clients: int,
    total: int,
    seconds: float,
    pool: Pool,
    one: Callable[[int, Payload], str | None],
    *,
    setup: Callable[[int], None] | None = None,
    teardown: Callable[[int], None] | None = None,
    meter: CpuMeter | None = None,
) -> Outcome:
    """Run `one(worker, payload)` from `clients` threads until `total` are done or `seconds` pass.
    `one` returns None on success or a short description of the failure."""
    outcome = Outcome(label, meter=meter)
    tickets = itertools.count()
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    done_gate = threading.Barrier(clients + 1)  # all stopped: the meter reads the CPU used
    release_gate = threading.Barrier(clients + 1)  # then the workers close their connections
    deadline = [0.0]

    def worker(i: int) -> None:
        rng = random.Random(i * 7919 + total)
        mine: list[float] = []
        errs: Counter[str] = Counter()
        if setup is not None:
            setup(i)
        start_gate.wait()
        try:
            while next(tickets) < total and time.perf_counter() < deadline[0]:
                payload = pool.draw(rng)
                t = time.perf_counter()
                try:
                    failure = one(i, payload)
                except Exception as exc:  # a failed request is counted, not fatal
                    failure = f"{type(exc).__name__}: {exc}"[:200]
                if failure is None:
                    mine.append(time.perf_counter() - t)
                else:
                    errs[failure] += 1
        finally:
            with lock:
                outcome.latencies.extend(mine)
                outcome.errors.update(errs)
            done_gate.wait()
            release_gate.wait()
            if teardown is not None:
                teardown(i)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    if meter is not None:
        meter.start()
    deadline[0] = float("inf")  # until all are ready
    start_gate.wait()
    began = time.perf_counter()
    deadline[0] = began + seconds
    done_gate.wait()
    outcome.seconds = time.perf_counter() - began
    if meter is not None:
        meter.stop()
    release_gate.wait()
    for t in threads:
        t.join()
    outcome.ok = len(outcome.latencies)
    return outcome


@dataclass
class HttpClient:
    """One client: a resident's session on one keep-alive connection."""

    port: int
    session: str
    path: str
    csrf: str = field(default_factory=lambda: secrets.token_hex(16))  # 32 characters
    conn: http.client.HTTPConnection | None = None

    def post(self, p: Payload) -> str | None:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        # As the report page's form sends it (multipart/form-data), without photos.
        boundary = f"----gongzhibench{p.key}"
        fields = {
            "csrfmiddlewaretoken": self.csrf,
            "idempotency_key": p.key,
            "category": str(p.category.pk),
            "description": p.description,
            "address": "",
            "lat": f"{p.lat:.7f}",
            "lng": f"{p.lng:.7f}",
        }
        body = (
            "".join(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                for k, v in fields.items()
            )
            + f"--{boundary}--\r\n"
        )
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": f"sessionid={self.session}; csrftoken={self.csrf}",
            "X-CSRFToken": self.csrf,
        }
        try:
            self.conn.request("POST", self.path, body.encode(), headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        if response.status in (302, 303):  # to the page that shows the new case number
            return None
        return f"HTTP {response.status}: {content[:160].decode(errors='replace')}"


def make_sessions(users: list[Any]) -> list[str]:
    """A logged-in session for each user, as the login page would make it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "gongzhi.people.auth.PhoneOrUsernameBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        assert store.session_key is not None
        keys.append(store.session_key)
    return keys


def statements_of_one_report(resident: Any, pool: Pool) -> str:
    """The SQL one report() makes, grouped by kind and table: where the time of the action goes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.cases.actions import report
    from gongzhi.cases.models import Category

    p = pool.draw(random.Random(1))
    category = Category.objects.get(pk=p.category.pk)
    with CaptureQueriesContext(connection) as ctx:
        report(
            resident,
            category=category,
            description=p.description,
            lat=p.lat,
            lng=p.lng,
            idempotency_key=p.key,
        )
    kinds: Counter[str] = Counter()
    for q in ctx.captured_queries:
        words = q["sql"].replace('"', "").split()
        verb = words[0].upper()
        table = ""
        for marker in ("INTO", "FROM", "UPDATE"):
            if marker in (w.upper() for w in words):
                idx = [w.upper() for w in words].index(marker)
                table = words[idx + 1] if idx + 1 < len(words) else ""
                break
        kinds[f"{verb} {table}".strip()] += 1
    detail = ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in kinds.most_common())
    return f"{len(ctx.captured_queries)} statements: {detail}"


# ---------------------------------------------------------------------------------------------
# The limit: the same rows INSERTed directly with psycopg.
# ---------------------------------------------------------------------------------------------


def insert_statement(
    model: Any, row: set[str], expressions: dict[str, str], prefix: str = "", returning: str = ""
) -> tuple[str, dict[str, Any]]:
    """INSERT of every column of `model` but its id: `expressions` as given, the columns in `row`
    as named parameters, the others with the model's defaults (so the statement follows the schema
    as it changes). Returns the SQL and the parameters of the defaults."""
    from django.db import connection

    columns, values, defaults = [], [], {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(connection.ops.quote_name(f.column))
        if f.column in expressions:
            values.append(expressions[f.column])
            continue
        values.append(f"%({f.column})s")
        if f.column not in row:
            defaults[f.column] = f.get_db_prep_save(f.get_default(), connection)
    table = connection.ops.quote_name(model._meta.db_table)
    if prefix:  # INSERT … SELECT from a CTE named n (the new id)
        sql = f"{prefix} INSERT INTO {table} (id, {', '.join(columns)}) SELECT n.id, {', '.join(values)} FROM n"
    else:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)})"
    return sql + (f" RETURNING {returning}" if returning else ""), defaults


@dataclass(frozen=True)
class DirectStatements:
    case: str
    case_defaults: dict[str, Any]
    step: str
    step_defaults: dict[str, Any]
    audit: str
    audit_defaults: dict[str, Any]
    counter: str


CASE_ROW = {
    "kind",
    "category_id",
    "rule_id",
    "source",
    "status",
    "description",
    "lat",
    "lng",
    "grid_code",
    "reporter_id",
    "tier",
    "assigned_scope",
    "step_started_at",
    "step_due_at",
    "step_clock",
    "tokens",
    "reported_at",
    "updated_at",
}
STEP_ROW = {
    "case_id",
    "action",
    "actor_id",
    "at",
    "from_status",
    "to_status",
    "note",
    "unit",
    "data",
}
AUDIT_ROW = {
    "at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "scope_code",
    "channel",
    "summary",
}


def direct_statements() -> DirectStatements:
    """The statements of the direct path, from the models: case, its `report` step, the audit
    entry, and the counter upsert as `insights.counters.bump` makes it."""
    from django.db import connection

    from gongzhi.cases.models import Case, CaseStep
    from gongzhi.core.models import AuditEntry
    from gongzhi.insights.models import METRICS, CaseCounter

    table = Case._meta.db_table
    case, case_defaults = insert_statement(
        Case,
        CASE_ROW,
        {"number": "%(day)s || lpad(n.id::text, 7, '0')"},
        prefix=f"WITH n AS (SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id)",
        returning="id, number",
    )
    step, step_defaults = insert_statement(CaseStep, STEP_ROW, {})
    audit, audit_defaults = insert_statement(AuditEntry, AUDIT_ROW, {})
    counter = connection.ops.quote_name(CaseCounter._meta.db_table)
    others = [m for m in METRICS if m != "reported"]
    upsert = (
        f"INSERT INTO {counter} (day, grid_code, category_id, unit, reported, {', '.join(others)}) "
        f"VALUES (%s, %s, %s, %s, 1{', 0' * len(others)}) "
        f"ON CONFLICT (day, grid_code, category_id, unit) DO UPDATE SET "
        f"reported = {counter}.reported + EXCLUDED.reported"
    )
    return DirectStatements(case, case_defaults, step, step_defaults, audit, audit_defaults, upsert)


def direct_phase(
    label: str,
    db_url: str,
    clients: int,
    total: int,
    seconds: float,
    pool: Pool,
    users: list[Any],
    meter: CpuMeter | None = None,
) -> Outcome:
    import psycopg
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    st = direct_statements()
    conns: list[psycopg.Connection[Any]] = [psycopg.connect(db_url) for _ in range(clients)]

    def one(i: int, p: Payload) -> str | None:
        now = timezone.now()
        local = timezone.localtime(now)
        unit = f"grid:{p.grid_code}"
        reporter = users[i].pk
        conn = conns[i]
        with conn.transaction():
            row = conn.execute(
                st.case,
                {
                    **st.case_defaults,
                    "day": f"{local:%Y%m%d}",
                    "kind": p.category.kind,
                    "category_id": p.category.pk,
                    "rule_id": p.category.rule_id,
                    "source": "resident_app",
                    "status": "reported",
                    "description": p.description,
                    "lat": p.lat,
                    "lng": p.lng,
                    "grid_code": p.grid_code,
                    "reporter_id": reporter,
                    "tier": "grid",
                    "assigned_scope": p.grid_code,
                    "step_started_at": now,
                    "step_due_at": now + dt.timedelta(hours=4),
                    "step_clock": "office_hours",
                    "tokens": p.tokens,
                    "reported_at": now,
                    "updated_at": now,
                },
            ).fetchone()
            assert row is not None
            case_id, number = row
            conn.execute(
                st.step,
                {
                    **st.step_defaults,
                    "case_id": case_id,
                    "action": "report",
                    "actor_id": reporter,
                    "at": now,
                    "from_status": "",
                    "to_status": "reported",
                    "note": p.description[:200],
                    "unit": unit,
                    "data": Jsonb({"source": "resident_app"}),
                },
            )
            conn.execute(
                st.audit,
                {
                    **st.audit_defaults,
                    "at": now,
                    "actor_id": reporter,
                    "action": "cases.report",
                    "object_type": "cases.case",
                    "object_id": str(case_id),
                    "scope_code": p.grid_code,
                    "channel": "web",
                    "summary": number,
                },
            )
            conn.execute(st.counter, [local.date(), p.grid_code, p.category.pk, unit])
        return None

    try:
        return drive(label, clients, total, seconds, pool, one, meter=meter)
    finally:
        for c in conns:
            c.close()


def inprocess_phase(
    label: str,
    clients: int,
    total: int,
    seconds: float,
    pool: Pool,
    users: list[Any],
    meter: CpuMeter | None = None,
) -> Outcome:
    from django.db import connection

    from gongzhi.cases.actions import report
    from gongzhi.cases.models import Category
    from gongzhi.people.models import User

    categories = {c.pk: c for c in Category.objects.filter(parent__isnull=False)}

    def one(i: int, p: Payload) -> str | None:
        # A fresh user object per report, as each request loads it (memberships are cached on it).
        actor = User.objects.get(pk=users[i].pk)
        report(
            actor,
            category=categories[p.category.pk],
            description=p.description,
            lat=p.lat,
            lng=p.lng,
            idempotency_key=p.key,
        )
        return None

    def teardown(i: int) -> None:
        connection.close()

    return drive(label, clients, total, seconds, pool, one, teardown=teardown, meter=meter)


# ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=2000, help="reports per phase (at most)")
    parser.add_argument("--seconds", type=float, default=60, help="seconds per phase (at most)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument(
        "--procs", type=int, default=2, help="server processes (threaded, one port each)"
    )
    parser.add_argument("--warmup", type=int, default=100, help="untimed reports before each run")
    parser.add_argument(
        "--path",
        default="auto",
        help=f"the URL the form is posted to (auto: the report page if there is one, else {REPORT_PATH})",
    )
    parser.add_argument("--no-inprocess", action="store_true", help="skip the in-process phase")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DB_NAME}")
    parser.add_argument(
        "--reuse", action="store_true", help=f"run on {DB_NAME} as kept by an earlier --keep"
    )
    args = parser.parse_args()
    if args.reports < 1 or args.clients < 1 or args.procs < 1 or args.seconds <= 0:
        parser.error("counts and seconds must be positive")

    print(f"machine: {machine()}")
    reuse = args.reuse and database_exists(DB_NAME)
    db_url = database_url(DB_NAME) if reuse else create_database(DB_NAME)
    try:
        setup_django(db_url, debug=False, extra_env=SERVER_ENV)
        if reuse:
            print(f"reusing {DB_NAME}")
        else:
            print(f"migrated {DB_NAME} in {migrate():.1f} s")
            print(seed_district())
        run(args, db_url)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"kept {database_url(DB_NAME, ADMIN_URL)}")
        else:
            drop_database(DB_NAME)


def run(args: argparse.Namespace, db_url: str) -> None:
    from django.db import connection

    from gongzhi.cases.models import Case
    from gongzhi.people.models import ResidentProfile

    pool = build_pool(points_per_grid=20, seed=1)
    residents = [
        p.user
        for p in ResidentProfile.objects.select_related("user").order_by("pk")[: args.clients]
    ]
    if len(residents) < args.clients:
        raise SystemExit(f"only {len(residents)} residents for {args.clients} clients")
    print(
        f"payloads: {len(pool.categories)} categories, {len(pool.points):,} positions in "
        f"{len({p[0] for p in pool.points})} grids; {args.clients} residents report"
    )
    print(f"one report(): {statements_of_one_report(residents[0], pool)}")
    connection.close()

    if args.path == "auto":
        from django.urls import NoReverseMatch, reverse

        try:
            args.path = reverse("cases:report")
        except NoReverseMatch:
            args.path = REPORT_PATH
    bounds = f"{args.reports:,} reports or {args.seconds:.0f} s, {args.clients} clients"
    results: list[tuple[str, Outcome]] = []

    servers = start_servers(args.procs, db_url)
    try:
        ports = [s.port for s in servers]
        sessions = make_sessions(residents)
        connection.close()
        clients = [
            HttpClient(ports[i % len(ports)], sessions[i], args.path) for i in range(args.clients)
        ]

        def post(i: int, p: Payload) -> str | None:
            return clients[i].post(p)

        pids = [s.proc.pid for s in servers]
        drive("warm-up", args.clients, args.warmup, 60, pool, post).print()
        http_run = drive(
            f"HTTP POST {args.path} ({args.procs} server process(es), {bounds})",
            args.clients,
            args.reports,
            args.seconds,
            pool,
            post,
            meter=CpuMeter(DB_NAME, pids),
        )
        http_run.print()
        results.append(("HTTP", http_run))
        for c in clients:
            c.path = FLOOR_PATH
        floor = drive(
            f"HTTP floor: POST {FLOOR_PATH}, same form and session, no report ({bounds})",
            args.clients,
            args.reports,
            args.seconds,
            pool,
            post,
            meter=CpuMeter(DB_NAME, pids),
        )
        floor.print()
        results.append(("HTTP floor", floor))
        for c in clients:
            if c.conn is not None:
                c.conn.close()
    finally:
        stop_servers(servers)

    if not args.no_inprocess:
        warm = inprocess_phase("warm-up", args.clients, args.warmup, 60, pool, residents)
        warm.print()
        inproc = inprocess_phase(
            f"in-process report() (threads, no HTTP, {bounds})",
            args.clients,
            args.reports,
            args.seconds,
            pool,
            residents,
            meter=CpuMeter(DB_NAME),
        )
        inproc.print()
        results.append(("in-process", inproc))

    direct_phase("warm-up", db_url, args.clients, args.warmup, 60, pool, residents).print()
    direct = direct_phase(
        f"direct psycopg INSERTs (case + step + audit + counter, 1 transaction each, {bounds})",
        db_url,
        args.clients,
        args.reports,
        args.seconds,
        pool,
        residents,
        meter=CpuMeter(DB_NAME),
    )
    direct.print()
    results.append(("direct", direct))

    cores = os.cpu_count() or 1
    print()
    print(
        f"{'':<12}{'reports/s':>10}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'of direct':>10}"
        f"{'CPU ms/report':>15}{f'CPU-bound on {cores} cores':>24}"
    )
    for name, o in results:
        share = f"{o.rate / direct.rate:.0%}" if direct.rate else "-"
        work = o.meter.work_per(o.ok) if o.meter is not None else float("nan")
        print(
            f"{name:<12}{o.rate:>10.1f}{percentile(o.latencies, 50) * 1000:>8.1f}"
            f"{percentile(o.latencies, 95) * 1000:>8.1f}{percentile(o.latencies, 99) * 1000:>8.1f}"
            f"{share:>10}{work * 1000:>15.1f}{f'≤ {cores / work:,.0f}/s':>24}"
        )
    print(
        "(CPU ms/report: the servers' or this process's CPU plus PostgreSQL's, per report; the "
        "last column is what that CPU allows with nothing else running.)"
    )
    if direct.rate:
        verdict = "meets" if http_run.rate >= 0.4 * direct.rate else "misses"
        print(
            f"intake through HTTP = {http_run.rate / direct.rate:.0%} of the direct-insert rate "
            f"({verdict} the aim of ≥ 40 %)"
        )
    made = Case.objects.count()
    print(f"cases in the database: {made:,}; {load()}")
    connection.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve()
    else:
        main()

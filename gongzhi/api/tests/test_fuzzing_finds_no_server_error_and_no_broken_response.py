"""schemathesis against the served OpenAPI document, through the WSGI application in this process:
every operation, 25 examples each, positive and negative, sent with a real token (one of several
people, or none, chosen per example) and half of them aimed at real cases, errands, places,
categories, departments and summons duties, so that the actions run for real. No response may be
a 5xx, use an undocumented status, or break its documented schema or content type."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gongzhi.api.actions import issue_token
from gongzhi.api.tests.conftest import inside, move, report_as
from gongzhi.cases import actions
from gongzhi.cases.models import Case, Category, Status
from gongzhi.conftest import DISTRICT, YUXIANGYUAN, Cast
from gongzhi.wsgi import application

pytestmark = pytest.mark.django_db
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
MAX_EXAMPLES = 25
# The token is ours (see `run`): the generator leaves the Authorization header alone.
CONFIG = schemathesis.Config.from_dict(
    {"generation": {"mode": "all", "with-security-parameters": False}}
)


@dataclass
class World:
    """Real objects for the fuzzer to aim at, and tokens of people with different roles."""

    tokens: list[str | None]  # None: no token at all
    case_numbers: list[str]
    errand_numbers: list[str]
    place_codes: list[str]
    department_ids: list[int]
    duty_ids: list[int]
    position: tuple[float, float]
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def world(cast: Cast, categories: None, settings: Any) -> World:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    for name in ("API_RATE_READ", "API_RATE_WRITE", "API_RATE_ANONYMOUS", "API_RATE_BAD_TOKEN"):
        setattr(settings, name, None)
    numbers = []
    for status in (
        Status.REPORTED,
        Status.CONFIRMED,
        Status.REGISTERED,
        Status.HANDLING,
        Status.RESPONDED,
        Status.VERIFIED,
        Status.CLOSED,
    ):
        numbers.append(move(cast, report_as(cast.resident, cast), status).number)
    own = move(cast, report_as(cast.administrator, cast, "路灯不亮"), Status.CLOSED)
    numbers.append(own.number)
    handling = Case.objects.get(number=numbers[3])
    summons = actions.summon(cast.street_staff, handling.pk, departments=[cast.department], hours=4)
    errand = actions.request_errand(cast.resident, what="代办居住证明")
    taken = actions.request_errand(cast.resident, what="代缴水费")
    actions.take_errand(cast.grid_worker, taken.pk)
    people = [
        cast.administrator,
        cast.command_centre,
        cast.community_worker,
        cast.grid_worker,
        cast.resident,
        cast.department_staff,
    ]
    return World(
        tokens=[*(issue_token(None, p, name="fuzz").secret for p in people), None],
        case_numbers=numbers,
        errand_numbers=[errand.number, taken.number],
        place_codes=[DISTRICT, YUXIANGYUAN, cast.grid.code, cast.other_community_grid.code],
        department_ids=[cast.department.pk],
        duty_ids=[d.pk for d in summons.duties.all()],
        position=inside(cast.grid),
        extra={"category": Category.objects.get(name="物业纠纷")},
    )


@pytest.fixture
def in_process() -> Iterator[None]:
    """The WSGI application runs in this thread on the test's database connection, as with
    Django's test client: it must not close that connection at the start and end of a request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _pick(seed: int, salt: str, choices: list[Any]) -> Any:
    """A choice that depends only on the generated example, so that a failure replays."""
    return choices[zlib.crc32(f"{seed}:{salt}".encode()) % len(choices)]


def seed_of(case: Any) -> int:
    return zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode())


def aim(case: Any, world: World, seed: int) -> None:
    """Point about half the examples at real objects, so that the actions run for real."""
    real = seed % 2 == 0
    path = case.operation.path
    params = case.path_parameters or {}
    if real and "number" in params:
        pool = world.errand_numbers if path.startswith("/api/v1/errands") else world.case_numbers
        params["number"] = _pick(seed, "number", pool)
    if real and "code" in params and "/places/" in path:
        codes = world.place_codes if "divisions" in path else world.place_codes[2:]
        params["code"] = _pick(seed, "code", codes)[: 12 if "divisions" in path else None]
    if real and "code" in params and "/categories/" in path:
        params["kind"], params["code"] = "event", "0602"
    body = case.body
    if real and isinstance(body, dict):
        category = world.extra["category"]
        replacements = {
            "duplicate_of": _pick(seed, "dup", world.case_numbers),
            "unit": world.department_ids[0],
            "departments": world.department_ids,
            "duty": _pick(seed, "duty", world.duty_ids),
            "category": category.code,
            "kind": category.kind,
            "lat": world.position[0],
            "lng": world.position[1],
            "crs": "wgs84",
        }
        for key, value in replacements.items():
            if key in body:
                body[key] = value
    if real and isinstance(case.query, dict) and "grid" in case.query:
        case.query["grid"] = world.place_codes[2]


STATUSES: Counter[int] = Counter()


class Rollback(Exception):
    pass


def run(case: Any, world: World) -> None:
    seed = seed_of(case)
    token = _pick(seed, "token", world.tokens)
    aim(case, world, seed)
    # Each example starts from the same data: what it changes is rolled back.
    try:
        with transaction.atomic():
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            STATUSES[response.status_code] += 1
            raise Rollback
    except Rollback:
        pass


def test_every_operation_survives_fuzzing(world: World, in_process: None) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # every operation's definition is usable
        operations.append(result.ok())
    assert len(operations) >= 40
    STATUSES.clear()
    failures: list[str] = []
    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate, Phase.shrink],
        )
        @given(case=strategy)
        def fuzz(case: Any) -> None:
            run(case, world)

        try:
            fuzz()
        except Exception as exc:  # every operation is tried; all failures are reported at once
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    # The fuzzer reached the actions themselves, not only the validation in front of them.
    assert STATUSES[200] + STATUSES[201] > 50 and STATUSES[403] and STATUSES[409], STATUSES

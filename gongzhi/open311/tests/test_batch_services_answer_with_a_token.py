"""A batch service's POST returns a token at once; the case is made by a background task, and the
token then answers with its service_request_id."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from gongzhi.cases.models import Case, Source
from gongzhi.conftest import Cast
from gongzhi.open311.models import Open311Request

from .conftest import Key, Open311Client, errors, inside

pytestmark = pytest.mark.django_db


def _post_batch(o311: Open311Client, cast: Cast, key: Key, fmt: str = "json", **extra: Any) -> Any:
    lat, lng = inside(cast.grid)
    return o311.post(
        f"requests.{fmt}",
        {
            "api_key": key.raw,
            "service_code": "E0603",
            "lat": lat,
            "long": lng,
            "description": "老楼外墙脱落，希望纳入改造",
            **extra,
        },
    )


def test_a_batch_post_returns_a_token_and_the_queued_task_makes_the_case(
    o311: Open311Client, cast: Cast, key: Key, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_batch(o311, cast, key)
    assert response.status_code == 200, response.content
    [answer] = response.json()
    assert set(answer) == {"token", "service_notice", "account_id"}
    token = answer["token"]
    assert not Case.objects.exists()

    [waiting] = o311.get(f"tokens/{token}.json").json()
    assert waiting == {"service_request_id": None, "token": token}

    # The task waits in the database queue; run it as the worker would.
    [queued] = DBTaskResult.objects.filter(task_path__endswith=".make_case_for_token")
    assert (
        queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"]) == "created"
    )

    case = Case.objects.get()
    assert case.source == Source.OPEN311 and case.grid_code == cast.grid.code
    assert case.category.name == "旧房改造"
    [done] = o311.get(f"tokens/{token}.json").json()
    assert done == {"service_request_id": case.number, "token": token}
    root = o311.parse(o311.get(f"tokens/{token}.xml"))
    assert root.findtext("request/service_request_id") == case.number
    assert root.findtext("request/token") == token


def test_running_the_task_twice_makes_one_case(o311: Open311Client, cast: Cast, key: Key) -> None:
    from gongzhi.open311.tasks import make_case_for_token

    token = _post_batch(o311, cast, key).json()[0]["token"]
    record = Open311Request.objects.get(token=token)
    assert make_case_for_token.call(record.pk) == "created"
    record.state = Open311Request.State.PENDING
    record.case = None
    record.save()
    make_case_for_token.call(record.pk)
    assert Case.objects.count() == 1


def test_a_batch_post_outside_the_district_is_refused_at_once(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    response = _post_batch(o311, cast, key, lat="39.9", long="116.4")
    assert response.status_code == 400
    assert "outside every grid" in errors(response)[0]["description"]
    assert not Open311Request.objects.exists()


def test_an_unknown_token_is_404(o311: Open311Client, cast: Cast, key: Key) -> None:
    response = o311.get("tokens/nope.xml")
    assert response.status_code == 404 and errors(response)[0]["code"] == 404


def test_a_request_refused_in_the_background_says_why_through_its_token(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    from gongzhi.cases.models import Category
    from gongzhi.open311.tasks import make_case_for_token

    token = _post_batch(o311, cast, key).json()[0]["token"]
    Category.objects.filter(name="旧房改造").update(is_active=False)
    make_case_for_token.call(Open311Request.objects.get(token=token).pk)
    response = o311.get(f"tokens/{token}.json")
    assert response.status_code == 400
    assert errors(response)[0]["description"]

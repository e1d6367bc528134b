"""预约代办: a resident asks for an errand; a cadre or grid worker of that place takes it, does it
within the working days set and returns the result; the resident may cancel it before it is done."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.cases import actions, queries
from gongzhi.cases.models import Errand
from gongzhi.cases.tests.conftest import FakeNow, at, told
from gongzhi.conftest import Cast
from gongzhi.core.errors import ActionError, Conflict, NotAllowed
from gongzhi.core.models import AuditEntry, Notification

pytestmark = [pytest.mark.django_db]


def errand_state(errand: Errand) -> tuple[object, ...]:
    e = Errand.objects.get(pk=errand.pk)
    return (e.state, e.taker_id, e.due_at, e.result, AuditEntry.objects.count())


def test_an_errand_is_requested_taken_done_and_returned_to_the_resident(
    cast: Cast, now: FakeNow
) -> None:
    errand = actions.request_errand(
        cast.resident, what="代办老年优待证", details="本人腿脚不便", idempotency_key="e-1"
    )
    assert errand.state == Errand.State.REQUESTED
    assert errand.grid_code == cast.grid.code
    assert errand.number == f"D20260928{errand.pk:06d}"
    assert told(
        cast.grid_worker,
        "New errand %(number)s: %(what)s",
        number=errand.number,
        what="代办老年优待证",
    )
    assert not Notification.objects.filter(user=cast.other_grid_worker).exists()
    # A double click asks once.
    assert (
        actions.request_errand(cast.resident, what="代办老年优待证", idempotency_key="e-1")
        == errand
    )
    assert Errand.objects.count() == 1
    assert errand in queries.visible_errands(cast.grid_worker)
    assert errand not in queries.visible_errands(cast.other_community_worker)

    errand = actions.take_errand(cast.grid_worker, errand.pk, working_days=3)
    assert (errand.state, errand.taker, errand.taken_at) == (
        Errand.State.TAKEN,
        cast.grid_worker,
        at(2026, 9, 28, 10, 0),
    )
    # Three working days from Monday 9-28: 9-29, 9-30, and (after National Day) 10-08.
    assert errand.due_at == at(2026, 10, 8, 10, 0)
    assert told(
        cast.resident,
        "Errand %(number)s taken by %(name)s",
        number=errand.number,
        name=str(cast.grid_worker),
    )
    with pytest.raises(Conflict):
        actions.take_errand(cast.community_worker, errand.pk)

    now.set(at(2026, 10, 8, 9, 0))
    errand = actions.complete_errand(cast.grid_worker, errand.pk, result="优待证已办好，已送到家")
    assert (errand.state, errand.done_at) == (Errand.State.DONE, at(2026, 10, 8, 9, 0))
    assert told(cast.resident, "Errand %(number)s is done", number=errand.number)
    assert Notification.objects.filter(user=cast.resident).latest("id").body == (
        "优待证已办好，已送到家"
    )
    assert list(
        AuditEntry.objects.filter(object_id=str(errand.pk), action__startswith="cases.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["cases.request_errand", "cases.take_errand", "cases.complete_errand"]
    # Done is done: it can be neither cancelled nor completed again.
    before = errand_state(errand)
    with pytest.raises(Conflict):
        actions.cancel_errand(cast.resident, errand.pk)
    with pytest.raises(Conflict):
        actions.complete_errand(cast.grid_worker, errand.pk, result="再办一次")
    assert errand_state(errand) == before


def test_a_worker_of_another_community_cannot_take_or_complete_the_errand(
    cast: Cast, now: FakeNow
) -> None:
    errand = actions.request_errand(cast.resident, what="代缴水费")
    before = errand_state(errand)
    for who in (
        cast.other_community_worker,
        cast.department_staff,
        cast.other_resident,
        cast.resident,
        cast.anonymous,
    ):
        with pytest.raises(NotAllowed):
            actions.take_errand(who, errand.pk)
    assert errand_state(errand) == before
    actions.take_errand(cast.community_worker, errand.pk)
    before = errand_state(errand)
    with pytest.raises(NotAllowed):
        actions.complete_errand(cast.other_community_worker, errand.pk, result="办好了")
    assert errand_state(errand) == before


def test_only_the_one_who_took_the_errand_completes_it(cast: Cast, now: FakeNow) -> None:
    errand = actions.request_errand(cast.resident, what="代缴水费")
    actions.take_errand(cast.community_worker, errand.pk)
    before = errand_state(errand)
    # The grid worker may take errands here, but this one is in someone else's hands.
    with pytest.raises(NotAllowed) as refused:
        actions.complete_errand(cast.grid_worker, errand.pk, result="办好了")
    assert str(cast.community_worker) in str(refused.value.message)
    assert errand_state(errand) == before
    errand = actions.complete_errand(cast.community_worker, errand.pk, result="办好了")
    assert errand.state == Errand.State.DONE


def test_the_resident_cancels_an_errand_and_nobody_else_can(cast: Cast, now: FakeNow) -> None:
    errand = actions.request_errand(cast.resident, what="代取快递")
    before = errand_state(errand)
    for who in (cast.other_resident, cast.grid_worker, cast.anonymous):
        with pytest.raises(NotAllowed):
            actions.cancel_errand(who, errand.pk)
    assert errand_state(errand) == before
    errand = actions.cancel_errand(cast.resident, errand.pk)
    assert errand.state == Errand.State.CANCELLED
    before = errand_state(errand)
    with pytest.raises(Conflict):
        actions.take_errand(cast.grid_worker, errand.pk)
    assert errand_state(errand) == before


def test_only_a_registered_resident_asks_and_not_for_a_day_gone_by(
    cast: Cast, now: FakeNow
) -> None:
    for who in (cast.anonymous, cast.grid_worker):
        with pytest.raises(NotAllowed):
            actions.request_errand(who, what="代办")
    with pytest.raises(ActionError) as refused:
        actions.request_errand(cast.resident, what="   ")
    assert refused.value.field == "what"
    with pytest.raises(ActionError) as refused:
        actions.request_errand(
            cast.resident, what="代办", wanted_on=dt.date.today() - dt.timedelta(days=2)
        )
    assert refused.value.field == "wanted_on"
    assert Errand.objects.count() == 0

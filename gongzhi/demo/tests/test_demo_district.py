"""The demo district loads once, the same every time, with a login for every role."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from gongzhi.demo import district as demo
from gongzhi.people.models import Membership, Role, User
from gongzhi.places.models import Division, Grid


@pytest.mark.django_db
def test_the_demo_district_has_the_real_communities_grids_people_and_a_login_per_role(
    capsys,
) -> None:
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert Division.objects.filter(level="community", code__startswith="130803").count() == 94
    assert Division.objects.get(code="130803001008").short_name == "御祥园社区"
    grids = Grid.objects.filter(code__startswith="130803001008")
    assert grids.exists() and all(300 <= g.households <= 500 for g in grids)
    assert 2000 <= User.objects.filter(resident__isnull=False).count() <= 6000
    for role in Role:
        assert Membership.objects.filter(role=role).exists(), role
    for username, _name, _role in demo.DEMO_ACCOUNTS:
        assert username in out
    assert demo.DEMO_PASSWORD in out

    phones = list(User.objects.order_by("pk").values_list("phone", flat=True)[:50])
    call_command("seed_demo")  # a second run changes nothing
    assert "already loaded" in capsys.readouterr().out
    assert list(User.objects.order_by("pk").values_list("phone", flat=True)[:50]) == phones


def test_the_id_check_digit_follows_iso_7064() -> None:
    assert demo.id_check_digit("11010519491231002") == "X"
    assert demo.id_check_digit("13080319800101123") == "7"

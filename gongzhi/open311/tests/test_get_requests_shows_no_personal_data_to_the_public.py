"""What GET requests shows: public cases as the echo wall may show them to anyone; the case as staff
see it to a key whose service account covers its place; the reporter only to a key that may see
personal data there — and each such view is audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongzhi.cases.models import Case
from gongzhi.conftest import Cast
from gongzhi.core.models import AuditEntry
from gongzhi.people.actions import assign_role
from gongzhi.people.models import Role

from .conftest import Key, Open311Client, ids, inside, photo, report

pytestmark = pytest.mark.django_db

PERSONAL = ("13812341234", "张秀英", "秀英", "130803198001011234")


def test_a_public_case_shows_no_reporter_no_exact_position_and_masked_numbers(
    o311: Open311Client, cast: Cast, services: None, media: Path
) -> None:
    case = report(
        cast,
        description="我是张秀英，电话13812341234，3号楼门口垃圾没人清",
        address="3号楼2单元",
        photos=[photo()],
    )
    response = o311.get(f"requests/{case.number}.json")
    text = response.content.decode()
    for personal in PERSONAL:
        assert personal not in text
    [found] = response.json()
    assert found["description"] == "我是张**，电话138****1234，3号楼门口垃圾没人清"
    photo_url = found["media_url"]
    assert photo_url.startswith("http://testserver/media/cases/") and photo_url.endswith(".jpg")
    assert found["address"] == cast.grid.name
    assert found["address_id"] == cast.grid.code
    assert found["lat"] == round(case.lat, 3) and found["long"] == round(case.lng, 3)
    for field in ("first_name", "last_name", "phone", "email", "account_id"):
        assert field not in found


def test_non_public_cases_are_left_out_and_anonymous_ones_lose_their_words(
    o311: Open311Client, cast: Cast, services: None, media: Path
) -> None:
    hidden = report(cast, description="不公开的")
    Case.objects.filter(pk=hidden.pk).update(is_public=False)
    anonymous = report(cast, description="匿名的反映", is_anonymous=True, photos=[photo()])
    assert ids(o311.get("requests.json")) == [anonymous.number]
    assert o311.get(f"requests/{hidden.number}.json").status_code == 404
    [found] = o311.get(f"requests/{anonymous.number}.json").json()
    assert found["description"] is None and found["media_url"] is None
    assert found["service_name"] == "环境卫生差"


def test_a_key_whose_account_covers_the_place_sees_what_staff_see_but_no_reporter(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    assign_role(None, key.row.service_account, Role.STREET_STAFF, cast.grid.code[:9])
    hidden = report(cast, description="不公开的，电话13812341234", address="3号楼2单元")
    Case.objects.filter(pk=hidden.pk).update(is_public=False)
    assert ids(o311.get("requests.json")) == []
    [found] = o311.get("requests.json", api_key=key.raw).json()
    assert found["service_request_id"] == hidden.number
    assert found["description"] == "不公开的，电话13812341234"
    assert found["address"] == "3号楼2单元" and found["lat"] == hidden.lat
    assert "phone" not in found and "first_name" not in found
    assert not AuditEntry.objects.filter(action="open311.view_personal_data").exists()


def test_a_key_that_may_see_personal_data_gets_the_reporter_and_the_view_is_audited(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    assign_role(None, key.row.service_account, Role.COMMUNITY_WORKER, cast.grid.community.code)
    mine = report(cast, description="电梯坏了")
    elsewhere = report(
        cast, description="别处的", reporter=cast.other_resident, grid=cast.other_community_grid
    )
    anonymous = report(cast, description="匿名", is_anonymous=True)
    response = o311.get("requests.json", api_key=key.raw)
    assert "no-store" in response["Cache-Control"]
    found = {r["service_request_id"]: r for r in response.json()}
    assert found[mine.number]["phone"] == "13812341234"
    assert (found[mine.number]["last_name"], found[mine.number]["first_name"]) == ("张", "秀英")
    assert "phone" not in found[elsewhere.number]  # outside the account's place
    assert "phone" not in found[anonymous.number]
    [entry] = AuditEntry.objects.filter(action="open311.view_personal_data")
    assert entry.object_id == str(mine.pk)
    assert entry.actor == key.row.service_account and entry.channel == "open311"
    # without the key, the same case shows no reporter
    [public] = o311.get(f"requests/{mine.number}.json").json()
    assert "phone" not in public


def test_an_open311_submitter_is_shown_only_to_such_a_key(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    lat, lng = inside(cast.grid)
    number = o311.post(
        "requests.json",
        {
            "api_key": key.raw,
            "service_code": "E0101",
            "lat": lat,
            "long": lng,
            "description": "垃圾",
            "first_name": "建国",
            "last_name": "李",
            "phone": "13912345678",
            "email": "li@example.com",
        },
    ).json()[0]["service_request_id"]
    public = o311.get(f"requests/{number}.xml").content.decode()
    assert "13912345678" not in public and "li@example.com" not in public
    assign_role(None, key.row.service_account, Role.GRID_WORKER, cast.grid.code)
    [found] = o311.get(f"requests/{number}.json", api_key=key.raw).json()
    assert found["phone"] == "13912345678" and found["email"] == "li@example.com"
    assert found["first_name"] == "建国" and found["last_name"] == "李"


def test_a_wrong_key_on_a_get_is_403_not_a_quiet_public_answer(
    o311: Open311Client, cast: Cast, key: Key
) -> None:
    response = o311.get("requests.json", api_key="not-a-key")
    assert response.status_code == 403

"""People log in with a username or a phone number; phone and ID numbers are shown masked."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from gongzhi.conftest import PASSWORD, Cast
from gongzhi.people.actions import contact_for
from gongzhi.people.privacy import mask_id_number, mask_phone

pytestmark = pytest.mark.django_db


def test_login_by_username_or_phone_number(cast: Cast) -> None:
    assert authenticate(username="resident", password=PASSWORD) == cast.resident
    assert authenticate(username="13812341234", password=PASSWORD) == cast.resident
    assert authenticate(username=" 13812341234 ", password=PASSWORD) == cast.resident


def test_a_wrong_password_or_unknown_login_fails(cast: Cast) -> None:
    assert authenticate(username="13812341234", password="wrong") is None
    assert authenticate(username="13899999999", password=PASSWORD) is None
    assert authenticate(username="nobody", password=PASSWORD) is None


def test_a_deactivated_account_cannot_log_in(cast: Cast) -> None:
    cast.resident.is_active = False
    cast.resident.save()
    assert authenticate(username="resident", password=PASSWORD) is None


def test_phone_and_id_numbers_are_masked_for_others_but_not_for_oneself(cast: Cast) -> None:
    seen_by_worker = contact_for(cast.grid_worker, cast.resident)
    assert seen_by_worker.phone == "138****1234"
    assert seen_by_worker.id_number == "130803********1234"
    assert seen_by_worker.masked
    own = contact_for(cast.resident, cast.resident)
    assert own.phone == "13812341234" and not own.masked


def test_masking_handles_missing_and_short_values() -> None:
    assert mask_phone(None) == ""
    assert mask_phone("12345") == "*****"
    assert mask_id_number("13080319750202567X") == "130803********567X"

"""An adapter names the credential acting (an API token, an Open311 key) for one request's scope:
entries written inside the scope name it, entries written after it ends do not, and a name given
outside any scope is dropped rather than pinned on whatever is written next."""

from __future__ import annotations

import pytest

from gongzhi.conftest import Cast
from gongzhi.core import audit
from gongzhi.core.models import Channel

pytestmark = pytest.mark.django_db


def test_entries_inside_the_scope_name_the_credential_and_entries_after_it_do_not(
    cast: Cast,
) -> None:
    label = audit.credential_label("api_token", 12, "gz_AbC1234")
    with audit.credential_scope():
        audit.name_credential(label)
        inside = audit.record(cast.grid_worker, "test.inside", cast.grid, channel=Channel.API)
    after = audit.record(cast.grid_worker, "test.after", cast.grid)
    assert inside.credential == "api_token#12 gz_AbC1234"
    assert after.credential == ""


def test_a_credential_named_outside_any_scope_is_dropped(cast: Cast) -> None:
    audit.name_credential("api_token#1 gz_stray")
    entry = audit.record(cast.grid_worker, "test.page", cast.grid)
    assert entry.credential == "" and audit.current_credential() == ""


def test_acting_with_names_the_credential_for_the_block_only(cast: Cast) -> None:
    with audit.acting_with("open311_key#3 AbCd1234"):
        inside = audit.record(None, "test.task", cast.grid, channel=Channel.OPEN311)
        with audit.credential_scope():  # a nested request starts unnamed
            nested = audit.record(None, "test.nested", cast.grid)
        again = audit.record(None, "test.again", cast.grid)
    assert inside.credential == again.credential == "open311_key#3 AbCd1234"
    assert nested.credential == ""
    assert audit.current_credential() == ""

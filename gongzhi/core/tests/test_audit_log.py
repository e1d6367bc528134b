"""The audit log is append-only: entries can be added and read, never changed or removed."""

from __future__ import annotations

import pytest

from gongzhi.conftest import Cast
from gongzhi.core.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


def test_an_entry_names_who_did_what_to_which_object_through_which_channel(cast: Cast) -> None:
    entry = AuditEntry.objects.filter(action="people.assign_role").first()
    assert entry is not None
    assert entry.object_type == "people.membership"
    assert entry.channel == "web"
    assert entry.at is not None


def test_entries_cannot_be_changed_or_deleted_one_by_one_or_in_bulk(cast: Cast) -> None:
    entry = AuditEntry.objects.first()
    assert entry is not None
    entry.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(summary="rewritten").count() == 0

"""On PostgreSQL the audit log is append-only in the database too: a trigger refuses UPDATE and
DELETE, whatever program sends them. (SQLite has no such trigger: there, Python refuses alone.)"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from gongzhi.conftest import Cast
from gongzhi.core import audit
from gongzhi.core.models import AuditEntry, Channel

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the trigger exists on PostgreSQL only (pgtrigger installs nothing on SQLite); "
        "CI runs this module with DATABASE_URL=postgres://…",
    ),
]
TABLE = AuditEntry._meta.db_table


def _raw(sql: str, *params: str | int) -> None:
    # Each refused statement in a savepoint of its own, so that the test's transaction goes on.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_raw_update_of_an_entry_is_refused_by_the_database(cast: Cast) -> None:
    entry = AuditEntry.objects.order_by("pk").first()
    assert entry is not None
    with pytest.raises(DatabaseError, match="Cannot update or delete rows"):
        _raw(f"UPDATE {TABLE} SET summary = %s WHERE id = %s", "rewritten", entry.pk)
    entry.refresh_from_db()
    assert entry.summary != "rewritten"


def test_a_raw_delete_of_entries_is_refused_by_the_database(cast: Cast) -> None:
    before = AuditEntry.objects.count()
    assert before > 0
    with pytest.raises(DatabaseError, match="Cannot update or delete rows"):
        _raw(f"DELETE FROM {TABLE}")
    assert AuditEntry.objects.count() == before


def test_new_entries_are_still_written(cast: Cast) -> None:
    before = AuditEntry.objects.count()
    audit.record(cast.administrator, "test.append", cast.grid, channel=Channel.SYSTEM)
    assert AuditEntry.objects.count() == before + 1

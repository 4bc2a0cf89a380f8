"""The audit trail is hash-chained and append-only (security.md rules 19–20)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tuoyu.core import audit
from tuoyu.core.models import AuditEntry
from tuoyu.core.scoping import SYSTEM


@pytest.fixture
def three_rows(db):
    for i in range(3):
        audit.record(SYSTEM, "test_action", target_type="x", target_id=str(i), changes={"n": [None, i]})


def test_chain_verifies_after_appends(three_rows):
    assert audit.verify_chain() == (True, None)
    call_command("audit_verify")


@pytest.mark.skipif("connection.vendor == 'postgresql'")
def test_tampered_row_fails_verification(three_rows):
    row = AuditEntry.objects.order_by("id")[1]
    AuditEntry.objects.filter(pk=row.pk).update(changes={"n": [None, 99]})
    ok, bad = audit.verify_chain()
    assert not ok and bad == row.pk
    with pytest.raises(CommandError):
        call_command("audit_verify")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_refuses_update_and_delete_of_audit_rows(three_rows):
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=AuditEntry.objects.first().pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert connection.vendor == "postgresql"


def test_system_actor_is_named_not_linked(three_rows):
    row = AuditEntry.objects.first()
    assert row.actor is None and row.actor_name == "system:system"


def test_write_and_audit_roll_back_together(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(SYSTEM, "will_roll_back")
        raise RuntimeError
    assert not AuditEntry.objects.filter(action="will_roll_back").exists()

"""Writing the audit trail. Called by services inside their own transaction, so the change and
its audit row commit or roll back together (security.md rule 19)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .context import current_request_context
from .models import AuditChainHead, AuditEntry
from .validators import mask_phone

_HASHED_FIELDS = (
    "at", "actor_name", "action", "result", "target_type", "target_id", "region_code",
    "institution_id", "changes", "request_id",
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        # 600, 600.0 and 600.00 are one value: the DB returns its own scale.
        return format(value.normalize(), "f")
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if hasattr(value, "label") and hasattr(value, "value"):
        return value.value
    return value


def compute_hash(entry: AuditEntry, prev_hash: str) -> str:
    payload = {f: _jsonable(getattr(entry, f)) for f in _HASHED_FIELDS}
    raw = prev_hash + json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def _roles_of(user: Any) -> str:
    roles = getattr(user, "role_codes", None)
    return ",".join(sorted(roles())) if callable(roles) else ""


def build(
    actor: Any, action: str, *, target: Any = None, target_type: str = "", target_id: str = "",
    target_repr: str = "", region_code: str = "", institution_id: int | None = None,
    changes: dict | None = None, result: str = AuditEntry.Result.OK,
) -> AuditEntry:
    ctx = current_request_context()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    is_model_user = is_user and isinstance(actor, models.Model)
    if target is not None:
        target_type = target_type or target._meta.label
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)[:200]
        region_code = region_code or getattr(target, "audit_region_code", "") or ""
        institution_id = institution_id or getattr(target, "audit_institution_id", None)
    return AuditEntry(
        at=timezone.now(), actor=actor if is_model_user else None,
        actor_name=actor.get_username() if is_user else "", actor_roles=_roles_of(actor) if is_user else "",
        action=action, result=result, target_type=target_type, target_id=str(target_id)[:64],
        target_repr=target_repr[:200], region_code=region_code, institution_id=institution_id,
        changes=_jsonable(changes or {}), request_id=ctx.request_id, client_ip=ctx.client_ip,
    )


@transaction.atomic
def append(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Append rows to the chain (one lock for the whole batch: imports write thousands)."""
    entries = list(entries)
    if not entries:
        return entries
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    prev = head.last_hash
    for e in entries:
        e.prev_hash = prev
        e.entry_hash = prev = compute_hash(e, prev)
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    head.last_hash = prev
    head.save(update_fields=["last_hash"])
    return entries


def record(actor: Any, action: str, **kwargs: Any) -> AuditEntry:
    return append([build(actor, action, **kwargs)])[0]


def record_denial(user: Any, *, action: str, target_type: str = "", target_id: str = "") -> None:
    """A permission denial is audited even though the request fails (its own small transaction)."""
    record(user, f"denied:{action}", target_type=target_type, target_id=target_id,
           result=AuditEntry.Result.DENIED)


# Phone numbers are personal data (a home-based point's number is often its carer's mobile): the
# audit trail records that they changed, masked, never the value (security.md rules 12, 19).
MASKED_FIELDS = frozenset({"contact_phone", "phone", "mobile"})


def _masked(key: str, value: Any) -> Any:
    return mask_phone(str(value)) if key in MASKED_FIELDS and value else value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed (phones masked)."""
    return {
        k: [_masked(k, _jsonable(before.get(k))), _masked(k, _jsonable(after.get(k)))]
        for k in sorted(set(before) | set(after))
        if _jsonable(before.get(k)) != _jsonable(after.get(k))
    }


def verify_chain() -> tuple[bool, int | None]:
    """Walk the chain in id order; return (ok, id of the first bad row)."""
    prev = ""
    for e in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if e.prev_hash != prev or compute_hash(e, prev) != e.entry_hash:
            return False, e.pk
        prev = e.entry_hash
    return True, None

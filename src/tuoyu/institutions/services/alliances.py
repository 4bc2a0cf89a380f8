"""Alliance writes (托育联盟/联合体, issue #2 item 5). Each use case is one function, one
transaction, with its audit row (before/after); forms, the API and the demo seeder call these.

Rules:
- an alliance sits in a city, district or street (`region`) inside the actor's
  `Action.MANAGE_ALLIANCES` scope, and its name is unique (ignoring case and spacing);
- its members are institutions the actor can see (`Action.VIEW_INSTITUTION`) inside the
  alliance's region, so whoever may manage the alliance sees every member it is asked to keep;
- a refused change writes nothing: every problem comes back at once as field errors.

1+N links (a demonstration institution leading community points) are part of an institution's own
record (`Institution.lead_institution`), changed through `institution_update`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from tuoyu.core import audit
from tuoyu.core.divisions import DivisionCodeError, Level, normalize_code
from tuoyu.core.errors import Conflict, DomainError, PermissionDenied
from tuoyu.core.permissions import Action
from tuoyu.core.scoping import FORBIDDEN_MESSAGE, scope_of
from tuoyu.core.text import normalize
from tuoyu.regions.models import Region

from ..models import Alliance, Institution

__all__ = [
    "ALLIANCE_REGION_LEVELS", "MAX_ALLIANCE_MEMBERS", "MAX_DESCRIPTION_LENGTH",
    "alliance_create", "alliance_delete", "alliance_members_set", "alliance_update",
]

# An alliance is organised by a city, a district or a street (a community is too small a scope).
ALLIANCE_REGION_LEVELS = (Level.CITY, Level.DISTRICT, Level.STREET)
# Column-like limits, so a form, the API and the service refuse the same input.
MAX_DESCRIPTION_LENGTH = 2000
MAX_ALLIANCE_MEMBERS = 1000  # the form posts one field per member (DATA_UPLOAD_MAX_NUMBER_FIELDS)

MSG_NAME_REQUIRED = _("请填写联盟名称。")
MSG_NAME_TAKEN = _("已有名为“%(name)s”的托育联盟，请换一个名称。")
MSG_DESCRIPTION_LONG = _("简介最多%(n)s个字。")
MSG_REGION_UNKNOWN = _("所在区域不存在。")
MSG_REGION_LEVEL = _("所在区域须为市、区/县或街道/镇。")
MSG_REGION_INACTIVE = _("该区划已撤销，请选择现行区划。")
MSG_REGION_OUT_OF_SCOPE = _("您只能在自己负责的区域内建立或管理托育联盟。")
MSG_REGION_LEAVES_MEMBERS = _("有%(n)s家成员机构不在该区域内（如“%(name)s”），请先调整成员。")
MSG_MEMBER_UNKNOWN = _("机构编号%(ids)s不存在或不在您负责的范围内。")
MSG_MEMBER_OUTSIDE_REGION = _("“%(name)s”不在联盟所在区域（%(region)s）内。")
MSG_TOO_MANY_MEMBERS = _("一个联盟最多%(n)s家成员机构。")


def _add(errors: dict[str, list], key: str, message: Any) -> None:
    errors.setdefault(key, []).append(message)


def _raise(errors: dict[str, list]) -> None:
    if errors:
        raise DomainError(next(iter(errors.values()))[0], field_errors=errors)


def _resolve_region(region: Region | str | None, errors: dict[str, list], *, current: Region | None = None) -> Region | None:
    """A Region, or a 6/9/12-digit division code; anything else is a `region_code` field error."""
    if isinstance(region, Region):
        found: Region | None = region
    else:
        try:
            code = normalize_code(region or "")
        except DivisionCodeError as exc:
            _add(errors, "region_code", str(exc) if region else MSG_REGION_UNKNOWN)
            return None
        found = Region.objects.filter(code=code).first()
    if found is None:
        _add(errors, "region_code", MSG_REGION_UNKNOWN)
        return None
    if found.level not in ALLIANCE_REGION_LEVELS:
        _add(errors, "region_code", MSG_REGION_LEVEL)
        return None
    if not found.is_active and (current is None or found.pk != current.pk):
        _add(errors, "region_code", MSG_REGION_INACTIVE)
        return None
    return found


def _check_manage_scope(actor: Any, region: Region, errors: dict[str, list]) -> None:
    scope = scope_of(actor, Action.MANAGE_ALLIANCES)
    if scope.is_empty:
        raise PermissionDenied(FORBIDDEN_MESSAGE)
    if not scope.covers_region(region.code):
        _add(errors, "region_code", MSG_REGION_OUT_OF_SCOPE)


def _clean_fields(name: str, description: str, errors: dict[str, list], *, instance: Alliance | None = None) -> tuple[str, str]:
    name = normalize(name)
    description = (description or "").strip()
    if not name:
        _add(errors, "name", MSG_NAME_REQUIRED)
    else:
        max_length = Alliance._meta.get_field("name").max_length
        if len(name) > max_length:
            _add(errors, "name", _("联盟名称最多%(n)s个字。") % {"n": max_length})
        else:
            taken = Alliance.objects.filter(name__iexact=name)
            if instance is not None:
                taken = taken.exclude(pk=instance.pk)
            if taken.exists():
                _add(errors, "name", MSG_NAME_TAKEN % {"name": name})
    if len(description) > MAX_DESCRIPTION_LENGTH:
        _add(errors, "description", MSG_DESCRIPTION_LONG % {"n": MAX_DESCRIPTION_LENGTH})
    return name, description


def _members(actor: Any, member_ids: Iterable[int] | None, region: Region | None, errors: dict[str, list]) -> list[Institution]:
    """The institutions named, each visible to the actor and inside the alliance's region."""
    ids = sorted(set(member_ids or ()))
    if len(ids) > MAX_ALLIANCE_MEMBERS:
        _add(errors, "member_ids", MSG_TOO_MANY_MEMBERS % {"n": MAX_ALLIANCE_MEMBERS})
        return []
    if not ids:
        return []
    found = list(Institution.objects.restrict(actor, Action.VIEW_INSTITUTION).filter(pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {i.pk for i in found})
    if missing:
        shown = "、".join(str(i) for i in missing[:10]) + ("…" if len(missing) > 10 else "")
        _add(errors, "member_ids", MSG_MEMBER_UNKNOWN % {"ids": shown})
    if region is not None:
        for inst in found:
            if not inst.region_code.startswith(region.prefix):
                _add(errors, "member_ids", MSG_MEMBER_OUTSIDE_REGION % {"name": inst.name, "region": region.name})
    return found


def _snapshot(alliance: Alliance, member_ids: Iterable[int] | None = None) -> dict[str, Any]:
    ids = member_ids if member_ids is not None else alliance.members.values_list("pk", flat=True)
    return {
        "name": alliance.name, "region": alliance.region_code, "description": alliance.description,
        "members": sorted(ids),
    }


def _save(alliance: Alliance) -> None:
    try:
        alliance.full_clean(exclude=["region_code", "region", "members"], validate_unique=False)
    except ValidationError as exc:
        raise DomainError.from_validation_error(exc) from exc
    try:
        with transaction.atomic():
            alliance.save()
    except IntegrityError as exc:  # a concurrent save took the name first (409: try again)
        raise Conflict(MSG_NAME_TAKEN % {"name": alliance.name},
                          field_errors={"name": [MSG_NAME_TAKEN % {"name": alliance.name}]}) from exc


def _lock(actor: Any, alliance: Alliance) -> Alliance:
    """The alliance, row-locked, if the actor may manage it (views and routers check first with
    `get_for_action`; this keeps the service safe when called directly)."""
    locked = Alliance.objects.select_for_update().select_related("region").filter(pk=alliance.pk).first()
    if locked is None or not Alliance.objects.restrict(actor, Action.MANAGE_ALLIANCES).filter(pk=alliance.pk).exists():
        raise PermissionDenied(FORBIDDEN_MESSAGE)
    return locked


@transaction.atomic
def alliance_create(
    *, actor: Any, name: str, region: Region | str, description: str = "", member_ids: Iterable[int] | None = None,
) -> Alliance:
    """Record an alliance in a region of the actor's scope, with its first members."""
    errors: dict[str, list] = {}
    found = _resolve_region(region, errors)
    if found is not None:
        _check_manage_scope(actor, found, errors)
    name, description = _clean_fields(name, description, errors)
    members = _members(actor, member_ids, found, errors)
    _raise(errors)
    alliance = Alliance(name=name, region=found, region_code=found.code, description=description)
    _save(alliance)
    alliance.members.set(members)
    audit.record(actor, "alliance_create", target=alliance,
                 changes=audit.diff({}, _snapshot(alliance, [m.pk for m in members])))
    return alliance


@transaction.atomic
def alliance_update(
    *, actor: Any, alliance: Alliance, name: str, region: Region | str, description: str = "",
) -> tuple[Alliance, bool]:
    """Change an alliance's name, region and description; returns (alliance, changed). A new
    region must be in the actor's scope and still hold every member."""
    locked = _lock(actor, alliance)
    before = _snapshot(locked)
    errors: dict[str, list] = {}
    found = _resolve_region(region, errors, current=locked.region)
    if found is not None and found.pk != locked.region_id:
        _check_manage_scope(actor, found, errors)
        outside = locked.members.exclude(region_code__startswith=found.prefix).order_by("name")
        count = outside.count()
        if count:
            _add(errors, "region_code", MSG_REGION_LEAVES_MEMBERS % {"n": count, "name": outside.first().name})
    name, description = _clean_fields(name, description, errors, instance=locked)
    _raise(errors)
    locked.name, locked.description = name, description
    locked.region, locked.region_code = found, found.code
    changes = audit.diff(before, _snapshot(locked, before["members"]))
    if not changes:
        return locked, False
    _save(locked)
    audit.record(actor, "alliance_update", target=locked, changes=changes)
    return locked, True


@transaction.atomic
def alliance_members_set(*, actor: Any, alliance: Alliance, member_ids: Iterable[int]) -> tuple[Alliance, bool]:
    """Replace the member list with `member_ids`; returns (alliance, changed)."""
    locked = _lock(actor, alliance)
    before = _snapshot(locked)
    errors: dict[str, list] = {}
    members = _members(actor, member_ids, locked.region, errors)
    _raise(errors)
    changes = audit.diff({"members": before["members"]}, {"members": sorted(m.pk for m in members)})
    if not changes:
        return locked, False
    locked.members.set(members)
    audit.record(actor, "alliance_members_set", target=locked, changes=changes)
    return locked, True


@transaction.atomic
def alliance_delete(*, actor: Any, alliance: Alliance) -> None:
    """Remove an alliance (its member institutions stay as they are)."""
    locked = _lock(actor, alliance)
    audit.record(actor, "alliance_delete", target=locked, changes=audit.diff(_snapshot(locked), {}))
    locked.delete()

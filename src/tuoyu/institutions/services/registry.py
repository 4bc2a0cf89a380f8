"""Registry writes. Each use case is one function, one transaction, with its audit row.

Forms, the API and the spreadsheet importer all build an `InstitutionData` and call these, so
the same validation and rules apply whichever way data comes in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from tuoyu.core import audit
from tuoyu.core.divisions import Level
from tuoyu.core.errors import Conflict, DomainError
from tuoyu.core.permissions import Action
from tuoyu.core.rules import setting_standard as std
from tuoyu.core.scoping import scope_of
from tuoyu.core.validators import normalize_phone, normalize_uscc, validate_phone
from tuoyu.regions.models import Region

from ..choices import DEFAULT_PRICE_UNIT, ClassType, DemonstrationLevel, ServiceType, Status
from ..models import CareClass, Institution, ServiceOffering

__all__ = [
    "ClassData", "InstitutionData", "OfferingData", "OFFICER_ONLY_FIELDS", "actor_may_change_officer_fields",
    "institution_create", "institution_delete", "institution_update", "institution_validate",
]

MSG_STALE = _("该机构信息已被他人修改，请刷新页面后再保存。")
MSG_STREET_UNKNOWN = _("所属街道/镇不存在或不是街道/镇级区划。")
MSG_STREET_OUT_OF_SCOPE = _("您只能在自己负责的区域内登记或修改机构。")
MSG_CAPACITY_OVER_MAX = _("%(type)s最多%(max)s人，计划托位数%(n)s超过了国家标准。")
MSG_CLASS_NAME_DUP = _("班级名称“%(name)s”重复。")
MSG_CLASS_TYPE = _("班型“%(value)s”无效。")
MSG_SERVICE_DUP = _("服务类型“%(value)s”重复。")
MSG_SERVICE_TYPE = _("服务类型“%(value)s”无效。")
MSG_CREDIT_CODE_TAKEN = _("统一社会信用代码已被机构“%(name)s”使用。")
MSG_PUHUI_PRICE = _("普惠机构须填写普惠核定价格。")
MSG_HOURS = _("离园时间须晚于开园时间。")
MSG_FILING_NUMBER = _("已备案机构须填写备案编号。")
MSG_LEAD_SELF = _("机构不能牵头自己。")
MSG_LEAD_NOT_DEMO = _("牵头机构须为示范性托育机构。")
MSG_NEGATIVE = _("不能为负数。")
MSG_LEAD_OUT_OF_SCOPE = _("牵头机构须在您负责的区域内。")
MSG_HAS_DEPENDANTS = _("该机构已有下属点位或历史数据，不能删除；请将状态改为“注销”。")

# Fields an institution director may change on its own record; status, demonstration level,
# filing and 1+N links are the officers' (Action.CHANGE_INSTITUTION_STATUS).
OFFICER_ONLY_FIELDS = ("status", "demonstration_level", "filing_number", "filed_on", "lead_institution_id", "street_code", "credit_code", "puhui", "puhui_price")


@dataclass
class ClassData:
    name: str
    class_type: str
    planned_capacity: int
    planned_caregivers: int | None = None


@dataclass
class OfferingData:
    service_type: str
    price: Decimal | None = None
    price_unit: str = ""


@dataclass
class InstitutionData:
    """Everything the registry records about one institution, as forms, API and files give it."""

    name: str
    street_code: str
    address: str
    registration_type: str
    service_model: str
    ownership: str
    credit_code: str = ""
    status: str = Status.PREPARING
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    building_area_m2: Decimal | None = None
    outdoor_area_m2: Decimal | None = None
    opens_at: time | None = None
    closes_at: time | None = None
    open_days: str = ""
    contact_phone: str = ""
    puhui: bool = False
    puhui_price: Decimal | None = None
    demonstration_level: str = DemonstrationLevel.NONE
    filing_number: str = ""
    filed_on: date | None = None
    lead_institution_id: int | None = None
    classes: list[ClassData] = field(default_factory=list)
    offerings: list[OfferingData] = field(default_factory=list)

    @classmethod
    def from_instance(cls, inst: Institution) -> InstitutionData:
        simple = {f.name for f in fields(cls)} - {"street_code", "classes", "offerings"}
        data = {k: getattr(inst, k) for k in simple}
        data["credit_code"] = inst.credit_code or ""
        return cls(
            street_code=inst.street.code,
            classes=[ClassData(c.name, c.class_type, c.planned_capacity, c.planned_caregivers) for c in inst.classes.all()],
            offerings=[OfferingData(o.service_type, o.price, o.price_unit) for o in inst.offerings.all()],
            **data,
        )


_MODEL_FIELDS = (
    "name", "credit_code", "registration_type", "service_model", "ownership", "status", "address",
    "latitude", "longitude", "building_area_m2", "outdoor_area_m2", "opens_at", "closes_at",
    "open_days", "contact_phone", "puhui", "puhui_price", "demonstration_level", "filing_number",
    "filed_on", "lead_institution_id",
)


def _add(errors: dict[str, list], key: str, message: Any) -> None:
    errors.setdefault(key, []).append(message)


def institution_validate(
    data: InstitutionData, *, instance: Institution | None = None, streets: dict[str, Region] | None = None,
    credit_owners: dict[str, tuple[int, str]] | None = None,
) -> tuple[Institution, list[CareClass], list[ServiceOffering]]:
    """Check one institution's data without writing; raise DomainError with every field error.

    `streets` lets a bulk import pass the streets it already loaded (code → Region), and
    `credit_owners` the registered credit codes (code → (pk, name)), so a sheet of thousands of
    rows is checked without a query per row."""
    errors: dict[str, list] = {}
    data.credit_code = normalize_uscc(data.credit_code) if data.credit_code else ""
    data.contact_phone = normalize_phone(data.contact_phone) if data.contact_phone else ""
    street = (streets or {}).get(data.street_code) if streets is not None else (
        Region.objects.filter(code=data.street_code, level__in=[Level.STREET]).first()
    )
    if street is None or street.level != Level.STREET:
        _add(errors, "street_code", MSG_STREET_UNKNOWN)

    inst = instance or Institution()
    for name in _MODEL_FIELDS:
        setattr(inst, name, getattr(data, name))
    inst.credit_code = data.credit_code or None
    if street is not None:
        inst.street = street
        inst.region_code = street.code
    exclude = ["street", "region_code"] if street is None else []
    if street is not None and streets is not None:
        exclude.append("street")  # loaded from the database by the caller: no existence query
    try:
        inst.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for k, msgs in exc.message_dict.items():
            for m in msgs:
                _add(errors, "lead_institution_id" if k == "lead_institution" else k, m)
    if data.credit_code and "credit_code" not in errors:
        if credit_owners is not None:
            owner = credit_owners.get(data.credit_code)
            other_name = owner[1] if owner and owner[0] != inst.pk else None
        else:
            other = Institution.objects.filter(credit_code=data.credit_code).exclude(pk=inst.pk).first()
            other_name = other.name if other else None
        if other_name is not None:
            _add(errors, "credit_code", MSG_CREDIT_CODE_TAKEN % {"name": other_name})
    if data.contact_phone and "contact_phone" not in errors:
        try:
            validate_phone(data.contact_phone)
        except ValidationError as exc:
            _add(errors, "contact_phone", exc.messages[0])
    if data.puhui and data.puhui_price is None:
        _add(errors, "puhui_price", MSG_PUHUI_PRICE)
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        _add(errors, "closes_at", MSG_HOURS)
    if data.status == Status.FILED and not data.filing_number:
        _add(errors, "filing_number", MSG_FILING_NUMBER)
    for name in ("building_area_m2", "outdoor_area_m2", "puhui_price"):
        value = getattr(data, name)
        if value is not None and value < 0:
            _add(errors, name, MSG_NEGATIVE)
    if data.lead_institution_id is not None:
        if inst.pk and data.lead_institution_id == inst.pk:
            _add(errors, "lead_institution_id", MSG_LEAD_SELF)
        else:
            lead = Institution.objects.filter(pk=data.lead_institution_id).values_list("demonstration_level", flat=True).first()
            if lead is None or lead == DemonstrationLevel.NONE:
                _add(errors, "lead_institution_id", MSG_LEAD_NOT_DEMO)

    classes: list[CareClass] = []
    seen: set[str] = set()
    for i, c in enumerate(data.classes):
        key = f"classes.{i}"
        if c.class_type not in ClassType.values:
            _add(errors, f"{key}.class_type", MSG_CLASS_TYPE % {"value": c.class_type})
            continue
        if not c.name:
            c.name = f"{ClassType(c.class_type).label}{i + 1}"
        if c.name in seen:
            _add(errors, f"{key}.name", MSG_CLASS_NAME_DUP % {"name": c.name})
        seen.add(c.name)
        legal_max = std.max_children(c.class_type)
        if c.planned_capacity is None or c.planned_capacity < 0:
            _add(errors, f"{key}.planned_capacity", MSG_NEGATIVE)
        elif c.planned_capacity > legal_max:
            _add(errors, f"{key}.planned_capacity", MSG_CAPACITY_OVER_MAX % {
                "type": ClassType(c.class_type).label, "max": legal_max, "n": c.planned_capacity})
        care_class = CareClass(name=c.name, class_type=c.class_type, planned_capacity=c.planned_capacity or 0,
                               planned_caregivers=c.planned_caregivers)
        _clean_child(care_class, key, errors)
        classes.append(care_class)

    offerings: list[ServiceOffering] = []
    seen_types: set[str] = set()
    for i, o in enumerate(data.offerings):
        key = f"offerings.{i}"
        if o.service_type not in ServiceType.values:
            _add(errors, f"{key}.service_type", MSG_SERVICE_TYPE % {"value": o.service_type})
            continue
        if o.service_type in seen_types:
            _add(errors, f"{key}.service_type", MSG_SERVICE_DUP % {"value": ServiceType(o.service_type).label})
        seen_types.add(o.service_type)
        if o.price is not None and o.price < 0:
            _add(errors, f"{key}.price", MSG_NEGATIVE)
        offering = ServiceOffering(service_type=o.service_type, price=o.price,
                                   price_unit=o.price_unit or DEFAULT_PRICE_UNIT[o.service_type])
        _clean_child(offering, key, errors)
        offerings.append(offering)
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, field_errors=errors)
    return inst, classes, offerings


def _clean_child(obj: CareClass | ServiceOffering, key: str, errors: dict[str, list]) -> None:
    """The column limits of a class or offering (name length, number ranges, price digits), so a
    value the database cannot hold is a field error, never a 500."""
    try:
        obj.full_clean(exclude=["institution"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field_name, msgs in exc.message_dict.items():
            if f"{key}.{field_name}" not in errors:
                for m in msgs:
                    _add(errors, f"{key}.{field_name}", m)


def _check_lead_in_scope(actor: Any, lead_id: int | None) -> None:
    """An officer links a point only to a demonstration institution it can see (1+N)."""
    if lead_id is not None and not Institution.objects.restrict(actor, Action.VIEW_INSTITUTION).filter(pk=lead_id).exists():
        raise DomainError(MSG_LEAD_OUT_OF_SCOPE, field_errors={"lead_institution_id": [MSG_LEAD_OUT_OF_SCOPE]})


def _snapshot(inst: Institution, classes: list[CareClass] | None = None,
              offerings: list[ServiceOffering] | None = None) -> dict[str, Any]:
    snap = {name: getattr(inst, name) for name in _MODEL_FIELDS}
    snap["street"] = inst.region_code
    snap["classes"] = sorted(
        f"{c.name}|{c.class_type}|{c.planned_capacity}|{c.planned_caregivers or ''}"
        for c in (inst.classes.all() if classes is None else classes)
    )
    snap["offerings"] = sorted(
        f"{o.service_type}|{o.price}|{o.price_unit}" for o in (inst.offerings.all() if offerings is None else offerings)
    )
    return snap


def _write_children(inst: Institution, classes: list[CareClass], offerings: list[ServiceOffering],
                    *, fresh: bool = False, sink: tuple[list, list] | None = None) -> None:
    """Replace the classes and offerings with the given ones (the form/file lists them all).
    With `sink`, a just-created institution's children are handed to the caller to insert in bulk."""
    if not fresh:  # a just-created institution has none to delete
        inst.classes.all().delete()
        inst.offerings.all().delete()
    for c in classes:
        c.institution = inst
    for o in offerings:
        o.institution = inst
    if sink is not None and fresh:
        sink[0].extend(classes)
        sink[1].extend(offerings)
        return
    CareClass.objects.bulk_create(classes)
    ServiceOffering.objects.bulk_create(offerings)


@transaction.atomic
def institution_create(
    *, actor: Any, data: InstitutionData, audit_action: str = "institution_create",
    streets: dict[str, Region] | None = None, credit_owners: dict[str, tuple[int, str]] | None = None,
    audit_entries: list | None = None,
    validated: tuple[Institution, list[CareClass], list[ServiceOffering]] | None = None,
    children_sink: tuple[list, list] | None = None,
) -> Institution:
    """Register a new institution in the actor's scope. Rules: valid credit code (GB 32100), a
    street of the city in scope, class sizes within the setting standard, coordinates in China.

    A bulk load passes `streets`/`credit_owners` (see institution_validate), `validated` (what
    `institution_validate(data)` returned when the load checked the row, so it is not checked
    twice), `audit_entries`, a list that collects the audit row, and `children_sink`, two lists
    that collect the new classes and offerings; the caller writes both in bulk in its transaction."""
    inst, classes, offerings = validated or institution_validate(data, streets=streets, credit_owners=credit_owners)
    if not scope_of(actor, Action.CREATE_INSTITUTION).covers_region(inst.region_code):
        raise DomainError(MSG_STREET_OUT_OF_SCOPE, field_errors={"street_code": [MSG_STREET_OUT_OF_SCOPE]})
    _check_lead_in_scope(actor, data.lead_institution_id)
    try:
        with transaction.atomic():
            inst.save()
    except IntegrityError as exc:  # a concurrent create took the credit code first
        raise Conflict(MSG_CREDIT_CODE_TAKEN % {"name": data.credit_code}) from exc
    _write_children(inst, classes, offerings, fresh=True, sink=children_sink)
    entry = audit.build(actor, audit_action, target=inst, changes=audit.diff({}, _snapshot(inst, classes, offerings)))
    if audit_entries is not None:
        audit_entries.append(entry)
    else:
        audit.append([entry])
    return inst


@transaction.atomic
def institution_update(
    *, actor: Any, institution: Institution, data: InstitutionData, version: int | None = None,
    audit_action: str = "institution_update", streets: dict[str, Region] | None = None,
    credit_owners: dict[str, tuple[int, str]] | None = None, audit_entries: list | None = None,
) -> tuple[Institution, bool]:
    """Change an institution's record; returns (institution, changed). A director may change its
    own record except the officers' fields; an officer must keep the street in its scope. A stale
    `version` (someone saved in between) is refused with 409."""
    inst = Institution.objects.select_for_update().get(pk=institution.pk)
    if version is not None and inst.version != version:
        raise Conflict(MSG_STALE)
    before = _snapshot(inst)
    if not actor_may_change_officer_fields(actor, inst):
        current = InstitutionData.from_instance(inst)
        for name in OFFICER_ONLY_FIELDS:
            setattr(data, name, getattr(current, name))
    inst, classes, offerings = institution_validate(data, instance=inst, streets=streets, credit_owners=credit_owners)
    if inst.region_code != before["street"] and not scope_of(actor, Action.CHANGE_INSTITUTION_STATUS).covers_region(inst.region_code):
        raise DomainError(MSG_STREET_OUT_OF_SCOPE, field_errors={"street_code": [MSG_STREET_OUT_OF_SCOPE]})
    if inst.lead_institution_id != before["lead_institution_id"]:
        _check_lead_in_scope(actor, inst.lead_institution_id)
    new_classes = sorted(f"{c.name}|{c.class_type}|{c.planned_capacity}|{c.planned_caregivers or ''}" for c in classes)
    new_offerings = sorted(f"{o.service_type}|{o.price}|{o.price_unit}" for o in offerings)
    after_simple = {name: getattr(inst, name) for name in _MODEL_FIELDS} | {"street": inst.region_code}
    changes = audit.diff(before, after_simple | {"classes": new_classes, "offerings": new_offerings})
    if not changes:
        return inst, False
    inst.version += 1
    try:
        with transaction.atomic():
            inst.save()
    except IntegrityError as exc:
        raise Conflict(MSG_CREDIT_CODE_TAKEN % {"name": data.credit_code}) from exc
    if "classes" in changes or "offerings" in changes:
        _write_children(inst, classes, offerings)
    entry = audit.build(actor, audit_action, target=inst, changes=changes)
    if audit_entries is not None:
        audit_entries.append(entry)
    else:
        audit.append([entry])
    return inst, True


def actor_may_change_officer_fields(actor: Any, inst: Institution) -> bool:
    return scope_of(actor, Action.CHANGE_INSTITUTION_STATUS).covers_region(inst.region_code)


@transaction.atomic
def institution_delete(*, actor: Any, institution: Institution) -> None:
    """Delete a record created by mistake. One that leads 1+N points cannot go: deregister it."""
    inst = Institution.objects.select_for_update().get(pk=institution.pk)
    if inst.led_points.exists():
        raise DomainError(MSG_HAS_DEPENDANTS)
    snapshot = _snapshot(inst)
    audit.record(actor, "institution_delete", target=inst, changes=audit.diff(snapshot, {}))
    inst.delete()


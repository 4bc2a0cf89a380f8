"""Loading the city's existing institution list, and exporting it (issue #9).

Every row goes through the registry's own `institution_validate` / `institution_create` /
`institution_update`, so a sheet obeys the same rules as the forms. The whole file is checked
first; one invalid row and nothing is written (`LoadRejected` lists every error by row and column).
Breaking a rule of the setting standard (a caregiver ratio, area per child) is reported per row as a
warning, not a reason to refuse. The key is the unified social credit code; rows without one are
matched by exact name and street. Loading the same sheet again changes nothing.

Validation makes no query per row: streets, existing institutions (with their classes and
services) and registered credit codes are fetched in bulk first.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuoyu.core import audit
from tuoyu.core.divisions import DivisionCodeError, Level, normalize_code
from tuoyu.core.errors import DomainError
from tuoyu.core.permissions import Action
from tuoyu.core.rules import setting_standard as std
from tuoyu.core.scoping import scope_of
from tuoyu.core.sheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    LoadResult,
    SheetRow,
    common_region_code,
    export_file_name,
    load_audit_entry,
    read_sheet,
    record_export,
    record_rejected_load,
    write_csv,
    write_xlsx,
)
from tuoyu.core.text import compact
from tuoyu.core.validators import mask_phone
from tuoyu.regions.models import Region

from ..choices import DEFAULT_PRICE_UNIT, ClassType, DemonstrationLevel, ServiceType
from ..models import CareClass, Institution, ServiceOffering
from ..selectors import institution_rule_check
from ..sheets import CLASS_KEYS, CLASS_LABELS, INSTITUTIONS, PRICE_KEYS
from .registry import (
    ClassData,
    InstitutionData,
    OfferingData,
    institution_create,
    institution_update,
    institution_validate,
)

__all__ = [
    "InstitutionExport", "InstitutionRow", "institutions_export", "institutions_load", "institutions_load_file",
]

IN_CHUNK = 900  # below SQLite's parameter limit per query
PROGRESS_EVERY = 200  # rows between progress reports
MAX_CANDIDATES = 6  # street names listed in an "ambiguous" or "did you mean" message

MSG_STREET_MISSING = _("请填写所属街道/镇或街道代码")
MSG_STREET_CODE_UNKNOWN = _("%(code)s不是本市已导入的街道/镇代码")
MSG_STREET_CODE_MISMATCH = _("街道代码%(code)s对应“%(known)s”，与填写的“%(given)s”不一致")
MSG_STREET_AMBIGUOUS = _("街道“%(name)s”不唯一：%(candidates)s（请填写完整的街道名称、所属区县或街道代码）")
MSG_STREET_NONE = _("没有名为“%(name)s”的街道/镇")
MSG_STREET_SUGGEST = _("没有名为“%(name)s”的街道/镇，是否是：%(candidates)s？")
MSG_STREET_INACTIVE = _("街道“%(name)s”（%(code)s）已停用（区划调整），请核实")
MSG_DISTRICT_UNKNOWN = _("没有名为“%(name)s”的区县")
MSG_DISTRICT_MISMATCH = _("街道“%(street)s”属于%(district)s，与填写的“%(given)s”不一致")
MSG_OUT_OF_SCOPE = _("%(street)s（%(district)s）不在您管辖的范围内")
MSG_EXISTING_OUT_OF_SCOPE = _("该机构已登记在您管辖范围以外的区域，不能由您导入修改")
MSG_DUP_CREDIT = _("与第%(row)s行的统一社会信用代码重复")
MSG_DUP_NAME = _("与第%(row)s行是同一街道的同名机构（没有统一社会信用代码时按名称+街道识别）")
MSG_NAME_AMBIGUOUS = _("系统中本街道有%(n)s家同名机构，请填写统一社会信用代码以区分")
MSG_PLACES_MISSING = _("填了班数，须同时填写托位数")
MSG_CLASSES_GUESSED = _("未填班数，按每班最多%(max)s人计为%(n)s个班")
MSG_TOTAL_DIFFERS = _("托位总数%(total)s与各班型托位数之和%(sum)s不一致")
MSG_TOTAL_ONLY = _("只填了托位总数，没有按班型填写，班级未导入")
MSG_RULE = _("%(message)s（%(source)s）")
MSG_PHONE_MASKED = _("号码已打码（导出时手机号只显示前3位和后4位），新机构请填写完整号码")
_MASKED = "*"  # exports show mobiles as 138****5678 (security.md rule 12)


@dataclass
class ClassTotals:
    """One class type as a sheet row gives it: how many classes, places and caregivers in all."""

    classes: int | None = None
    places: int | None = None
    caregivers: int | None = None


@dataclass
class InstitutionRow:
    """One institution to load. `data.street_code` may be "" when only `street_name` is given.

    From the seeder, `data` is the whole record (classes and offerings included). From a sheet,
    `fields` names the columns the file has — the others keep what is stored — and `class_totals`
    / `offering_types` describe classes and services per type as the sheet's columns do."""

    data: InstitutionData
    street_name: str = ""
    row: int | None = None
    sheet: str = ""
    district_name: str = ""
    fields: frozenset[str] | None = None  # None: every field of `data` is given
    class_totals: dict[str, ClassTotals] | None = None
    offering_types: frozenset[str] | None = None  # price columns present (None: `data.offerings` is all)
    total_places: int | None = None


# ---------------------------------------------------------------------------------------------
# Streets by code or by name

_STREET_SUFFIXES = ("街道办事处", "街道办", "街道", "镇人民政府", "民族乡", "镇", "乡", "苏木", "办事处")
_DISTRICT_SUFFIXES = ("自治县", "区", "县", "市", "旗")


def _key(text: str) -> str:
    return compact(text).lower()


def _core(name: str, suffixes: Iterable[str] = _STREET_SUFFIXES) -> str:
    key = _key(name)
    for suffix in suffixes:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


class StreetIndex:
    """The streets and districts of the actor's city (or cities), looked up by code or name."""

    def __init__(self, streets: list[Region], districts: list[Region]) -> None:
        self.by_code: dict[str, Region] = {s.code: s for s in streets}
        self.districts = {d.pk: d for d in districts}
        self.active = [s for s in streets if s.is_active]
        self.by_name: dict[str, list[Region]] = defaultdict(list)
        self.by_core: dict[str, list[Region]] = defaultdict(list)
        for s in self.active:
            self.by_name[_key(s.name)].append(s)
            self.by_core[_core(s.name)].append(s)
        self.district_by_name: dict[str, list[Region]] = defaultdict(list)
        for d in districts:
            self.district_by_name[_key(d.name)].append(d)
            self.district_by_name[_core(d.name, _DISTRICT_SUFFIXES)].append(d)

    @classmethod
    def for_actor(cls, actor: Any) -> StreetIndex:
        """Every street of the cities the actor's import scope touches: a district officer's
        sheet may name a street of another district, and is told so rather than "no such street"."""
        prefixes = scope_of(actor, Action.IMPORT_INSTITUTIONS).region_prefixes
        cities = {p[:4] for p in prefixes}
        q = Q()
        for city in sorted(cities):
            q |= Q(code__startswith=city)
        if not cities:
            return cls([], [])
        base = Region.objects.filter(q) if "" not in cities else Region.objects.all()
        streets = list(base.filter(level=Level.STREET))
        districts = list(base.filter(level=Level.DISTRICT))
        return cls(streets, districts)

    def district_of(self, street: Region) -> str:
        d = self.districts.get(street.parent_id)
        return d.name if d else ""

    def describe(self, streets: Iterable[Region]) -> str:
        streets = list(streets)
        shown = [f"{s.name}（{self.district_of(s)}）" if self.district_of(s) else s.name for s in streets[:MAX_CANDIDATES]]
        more = gettext("等%(n)s个") % {"n": len(streets)} if len(streets) > MAX_CANDIDATES else ""
        return "、".join(shown) + more

    def districts_named(self, name: str) -> list[Region] | None:
        if not name:
            return None
        found = self.district_by_name.get(_key(name)) or self.district_by_name.get(_core(name, _DISTRICT_SUFFIXES))
        return list({d.pk: d for d in found}.values()) if found else []

    def _split_qualified(self, text: str) -> tuple[str, str]:
        """"锦江区书院街街道", "书院街街道（锦江区）", "锦江区/书院街街道" → (district, street)."""
        t = compact(text)
        for open_, close in (("(", ")"),):
            if t.endswith(close) and open_ in t:
                head, _sep, tail = t[:-1].rpartition(open_)
                if head and self.districts_named(tail):
                    return tail, head
        if "/" in t:
            head, _sep, tail = t.partition("/")
            if self.districts_named(head):
                return head, tail
        for d_key in sorted(self.district_by_name, key=len, reverse=True):
            if len(d_key) >= 2 and _key(t).startswith(d_key) and len(t) > len(d_key):
                rest = t[len(d_key):]
                if self.by_name.get(_key(rest)) or self.by_core.get(_core(rest)):
                    return d_key, rest
        return "", t

    def resolve(self, *, code: str, name: str, district: str) -> tuple[Region | None, str, str, str]:
        """(street, error column key, error message, warning). The column key says where an error
        belongs: "street_code", "street_name" or "district"."""
        districts = self.districts_named(district)
        if districts == []:
            return None, "district", str(MSG_DISTRICT_UNKNOWN % {"name": district}), ""
        district_ids = {d.pk for d in districts} if districts else None
        if code:
            street = self.by_code.get(code)
            if street is None:
                return None, "street_code", str(MSG_STREET_CODE_UNKNOWN % {"code": code}), ""
            if name and _key(name) != _key(street.name) and _core(name) != _core(street.name):
                return None, "street_code", str(MSG_STREET_CODE_MISMATCH % {
                    "code": code, "known": street.name, "given": name}), ""
            if district_ids is not None and street.parent_id not in district_ids:
                return None, "district", str(MSG_DISTRICT_MISMATCH % {
                    "street": street.name, "district": self.district_of(street), "given": district}), ""
            warning = "" if street.is_active else str(MSG_STREET_INACTIVE % {"name": street.name, "code": street.code})
            return street, "", "", warning
        if not name:
            return None, "street_name", str(MSG_STREET_MISSING), ""
        qualifier, plain = self._split_qualified(name)
        if qualifier and district_ids is None:
            district_ids = {d.pk for d in self.districts_named(qualifier) or []}
        found = self.by_name.get(_key(plain)) or self.by_core.get(_core(plain)) or []
        if district_ids is not None:
            in_district = [s for s in found if s.parent_id in district_ids]
            if found and not in_district and not qualifier:
                s = found[0]
                return None, "district", str(MSG_DISTRICT_MISMATCH % {
                    "street": s.name, "district": self.district_of(s), "given": district}), ""
            found = in_district
        if len(found) == 1:
            return found[0], "", "", ""
        if len(found) > 1:
            return None, "street_name", str(MSG_STREET_AMBIGUOUS % {"name": name, "candidates": self.describe(found)}), ""
        return None, "street_name", self._not_found(name, plain, district_ids), ""

    def _not_found(self, name: str, plain: str, district_ids: set[int] | None) -> str:
        key, core = _key(plain), _core(plain)
        pool = [s for s in self.active if district_ids is None or s.parent_id in district_ids]
        partial = [s for s in pool if core and (core in _key(s.name) or _core(s.name) in key
                                                 or core in _key(self.district_of(s)))]
        if len(partial) > 1:
            return str(MSG_STREET_AMBIGUOUS % {"name": name, "candidates": self.describe(partial)})
        if not partial:
            names = {_key(s.name): s for s in pool}
            partial = [names[n] for n in difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)]
        if partial:
            return str(MSG_STREET_SUGGEST % {"name": name, "candidates": self.describe(partial)})
        return str(MSG_STREET_NONE % {"name": name})


# ---------------------------------------------------------------------------------------------
# Loading


_SIMPLE = tuple(
    f.name for f in fields(InstitutionData) if f.name not in ("street_code", "classes", "offerings", "lead_institution_id")
)
_CHINESE_NUMERALS = "零一二三四五六七八九"


def _numeral(n: int) -> str:
    if n < 10:
        return _CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (_CHINESE_NUMERALS[tens] if tens > 1 else "") + "十" + (_CHINESE_NUMERALS[ones] if ones else "")


def _class_name(class_type: str, i: int) -> str:
    """托小一班, 托小二班 …: the way centres name their classes."""
    short = CLASS_LABELS[class_type][1]
    return f"{short}{_numeral(i)}班"


def _split(total: int, parts: int) -> list[int]:
    base, rem = divmod(total, parts)
    return [base + (1 if i < rem else 0) for i in range(parts)]


@dataclass
class _Plan:
    row: InstitutionRow
    existing: Institution | None
    data: InstitutionData
    changed: bool = True
    validated: tuple | None = None  # for a new institution: what institution_validate returned


def _places(model: Any, name: str) -> Decimal:
    return Decimal(1).scaleb(-model._meta.get_field(name).decimal_places)


_DECIMALS = {name: _places(Institution, name) for name in (
    "latitude", "longitude", "building_area_m2", "outdoor_area_m2", "puhui_price")}
_PRICE = _places(ServiceOffering, "price")


def _quantize(data: InstitutionData) -> None:
    """Numbers as the database keeps them (3700 → 3700.00), so a reload compares equal."""
    for name, exp in _DECIMALS.items():
        value = getattr(data, name)
        if value is not None:
            with contextlib.suppress(InvalidOperation):  # too many digits: validation says so
                setattr(data, name, Decimal(value).quantize(exp))
    for o in data.offerings:
        if o.price is not None:
            with contextlib.suppress(InvalidOperation):
                o.price = Decimal(o.price).quantize(_PRICE)


def _column(key: str) -> str:
    return INSTITUTIONS.column(key).label


def _row_label(r: InstitutionRow) -> tuple[str, int | None]:
    return r.sheet, r.row


class _Loader:
    def __init__(self, actor: Any, rows: list[InstitutionRow], result: LoadResult,
                 progress: Callable[[int, int], None] | None) -> None:
        self.actor, self.rows, self.result, self.progress = actor, rows, result, progress
        self.scope = scope_of(actor, Action.IMPORT_INSTITUTIONS)
        self.streets = StreetIndex.for_actor(actor)
        self.by_credit: dict[str, Institution] = {}
        self.by_name: dict[tuple[str, int], list[Institution]] = defaultdict(list)
        self.credit_owners: dict[str, tuple[int, str]] = {}

    # -- prefetch ------------------------------------------------------------------------------

    def _prefetch(self) -> None:
        qs = Institution.objects.prefetch_related(
            Prefetch("classes", queryset=CareClass.objects.order_by("class_type", "name")), "offerings")
        codes = sorted({compact(r.data.credit_code).upper() for r in self.rows if r.data.credit_code})
        for i in range(0, len(codes), IN_CHUNK):
            for inst in qs.filter(credit_code__in=codes[i:i + IN_CHUNK]):
                self.by_credit[inst.credit_code] = inst
                self.credit_owners[inst.credit_code] = (inst.pk, inst.name)
        names = sorted({" ".join(r.data.name.split()) for r in self.rows if r.data.name})
        for i in range(0, len(names), IN_CHUNK):
            for inst in qs.filter(name__in=names[i:i + IN_CHUNK]):
                self.by_name[(inst.name, inst.street_id)].append(inst)
                if inst.credit_code:
                    self.credit_owners[inst.credit_code] = (inst.pk, inst.name)

    # -- one row -------------------------------------------------------------------------------

    def _error(self, r: InstitutionRow, key: str, message: Any) -> None:
        label = _column(key) if key in {c.key for c in INSTITUTIONS.columns} else key
        self.result.error(r.sheet, r.row, label, message)

    def _street(self, r: InstitutionRow) -> Region | None:
        code = ""
        if r.data.street_code:
            try:
                code = normalize_code(r.data.street_code)
            except DivisionCodeError as exc:
                self._error(r, "street_code", str(exc).rstrip("。"))
                return None
        street, where, message, warning = self.streets.resolve(code=code, name=r.street_name, district=r.district_name)
        if message:
            self._error(r, where, message)
            return None
        if warning:
            self.result.warning(r.sheet, r.row, _column("street_code" if code else "street_name"), warning)
        return street

    def _match(self, r: InstitutionRow, street: Region) -> tuple[Institution | None, bool]:
        """The stored institution this row describes (by credit code, else by name + street)."""
        credit = compact(r.data.credit_code).upper()
        if credit and credit in self.by_credit:
            return self.by_credit[credit], True
        same = self.by_name.get((" ".join(r.data.name.split()), street.pk), [])
        if credit:
            same = [i for i in same if not i.credit_code]
        if len(same) > 1:
            self._error(r, "name", MSG_NAME_AMBIGUOUS % {"n": len(same)})
            return None, False
        return (same[0] if same else None), True

    def _merge(self, r: InstitutionRow, existing: Institution | None, street: Region) -> InstitutionData:
        """The record after this row: the row's columns over what is stored."""
        given = r.fields
        if existing is None or given is None:
            data = copy.copy(r.data)
            data.classes = list(r.data.classes)
            data.offerings = list(r.data.offerings)
            if existing is not None and not r.data.credit_code:
                data.credit_code = existing.credit_code or ""
        else:
            data = InstitutionData.from_instance(existing)
            for name in _SIMPLE:
                if name in given:
                    value = getattr(r.data, name)
                    if name == "credit_code" and not value:
                        continue  # a blank cell never removes a registered code
                    if name == "contact_phone" and _MASKED in (value or ""):
                        continue  # a masked number from an export: keep the stored one
                    setattr(data, name, value)
        if _MASKED in (data.contact_phone or ""):
            self._error(r, "contact_phone", MSG_PHONE_MASKED)
        data.street_code = street.code
        _quantize(data)
        if r.class_totals is not None:
            data.classes = self._classes(r, existing)
        if r.offering_types is not None:
            data.offerings = self._offerings(r, existing)
        return data

    def _classes(self, r: InstitutionRow, existing: Institution | None) -> list[ClassData]:
        stored: dict[str, list[CareClass]] = defaultdict(list)
        if existing is not None:
            for c in existing.classes.all():
                stored[c.class_type].append(c)
        out: list[ClassData] = []
        total = 0
        for t in ClassType.values:
            keep = [ClassData(c.name, c.class_type, c.planned_capacity, c.planned_caregivers) for c in stored[t]]
            totals = r.class_totals.get(t) if r.class_totals else None
            if totals is None:  # the sheet has no column for this type: keep what is stored
                out += keep
                total += sum(c.planned_capacity for c in keep)
                continue
            count, places, staff = totals.classes or 0, totals.places or 0, totals.caregivers
            if count and not places:
                self._error(r, CLASS_KEYS[t][1], MSG_PLACES_MISSING)
                continue
            if places and not count:
                legal_max = std.max_children(t)
                count = math.ceil(places / legal_max)
                self.result.warning(r.sheet, r.row, _column(CLASS_KEYS[t][0]), MSG_CLASSES_GUESSED % {"max": legal_max, "n": count})
            total += places
            if not count:
                continue
            stored_staff = [c.planned_caregivers for c in stored[t]]
            same_staff = (staff is None and all(s is None for s in stored_staff)) or (
                staff is not None and None not in stored_staff and sum(stored_staff) == staff)
            if len(keep) == count and sum(c.planned_capacity for c in keep) == places and same_staff:
                out += keep  # the same figures: the stored classes stay as they are
                continue
            caps = _split(places, count)
            staffs = _split(staff, count) if staff is not None else [None] * count
            out += [ClassData(_class_name(t, i + 1), t, caps[i], staffs[i]) for i in range(count)]
        if r.total_places is not None:
            described = bool(r.class_totals) and any(
                (v.places or v.classes) for v in r.class_totals.values())
            if not described and not out:
                self.result.warning(r.sheet, r.row, _column("total_places"), MSG_TOTAL_ONLY)
            elif r.total_places != total:
                self.result.warning(r.sheet, r.row, _column("total_places"), MSG_TOTAL_DIFFERS % {
                    "total": r.total_places, "sum": total})
        return out

    def _offerings(self, r: InstitutionRow, existing: Institution | None) -> list[OfferingData]:
        stored = {o.service_type: o for o in existing.offerings.all()} if existing is not None else {}
        given = {o.service_type: o for o in r.data.offerings}
        out: list[OfferingData] = []
        for t in ServiceType.values:
            if t not in (r.offering_types or ()):
                if t in stored:
                    o = stored[t]
                    out.append(OfferingData(t, o.price, o.price_unit))
                continue
            o = given.get(t)
            if o is None:
                continue
            old = stored.get(t)
            unit = o.price_unit or (old.price_unit if old is not None and old.price == o.price else DEFAULT_PRICE_UNIT[t])
            out.append(OfferingData(t, o.price, unit))
        return out

    def _field_errors(self, r: InstitutionRow, exc: DomainError, data: InstitutionData) -> None:
        present = r.fields
        for key, messages in (exc.field_errors or {"": [str(exc.message)]}).items():
            head, _dot, rest = key.partition(".")
            column = key
            if head == "classes" and rest:
                i = int(rest.split(".")[0])
                t = data.classes[i].class_type if i < len(data.classes) else ""
                column = CLASS_KEYS[t][1] if t in CLASS_KEYS else gettext("班级")
            elif head == "offerings" and rest:
                i = int(rest.split(".")[0])
                t = data.offerings[i].service_type if i < len(data.offerings) else ""
                column = PRICE_KEYS.get(t, gettext("服务类型"))
            elif key == "street_code":
                column = "street_code" if present is None or "street_code" in (present or ()) else "street_name"
            elif key == "lead_institution_id":
                column = gettext("牵头机构")
            elif key in ("__all__", ""):
                column = ""
            for message in messages:
                self._error(r, column, message)

    def _check_without_street(self, r: InstitutionRow) -> None:
        """A row whose street is wrong still gets its other errors listed, so one upload shows
        everything to fix."""
        data = copy.copy(r.data)
        data.street_code = ""
        data.classes, data.offerings = [], list(r.data.offerings)
        _quantize(data)
        if r.class_totals is not None:
            data.classes = self._classes(r, None)
        existing = self.by_credit.get(compact(r.data.credit_code).upper()) if r.data.credit_code else None
        try:
            institution_validate(data, instance=copy.copy(existing) if existing else None, streets={},
                                 credit_owners=self.credit_owners)
        except DomainError as exc:
            exc.field_errors.pop("street_code", None)
            if exc.field_errors:
                self._field_errors(r, exc, data)

    def _warn_rules(self, r: InstitutionRow, inst: Institution, classes: list[CareClass]) -> None:
        check = institution_rule_check(_Preview(inst, classes))
        for v in check.violations:
            self.result.warning(r.sheet, r.row, gettext("设置标准"), MSG_RULE % {"message": v.message, "source": v.source})

    # -- the whole sheet -----------------------------------------------------------------------

    def validate(self) -> list[_Plan]:
        self._prefetch()
        plans: list[_Plan] = []
        credit_rows: dict[str, int | None] = {}
        name_rows: dict[tuple[str, int], int | None] = {}
        total = len(self.rows)
        for n, r in enumerate(self.rows, start=1):
            if self.progress and n % PROGRESS_EVERY == 0:
                self.progress(n, total)
            errors_before = self.result.error_count
            street = self._street(r)
            if street is None:
                self._check_without_street(r)
                continue
            credit = compact(r.data.credit_code).upper()
            if credit:
                if credit in credit_rows:
                    self._error(r, "credit_code", MSG_DUP_CREDIT % {"row": credit_rows[credit]})
                    continue
                credit_rows[credit] = r.row
            else:
                key = (" ".join(r.data.name.split()), street.pk)
                if key in name_rows:
                    self._error(r, "name", MSG_DUP_NAME % {"row": name_rows[key]})
                    continue
                name_rows[key] = r.row
            existing, ok = self._match(r, street)
            if not ok:
                continue
            if existing is not None and not self.scope.covers_region(existing.region_code):
                self._error(r, "credit_code" if credit else "name", MSG_EXISTING_OUT_OF_SCOPE)
                continue
            if not self.scope.covers_region(street.code):
                self._error(r, "street_code" if r.data.street_code else "street_name", MSG_OUT_OF_SCOPE % {
                    "street": street.name, "district": self.streets.district_of(street)})
                continue
            data = self._merge(r, existing, street)
            if self.result.error_count > errors_before:
                continue
            try:
                inst, classes, offerings = institution_validate(
                    data, instance=copy.copy(existing) if existing else None,
                    streets=self.streets.by_code, credit_owners=self.credit_owners)
            except DomainError as exc:
                self._field_errors(r, exc, data)
                continue
            self._warn_rules(r, inst, classes)
            changed = existing is None or bool(audit.diff(_state(existing), _state(inst, classes, offerings)))
            plans.append(_Plan(r, existing, data, changed, (inst, classes, offerings) if existing is None else None))
        if self.progress:
            self.progress(total, total)
        return plans

    def write(self, plans: list[_Plan]) -> None:
        entries: list = []
        children: tuple[list[CareClass], list[ServiceOffering]] = ([], [])
        for plan in plans:
            if plan.existing is None:
                inst = institution_create(actor=self.actor, data=plan.data, streets=self.streets.by_code,
                                          credit_owners=self.credit_owners, audit_entries=entries,
                                          validated=plan.validated, children_sink=children)
                if inst.credit_code:
                    self.credit_owners[inst.credit_code] = (inst.pk, inst.name)
                self.result.created += 1
            elif not plan.changed:
                self.result.unchanged += 1
            else:
                _inst, changed = institution_update(
                    actor=self.actor, institution=plan.existing, data=plan.data, streets=self.streets.by_code,
                    credit_owners=self.credit_owners, audit_entries=entries)
                if changed:
                    self.result.updated += 1
                else:
                    self.result.unchanged += 1
        CareClass.objects.bulk_create(children[0], batch_size=1000)
        ServiceOffering.objects.bulk_create(children[1], batch_size=1000)
        audit.append(entries)


class _Preview:
    """An institution with its not yet saved classes, for the rule check before anything is written."""

    def __init__(self, inst: Institution, classes: list[CareClass]) -> None:
        self._inst = inst
        self.classes = _Listed(classes)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inst, name)


class _Listed:
    def __init__(self, items: list) -> None:
        self._items = items

    def all(self) -> list:
        return list(self._items)


def _state(inst: Institution, classes: list[CareClass] | None = None,
           offerings: list[ServiceOffering] | None = None) -> dict[str, Any]:
    """What the registry compares to decide whether an update changes anything."""
    from .registry import _MODEL_FIELDS

    snap = {name: getattr(inst, name) for name in _MODEL_FIELDS}
    snap["street"] = inst.region_code
    snap["classes"] = sorted(
        f"{c.name}|{c.class_type}|{c.planned_capacity}|{c.planned_caregivers or ''}"
        for c in (inst.classes.all() if classes is None else classes))
    snap["offerings"] = sorted(
        f"{o.service_type}|{o.price}|{o.price_unit}" for o in (inst.offerings.all() if offerings is None else offerings))
    return snap


def institutions_load(
    *, actor: Any, rows: list[InstitutionRow], source: str = "", file_sha256: str = "",
    progress: Callable[[int, int], None] | None = None, prior: LoadResult | None = None,
) -> LoadResult:
    """Load a list of institutions: every row validated by the registry's rules, streets resolved
    by code or by a name matching exactly one street of the city, existing institutions (by credit
    code, else name + street) updated, the rest created — all in one transaction, or nothing when
    any row is invalid. Rows outside the actor's IMPORT_INSTITUTIONS scope are errors.

    `progress(done, total)` is called while rows are checked; `prior` carries the file's reading
    errors and warnings."""
    result = prior or LoadResult(rows=len(rows))
    result.kind = "institutions"
    result.file_name = result.file_name or source
    result.file_sha256 = result.file_sha256 or file_sha256
    loader = _Loader(actor, rows, result, progress)
    plans = loader.validate()
    region_code = common_region_code([p.data.street_code for p in plans])
    if not result.ok:
        exc = result.reject()
        record_rejected_load(actor, "institutions_load", result, region_code=region_code)
        raise exc
    try:
        with transaction.atomic():
            loader.write(plans)
            result.written = True
            result.sort()
            audit.append([load_audit_entry(actor, "institutions_load", result, region_code=region_code)])
    except DomainError as exc:  # someone changed the registry between the check and the write
        result.created = result.updated = result.unchanged = 0
        result.written = False
        result.error("", None, "", exc.message)
        rejected = result.reject()
        record_rejected_load(actor, "institutions_load", result, region_code=region_code)
        raise rejected from exc
    return result


# ---------------------------------------------------------------------------------------------
# Files


def _row_from_sheet(r: SheetRow, present: set[str]) -> InstitutionRow:
    v = r.values
    simple = {name: v.get(name) for name in _SIMPLE if name in present}
    for name in ("name", "address", "filing_number", "contact_phone", "open_days", "credit_code"):
        if name in simple and simple[name] is None:
            simple[name] = ""
    if "puhui" in simple and simple["puhui"] is None:
        simple["puhui"] = False
    if "demonstration_level" in simple and simple["demonstration_level"] is None:
        simple["demonstration_level"] = DemonstrationLevel.NONE
    if "status" in simple and simple["status"] is None:
        del simple["status"]  # blank: new ones start as 筹备, stored ones keep theirs
    given = frozenset(simple)
    data = InstitutionData(
        name=simple.pop("name", "") or "", street_code=v.get("street_code") or "",
        address=simple.pop("address", "") or "", registration_type=simple.pop("registration_type", "") or "",
        service_model=simple.pop("service_model", "") or "", ownership=simple.pop("ownership", "") or "",
        **simple,
    )
    class_totals = None
    types_present = [t for t, keys in CLASS_KEYS.items() if any(k in present for k in keys)]
    if types_present:
        class_totals = {
            t: ClassTotals(v.get(CLASS_KEYS[t][0]), v.get(CLASS_KEYS[t][1]), v.get(CLASS_KEYS[t][2]))
            for t in types_present
        }
    elif "total_places" in present:
        class_totals = {}
    offering_types = frozenset(t for t, k in PRICE_KEYS.items() if k in present) or None
    if offering_types:
        data.offerings = [OfferingData(t, v.get(PRICE_KEYS[t])) for t in offering_types if v.get(PRICE_KEYS[t]) is not None]
    return InstitutionRow(
        data=data, street_name=v.get("street_name") or "", row=r.row, sheet=r.sheet,
        district_name=v.get("district") or "", fields=given, class_totals=class_totals,
        offering_types=offering_types, total_places=v.get("total_places"),
    )


def institutions_load_file(
    *, actor: Any, data: bytes, file_name: str, progress: Callable[[int, int], None] | None = None,
) -> LoadResult:
    """Read an institution sheet (.xlsx or .csv) and load it."""
    sheet = read_sheet(data, INSTITUTIONS, file_name=file_name)
    rows = [_row_from_sheet(r, sheet.present) for r in sheet.good_rows]
    return institutions_load(actor=actor, rows=rows, source=file_name, file_sha256=sheet.result.file_sha256,
                             progress=progress, prior=sheet.result)


# ---------------------------------------------------------------------------------------------
# Export


@dataclass
class InstitutionExport:
    content: bytes
    file_name: str
    content_type: str
    rows: int
    filters: dict[str, Any] = field(default_factory=dict)


def _export_item(inst: Institution) -> dict[str, Any]:
    item: dict[str, Any] = {name: getattr(inst, name) for name in _SIMPLE}
    item["credit_code"] = inst.credit_code or ""
    phone = inst.contact_phone or ""
    # Mobiles are personal (a home-based point's is its carer's own): masked as in every list
    # (security.md rule 12); landlines are the institution's and stay whole. Loading the sheet
    # back keeps the stored number wherever it finds a masked one.
    item["contact_phone"] = mask_phone(phone) if len(phone) == 11 and phone.startswith("1") else phone
    item["street_code"] = inst.street.code
    item["street_name"] = inst.street.name
    item["district"] = inst.street.parent.name if inst.street.parent_id else ""
    by_type: dict[str, list[CareClass]] = defaultdict(list)
    for c in inst.classes.all():
        by_type[c.class_type].append(c)
    total = 0
    for t, (k_classes, k_places, k_staff) in CLASS_KEYS.items():
        classes = by_type.get(t, [])
        places = sum(c.planned_capacity for c in classes)
        total += places
        item[k_classes] = len(classes) or None
        item[k_places] = places if classes else None
        staff = [c.planned_caregivers for c in classes]
        item[k_staff] = sum(staff) if classes and None not in staff else None
    item["total_places"] = total or None
    for o in inst.offerings.all():
        item[PRICE_KEYS[o.service_type]] = o.price if o.price is not None else Decimal(0)
    return item


def institutions_export(*, actor: Any, queryset: Any, fmt: str = "xlsx", filters: dict[str, Any] | None = None) -> InstitutionExport:
    """The institutions of `queryset` (already restricted to the actor's EXPORT_DATA scope and
    filtered like the list page) in the institution sheet's columns, loadable again as is. The
    export is audited with who, scope, row count, format and filters (security.md rule 17)."""
    qs = queryset.select_related("street", "street__parent").prefetch_related(
        Prefetch("classes", queryset=CareClass.objects.order_by("class_type", "name")), "offerings",
    ).order_by("region_code", "name", "id")
    items = [_export_item(inst) for inst in qs]
    stem = gettext("托育机构")
    if fmt == "csv":
        content, name, ctype = write_csv(INSTITUTIONS, items), export_file_name(stem, "csv"), CSV_CONTENT_TYPE
    else:
        content, name, ctype = write_xlsx(INSTITUTIONS, items), export_file_name(stem, "xlsx"), XLSX_CONTENT_TYPE
    record_export(actor, "institutions_export", fmt=fmt, rows=len(items),
                  region_code=common_region_code([i["street_code"] for i in items]), filters=filters or {},
                  scope_action=Action.EXPORT_DATA)
    return InstitutionExport(content, name, ctype, len(items), filters or {})


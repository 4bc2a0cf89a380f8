"""Loading and exporting the division tree and population figures (issue #9).

`regions_load` and `populations_load` are the one way divisions and population come in: the
officer's upload page, the command line (`tuoyu load-regions`, `tuoyu load-population`) and the demo
seeder all call them. Each validates every row first; one bad row and nothing is written
(`LoadRejected` lists every error by row and column). Otherwise everything is written in one
transaction with an audit row per changed object and one for the load (security.md rules 19, 30).
Loading the same rows again changes nothing and audits nothing but the load.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuoyu.core import audit
from tuoyu.core.divisions import (
    LEVEL_DEPTH,
    DivisionCodeError,
    Level,
    level_of,
    normalize_code,
    parent_code,
    prefix_of,
)
from tuoyu.core.permissions import Action
from tuoyu.core.scoping import scope_of
from tuoyu.core.sheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    LoadResult,
    common_region_code,
    export_file_name,
    load_audit_entry,
    read_sheet,
    record_export,
    record_rejected_load,
    write_csv,
    write_xlsx,
)
from tuoyu.core.validators import validate_latitude, validate_longitude

from .models import Region, RegionPopulation
from .sheets import DIVISIONS, POPULATION, levels_for

__all__ = [
    "DivisionRow", "ExportFile", "PopulationRow", "populations_export", "populations_load",
    "populations_load_file", "regions_export", "regions_load", "regions_load_file",
]

# Statistics years a file may carry: none before the People's Republic's first figures, none
# beyond next year (a plan's target year at most). A sanity bound, not a legal rule.
FIRST_YEAR = 1949
# SQLite accepts at most 32,766 parameters per query; fetch by codes in slices well below it.
IN_CHUNK = 900

MSG_NAME_EMPTY = _("不能为空")
MSG_NAME_LONG = _("最多100个字")
MSG_LEVEL_UNKNOWN = _("“%(value)s”无法识别，可填：区/县、街道/镇、社区/村（或区、县、街道、镇、社区、村）")
MSG_LEVEL_MISMATCH = _("填的是“%(value)s”，但代码%(code)s的结构是%(level)s级（6位为区/县，9位为街道/镇，12位为社区/村）")
MSG_DUPLICATE = _("与第%(row)s行重复")
MSG_OUT_OF_SCOPE = _("%(code)s不在您管辖的范围内")
MSG_NO_PARENT = _("上级区划%(parent)s既不在文件中，也没有导入过：请先导入上级，或把它加进文件")
MSG_PARENT_INACTIVE = _("上级区划%(parent)s（%(name)s）已停用")
MSG_DEACTIVATED = _("文件中没有，已标记为停用：%(name)s（%(code)s）")
MSG_UNKNOWN_REGION = _("%(code)s还没有导入：请先导入行政区划")
MSG_YEAR = _("应在%(min)s年到%(max)s年之间")
MSG_NOT_WHOLE = _("应为不小于0的整数")
MSG_UNDER3_ABOVE = _("3岁以下婴幼儿数%(n)s超过了常住人口%(pop)s")
MSG_BIRTHS_ABOVE = _("出生人口%(n)s超过了常住人口%(pop)s")
MSG_NAME_DIFFERS = _("名称“%(given)s”与系统中的“%(known)s”不一致，按代码导入")
MSG_CHILDREN_ABOVE = _(
    "%(name)s%(year)s年%(what)s为%(parent)s，低于其下%(n)s个下级区划之和%(sum)s；统计口径可能不同，请核实"
)


@dataclass
class DivisionRow:
    """One division as a file or the seeder gives it. `level` may be blank (derived from the code),
    an English code or a Chinese word (区/县/街道/镇/社区/村 …); it must fit the code's structure."""

    code: str
    name: str
    level: str = ""
    row: int | None = None
    latitude: Decimal | None = None  # None: keep what is stored
    longitude: Decimal | None = None
    sheet: str = ""


@dataclass
class PopulationRow:
    """One region's figures for one year. None for births or children: keep what is stored."""

    code: str
    year: int
    resident_population: int
    births: int | None = None
    children_under_3: int | None = None
    row: int | None = None
    name: str = ""  # only checked against the stored name (a warning when it differs)
    source: str = ""
    sheet: str = ""


@dataclass
class ExportFile:
    content: bytes
    file_name: str
    content_type: str
    rows: int


def _fetch_regions(codes: Iterable[str]) -> dict[str, Region]:
    codes = sorted(set(codes))
    found: dict[str, Region] = {}
    for i in range(0, len(codes), IN_CHUNK):
        for region in Region.objects.filter(code__in=codes[i:i + IN_CHUNK]):
            found[region.code] = region
    return found


def _col(spec: Any, key: str) -> str:
    return spec.column(key).label


# ---------------------------------------------------------------------------------------------
# Divisions


@dataclass
class _Division:
    row: DivisionRow
    code: str
    name: str
    level: str


def regions_load(
    *, actor: Any, rows: list[DivisionRow], deactivate_missing: bool = False, source: str = "",
    file_sha256: str = "", prior: LoadResult | None = None,
) -> LoadResult:
    """Load the division tree. Checks: code format (6/9/12 digits), level fits the code, names
    not empty, no duplicate codes, the parent exists in the file or is already loaded (a province or
    city may be a root), every code inside the actor's MANAGE_REGIONS scope. An existing code is
    renamed, never duplicated; with `deactivate_missing`, divisions under the file's roots that the
    file leaves out are marked inactive (never deleted), and ones that come back are reactivated.

    `prior` carries what reading the file already found (cell errors, warnings, row count)."""
    result = prior or LoadResult(rows=len(rows))
    result.kind = "regions"
    result.file_name = result.file_name or source
    result.file_sha256 = result.file_sha256 or file_sha256
    scope = scope_of(actor, Action.MANAGE_REGIONS)
    c_code, c_name, c_level = _col(DIVISIONS, "code"), _col(DIVISIONS, "name"), _col(DIVISIONS, "level")

    items: dict[str, _Division] = {}
    for r in rows:
        try:
            code = normalize_code(r.code)
        except DivisionCodeError as exc:
            result.error(r.sheet, r.row, c_code, str(exc).rstrip("。"))
            continue
        name = " ".join(str(r.name or "").split())
        structural = level_of(code)
        if not name:
            result.error(r.sheet, r.row, c_name, MSG_NAME_EMPTY)
        elif len(name) > Region._meta.get_field("name").max_length:
            result.error(r.sheet, r.row, c_name, MSG_NAME_LONG)
        if r.level and str(r.level).strip():
            allowed = levels_for(str(r.level))
            if allowed is None:
                result.error(r.sheet, r.row, c_level, MSG_LEVEL_UNKNOWN % {"value": r.level})
            elif structural not in allowed:
                result.error(r.sheet, r.row, c_level, MSG_LEVEL_MISMATCH % {
                    "value": r.level, "code": code, "level": Level(structural).label})
        for value, key, check in ((r.latitude, "latitude", validate_latitude), (r.longitude, "longitude", validate_longitude)):
            try:
                check(value)
            except ValidationError as exc:
                result.error(r.sheet, r.row, _col(DIVISIONS, key), exc.messages[0].rstrip("。"))
        if code in items:
            result.error(r.sheet, r.row, c_code, MSG_DUPLICATE % {"row": items[code].row.row})
            continue
        if not scope.covers_region(code):
            result.error(r.sheet, r.row, c_code, MSG_OUT_OF_SCOPE % {"code": code})
        items[code] = _Division(r, code, name, structural)

    parents = {parent_code(c) for c in items} - {None}
    existing = _fetch_regions(set(items) | parents)
    for code, item in items.items():
        pcode = parent_code(code)
        if pcode is None or pcode in items:
            continue
        parent = existing.get(pcode)
        if parent is None:
            if item.level not in (Level.PROVINCE, Level.CITY):  # a province or city may be a root
                result.error(item.row.sheet, item.row.row, c_code, MSG_NO_PARENT % {"parent": pcode})
        elif not parent.is_active:
            result.warning(item.row.sheet, item.row.row, c_code, MSG_PARENT_INACTIVE % {"parent": pcode, "name": parent.name})

    region_code = common_region_code(list(items))
    if not result.ok:
        raise _rejected(actor, "regions_load", result, region_code)
    with transaction.atomic():
        _write_divisions(actor, items, existing, result, deactivate_missing)
        result.written = True
        result.sort()
        audit.append([load_audit_entry(actor, "regions_load", result, region_code=region_code)])
    return result


def _rejected(actor: Any, action: str, result: LoadResult, region_code: str) -> Exception:
    exc = result.reject()
    record_rejected_load(actor, action, result, region_code=region_code)
    return exc


def _region_state(region: Region, parent: str | None) -> dict[str, Any]:
    return {
        "name": region.name, "level": region.level, "is_active": region.is_active, "parent": parent,
        "latitude": region.latitude, "longitude": region.longitude,
    }


def _write_divisions(
    actor: Any, items: dict[str, _Division], existing: dict[str, Region], result: LoadResult,
    deactivate_missing: bool,
) -> None:
    now = timezone.now()
    by_code: dict[str, Region] = dict(existing)
    code_by_pk = {r.pk: r.code for r in existing.values()}
    entries = []
    to_update: list[Region] = []
    by_depth: dict[int, list[_Division]] = defaultdict(list)
    for item in items.values():
        by_depth[LEVEL_DEPTH[item.level]].append(item)
    for depth in sorted(by_depth):  # parents first, so children can point at them
        created: list[Region] = []
        for item in sorted(by_depth[depth], key=lambda i: i.code):
            pcode = parent_code(item.code)
            parent = by_code.get(pcode) if pcode else None
            lat, lng = item.row.latitude, item.row.longitude
            region = existing.get(item.code)
            if region is None:
                region = Region(code=item.code, name=item.name, level=item.level, parent=parent,
                                latitude=lat, longitude=lng, is_active=True)
                created.append(region)
                by_code[item.code] = region
                continue
            old_parent = code_by_pk.get(region.parent_id) if region.parent_id else None
            if region.parent_id and old_parent is None:
                old_parent = Region.objects.filter(pk=region.parent_id).values_list("code", flat=True).first()
            before = _region_state(region, old_parent)
            region.name, region.level, region.is_active = item.name, item.level, True
            region.parent = parent
            if lat is not None:
                region.latitude = lat
            if lng is not None:
                region.longitude = lng
            changes = audit.diff(before, _region_state(region, parent.code if parent else None))
            if changes:
                region.updated_at = now
                to_update.append(region)
                entries.append(audit.build(actor, "region_update", target=region, changes=changes))
                result.updated += 1
            else:
                result.unchanged += 1
        if created:
            Region.objects.bulk_create(created, batch_size=1000)
            for region in created:
                changes = {"name": [None, region.name], "level": [None, region.level], "is_active": [None, True]}
                if region.parent is not None:
                    changes["parent"] = [None, region.parent.code]
                if region.latitude is not None or region.longitude is not None:
                    changes |= {"latitude": [None, str(region.latitude)], "longitude": [None, str(region.longitude)]}
                entries.append(audit.build(actor, "region_create", target=region, changes=changes))
            result.created += len(created)
    if to_update:
        Region.objects.bulk_update(
            to_update, ["name", "level", "parent", "is_active", "latitude", "longitude", "updated_at"], batch_size=1000)
    if deactivate_missing:
        entries += _deactivate_missing(actor, items, result, now)
    audit.append(entries)


def _deactivate_missing(actor: Any, items: dict[str, _Division], result: LoadResult, now: Any) -> list:
    """Under the smallest division that contains every code of the file (the file's root), mark
    inactive every division of the levels the file lists, inside the actor's scope, that the file
    leaves out: a file of one district's streets retires only that district's missing streets; a
    file of the city's districts retires missing districts and leaves streets alone."""
    root = common_region_code(list(items))
    roots = {root} if root else {code[:2].ljust(12, "0") for code in items}
    levels = {item.level for item in items.values()}
    gone: list[Region] = []
    for root in sorted(roots):
        qs = (Region.objects.restrict(actor, Action.MANAGE_REGIONS)
              .filter(is_active=True, level__in=levels, code__startswith=prefix_of(root)).exclude(code=root))
        gone += [r for r in qs if r.code not in items]
    entries = []
    for region in gone:
        region.is_active = False
        region.updated_at = now
        entries.append(audit.build(actor, "region_deactivate", target=region, changes={"is_active": [True, False]}))
        result.warning("", None, "", MSG_DEACTIVATED % {"name": region.name, "code": region.code})
    Region.objects.bulk_update(gone, ["is_active", "updated_at"], batch_size=1000)
    result.deactivated += len(gone)
    return entries


# ---------------------------------------------------------------------------------------------
# Population


def populations_load(
    *, actor: Any, rows: list[PopulationRow], source: str = "", file_sha256: str = "",
    prior: LoadResult | None = None,
) -> LoadResult:
    """Load population figures by region and year. Checks: the region is loaded and in the actor's
    MANAGE_REGIONS scope, whole non-negative numbers, a plausible year, children under 3 and
    births not above the population, one row per region and year. A region's figures below the sum
    of its subdivisions' (both given, same year) is a warning: statistics often differ. An existing
    (region, year) is updated; blank births or children keep the stored figure."""
    result = prior or LoadResult(rows=len(rows))
    result.kind = "population"
    result.file_name = result.file_name or source
    result.file_sha256 = result.file_sha256 or file_sha256
    scope = scope_of(actor, Action.MANAGE_REGIONS)
    max_year = timezone.localdate().year + 1
    c_code, c_year = _col(POPULATION, "code"), _col(POPULATION, "year")

    codes: dict[int, str] = {}
    for i, r in enumerate(rows):
        try:
            codes[i] = normalize_code(r.code)
        except DivisionCodeError as exc:
            result.error(r.sheet, r.row, c_code, str(exc).rstrip("。"))
    regions = _fetch_regions(codes.values())
    valid: list[tuple[PopulationRow, Region]] = []
    seen: dict[tuple[str, int], PopulationRow] = {}
    for i, r in enumerate(rows):
        code = codes.get(i)
        if code is None:
            continue
        region = regions.get(code)
        ok = True
        if region is None:
            result.error(r.sheet, r.row, c_code, MSG_UNKNOWN_REGION % {"code": code})
            ok = False
        elif not scope.covers_region(code):
            result.error(r.sheet, r.row, c_code, MSG_OUT_OF_SCOPE % {"code": code})
            ok = False
        if not isinstance(r.year, int) or isinstance(r.year, bool) or not FIRST_YEAR <= r.year <= max_year:
            result.error(r.sheet, r.row, c_year, MSG_YEAR % {"min": FIRST_YEAR, "max": max_year})
            ok = False
        for key in ("resident_population", "births", "children_under_3"):
            value = getattr(r, key)
            if value is None and key != "resident_population":
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                result.error(r.sheet, r.row, _col(POPULATION, key), MSG_NOT_WHOLE)
                ok = False
        if not ok:
            continue
        if r.children_under_3 is not None and r.children_under_3 > r.resident_population:
            result.error(r.sheet, r.row, _col(POPULATION, "children_under_3"), MSG_UNDER3_ABOVE % {
                "n": f"{r.children_under_3:,}", "pop": f"{r.resident_population:,}"})
            ok = False
        if r.births is not None and r.births > r.resident_population:
            result.error(r.sheet, r.row, _col(POPULATION, "births"), MSG_BIRTHS_ABOVE % {
                "n": f"{r.births:,}", "pop": f"{r.resident_population:,}"})
            ok = False
        key = (code, r.year)
        if key in seen:
            result.error(r.sheet, r.row, c_code, MSG_DUPLICATE % {"row": seen[key].row})
            continue
        seen[key] = r
        if r.name and " ".join(r.name.split()) != region.name:
            result.warning(r.sheet, r.row, _col(POPULATION, "name"), MSG_NAME_DIFFERS % {"given": r.name, "known": region.name})
        if ok:
            valid.append((r, region))

    region_code = common_region_code(codes.values())
    if not result.ok:
        raise _rejected(actor, "population_load", result, region_code)
    existing = _fetch_populations([(region.pk, r.year) for r, region in valid])
    _check_sums(valid, existing, result)
    with transaction.atomic():
        _write_populations(actor, valid, existing, result, source)
        result.written = True
        result.sort()
        audit.append([load_audit_entry(actor, "population_load", result, region_code=region_code)])
    return result


def _fetch_populations(keys: list[tuple[int, int]]) -> dict[tuple[int, int], RegionPopulation]:
    by_year: dict[int, list[int]] = defaultdict(list)
    for region_id, year in keys:
        by_year[year].append(region_id)
    found: dict[tuple[int, int], RegionPopulation] = {}
    for year, ids in by_year.items():
        ids = sorted(set(ids))
        for i in range(0, len(ids), IN_CHUNK):
            for pop in RegionPopulation.objects.filter(year=year, region_id__in=ids[i:i + IN_CHUNK]):
                found[(pop.region_id, year)] = pop
    return found


_POP_FIELDS = ("resident_population", "births", "children_under_3", "source")


def _write_populations(
    actor: Any, valid: list[tuple[PopulationRow, Region]], existing: dict[tuple[int, int], RegionPopulation],
    result: LoadResult, source: str,
) -> None:
    now = timezone.now()
    entries, created, updated = [], [], []
    for r, region in valid:
        pop = existing.get((region.pk, r.year))
        if pop is None:
            pop = RegionPopulation(region=region, year=r.year, resident_population=r.resident_population,
                                   births=r.births, children_under_3=r.children_under_3, source=(r.source or source)[:200])
            created.append(pop)
            continue
        pop.region = region  # for the audit row's region code, without a query
        before = {k: getattr(pop, k) for k in _POP_FIELDS}
        pop.resident_population = r.resident_population
        if r.births is not None:
            pop.births = r.births
        if r.children_under_3 is not None:
            pop.children_under_3 = r.children_under_3
        if r.source:
            pop.source = r.source[:200]
        changes = audit.diff(before, {k: getattr(pop, k) for k in _POP_FIELDS})
        if changes:
            pop.updated_at = now
            updated.append(pop)
            entries.append(audit.build(actor, "population_update", target=pop, changes=changes))
        else:
            result.unchanged += 1
    RegionPopulation.objects.bulk_create(created, batch_size=1000)
    RegionPopulation.objects.bulk_update(updated, [*_POP_FIELDS, "updated_at"], batch_size=1000)
    for pop in created:
        changes = {k: [None, getattr(pop, k)] for k in ("year", *_POP_FIELDS) if getattr(pop, k) not in (None, "")}
        entries.append(audit.build(actor, "population_create", target=pop, changes=changes))
    result.created += len(created)
    result.updated += len(updated)
    audit.append(entries)


_SUM_FIELDS = (
    ("resident_population", _("常住人口")),
    ("births", _("出生人口")),
    ("children_under_3", _("3岁以下婴幼儿数")),
)


def _check_sums(
    valid: list[tuple[PopulationRow, Region]], existing: dict[tuple[int, int], RegionPopulation],
    result: LoadResult,
) -> None:
    """Warn where a region's figure is below the sum of its direct subdivisions' for the same year,
    counting the figures as they will be after this load."""
    years = sorted({r.year for r, _region in valid})
    touched = {region.code for _r, region in valid}
    families = {parent_code(code) for code in touched} | touched
    families.discard(None)
    if not families:
        return
    # Figures after the load: stored ones, overlaid with the file's.
    figures: dict[tuple[str, int], dict[str, int | None]] = {}
    names: dict[str, str] = {}
    parent_of: dict[str, str] = {}
    fam = sorted(families)
    for year in years:
        for i in range(0, len(fam), IN_CHUNK):
            chunk = fam[i:i + IN_CHUNK]
            qs = (RegionPopulation.objects.filter(year=year)
                  .filter(_family_q(chunk))
                  .values_list("region__code", "region__name", "region__parent__code", *(f for f, _l in _SUM_FIELDS)))
            for code, name, pcode, *values in qs:
                figures[(code, year)] = dict(zip((f for f, _l in _SUM_FIELDS), values, strict=True))
                names[code] = name
                if pcode:
                    parent_of[code] = pcode
    rows_at: dict[tuple[str, int], PopulationRow] = {}
    for r, region in valid:
        stored = existing.get((region.pk, r.year))
        current = figures.get((region.code, r.year), {})
        figures[(region.code, r.year)] = {
            "resident_population": r.resident_population,
            "births": r.births if r.births is not None else (current.get("births") if stored else None),
            "children_under_3": r.children_under_3 if r.children_under_3 is not None else (
                current.get("children_under_3") if stored else None),
        }
        names[region.code] = region.name
        pcode = parent_code(region.code)
        if pcode:
            parent_of[region.code] = pcode
        rows_at[(region.code, r.year)] = r
    children: dict[tuple[str, int], list[str]] = defaultdict(list)
    for (code, year) in figures:
        pcode = parent_of.get(code)
        if pcode and (pcode, year) in figures:
            children[(pcode, year)].append(code)
    for (pcode, year), kids in sorted(children.items()):
        if (pcode, year) not in rows_at and not any((k, year) in rows_at for k in kids):
            continue
        parent_row = rows_at.get((pcode, year))
        for field_name, label in _SUM_FIELDS:
            total_of_parent = figures[(pcode, year)].get(field_name)
            given = [figures[(k, year)].get(field_name) for k in kids]
            given = [g for g in given if g is not None]
            if total_of_parent is None or not given:
                continue
            total = sum(given)
            if total > total_of_parent:
                result.warning(
                    parent_row.sheet if parent_row else "", parent_row.row if parent_row else None,
                    _col(POPULATION, field_name),
                    MSG_CHILDREN_ABOVE % {"name": names.get(pcode, pcode), "year": year, "what": label,
                                          "parent": f"{total_of_parent:,}", "n": len(given), "sum": f"{total:,}"})


def _family_q(codes: list[str]) -> Q:
    return Q(region__code__in=codes) | Q(region__parent__code__in=codes)


# ---------------------------------------------------------------------------------------------
# Files


def regions_load_file(
    *, actor: Any, data: bytes, file_name: str, deactivate_missing: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> LoadResult:
    """Read a division sheet (.xlsx or .csv) and load it; cell errors and row errors together."""
    sheet = read_sheet(data, DIVISIONS, file_name=file_name)
    rows = [
        DivisionRow(code=r.values["code"], name=r.values.get("name") or "", level=r.values.get("level") or "",
                    row=r.row, latitude=r.values.get("latitude"), longitude=r.values.get("longitude"), sheet=r.sheet)
        for r in sheet.good_rows
    ]
    return regions_load(actor=actor, rows=rows, deactivate_missing=deactivate_missing, source=file_name,
                        file_sha256=sheet.result.file_sha256, prior=sheet.result)


def populations_load_file(
    *, actor: Any, data: bytes, file_name: str, progress: Callable[[int, int], None] | None = None,
) -> LoadResult:
    sheet = read_sheet(data, POPULATION, file_name=file_name)
    rows = [
        PopulationRow(code=r.values["code"], year=r.values["year"], resident_population=r.values["resident_population"],
                      births=r.values.get("births"), children_under_3=r.values.get("children_under_3"), row=r.row,
                      name=r.values.get("name") or "", source=r.values.get("source") or "", sheet=r.sheet)
        for r in sheet.good_rows
    ]
    return populations_load(actor=actor, rows=rows, source=file_name, file_sha256=sheet.result.file_sha256,
                            prior=sheet.result)


def _export(spec: Any, items: list[dict[str, Any]], fmt: str, stem: str) -> tuple[bytes, str, str]:
    if fmt == "csv":
        return write_csv(spec, items), export_file_name(stem, "csv"), CSV_CONTENT_TYPE
    return write_xlsx(spec, items), export_file_name(stem, "xlsx"), XLSX_CONTENT_TYPE


def regions_export(*, actor: Any, fmt: str = "xlsx") -> ExportFile:
    """The active divisions in the actor's EXPORT_DATA scope, in the division sheet's columns
    (loadable again as is). Writes the export's audit row (security.md rule 17)."""
    qs = Region.objects.restrict(actor, Action.EXPORT_DATA).filter(is_active=True).order_by("code")
    items = [
        {"code": r.code, "name": r.name, "level": r.level, "latitude": r.latitude, "longitude": r.longitude}
        for r in qs
    ]
    content, name, ctype = _export(DIVISIONS, items, fmt, gettext("行政区划"))
    record_export(actor, "regions_export", fmt=fmt, rows=len(items),
                  region_code=common_region_code([i["code"] for i in items]), scope_action=Action.EXPORT_DATA)
    return ExportFile(content, name, ctype, len(items))


def populations_export(*, actor: Any, fmt: str = "xlsx", year: int | None = None) -> ExportFile:
    """Population figures in the actor's EXPORT_DATA scope (optionally one year), loadable again."""
    qs = RegionPopulation.objects.restrict(actor, Action.EXPORT_DATA).select_related("region").order_by("region__code", "year")
    if year:
        qs = qs.filter(year=year)
    items = [
        {"code": p.region.code, "name": p.region.name, "year": p.year, "resident_population": p.resident_population,
         "births": p.births, "children_under_3": p.children_under_3, "source": p.source}
        for p in qs
    ]
    content, name, ctype = _export(POPULATION, items, fmt, gettext("人口数据"))
    record_export(actor, "population_export", fmt=fmt, rows=len(items),
                  region_code=common_region_code([i["code"] for i in items]), scope_action=Action.EXPORT_DATA,
                  filters={"year": year} if year else None)
    return ExportFile(content, name, ctype, len(items))

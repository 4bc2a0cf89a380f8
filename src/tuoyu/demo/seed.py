"""Writing the demo city: the same load services an officer's spreadsheets go through (issue #9:
"one path for data in"), run as the command-line SYSTEM actor.

Order matters: divisions, then population, then the demonstration institutions, then every other
institution (a 1+N point names its leader by database id, so the leaders must exist first), then
alliances and the demo users. Each step is idempotent: the loaders update by division code and by
credit code and report an identical row as unchanged, alliances and users that exist are left
alone, so a second run writes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from tuoyu.core.errors import DomainError
from tuoyu.core.scoping import SYSTEM
from tuoyu.core.sheets import LoadResult
from tuoyu.institutions.choices import DemonstrationLevel, Status
from tuoyu.institutions.models import Alliance, Institution
from tuoyu.institutions.services import ClassData, InstitutionData, OfferingData
from tuoyu.institutions.services.alliances import alliance_create
from tuoyu.institutions.services.imports import InstitutionRow, institutions_load
from tuoyu.regions.models import Region
from tuoyu.regions.services import DivisionRow, PopulationRow, populations_load, regions_load

from .geography import YEARS
from .logins import DemoScopes, ensure_demo_users
from .plan import CityPlan, build_plan
from .registry import InstitutionPlan, degrees

MSG_NOT_ALLOWED = _("生产环境（TUOYU_DEBUG=0）不能生成演示城市与演示账号。")
SOURCE = "演示城市（虚构数据，tuoyu seed-demo）"


class DemoNotAllowed(DomainError):
    """The demo seed asked for in production (security.md rule 6: no demo accounts there)."""

    code = "demo_not_allowed"
    status = 403


@dataclass
class SeedReport:
    size: str
    seed: int
    digest: str
    loads: dict[str, LoadResult] = field(default_factory=dict)
    alliances_created: int = 0
    # Alliances that exist with fewer members than planned (seeded `small` first, then `city`):
    # an existing alliance is left as it is (an officer may have changed its members since), and
    # named here so its members can be set on its page or with `alliance_members_set`.
    alliances_short: list[str] = field(default_factory=list)
    users_created: int = 0
    grants_created: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(
            any(r.created or r.updated or r.deactivated for r in self.loads.values())
            or self.alliances_created or self.users_created or self.grants_created
        )


def demo_allowed() -> bool:
    return bool(getattr(settings, "TUOYU_DEMO_ALLOWED", False))


def division_rows(plan: CityPlan) -> list[DivisionRow]:
    return [DivisionRow(code=d.code, name=d.name, level=str(d.level), row=n,
                        latitude=degrees(d.latitude), longitude=degrees(d.longitude))
            for n, d in enumerate(plan.divisions, start=2)]


def population_rows(plan: CityPlan) -> list[PopulationRow]:
    rows = []
    for d in plan.divisions:
        for year in YEARS:
            people, births, under3 = d.population[year]
            rows.append(PopulationRow(code=d.code, year=year, resident_population=people, births=births,
                                      children_under_3=under3, row=len(rows) + 2))
    return rows


def institution_data(inst: InstitutionPlan, lead_id: int | None = None) -> InstitutionData:
    return InstitutionData(
        name=inst.name, street_code=inst.street.code, address=inst.address,
        registration_type=inst.registration_type, service_model=inst.service_model, ownership=inst.ownership,
        credit_code=inst.credit_code, status=inst.status, latitude=inst.latitude, longitude=inst.longitude,
        building_area_m2=inst.building_area_m2, outdoor_area_m2=inst.outdoor_area_m2,
        opens_at=inst.opens_at, closes_at=inst.closes_at, open_days=inst.open_days,
        contact_phone=inst.contact_phone, puhui=inst.puhui, puhui_price=inst.puhui_price,
        demonstration_level=inst.demonstration_level, filing_number=inst.filing_number, filed_on=inst.filed_on,
        lead_institution_id=lead_id,
        classes=[ClassData(c.name, c.class_type, c.planned_capacity, c.planned_caregivers) for c in inst.classes],
        offerings=[OfferingData(o.service_type, o.price, o.price_unit) for o in inst.offerings],
    )


def _ids_by_credit_code(codes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(codes), 500):  # stay under SQLite's variable limit
        chunk = codes[start:start + 500]
        found.update(Institution.objects.filter(credit_code__in=chunk).values_list("credit_code", "pk"))
    return found


def anchor_institutions(plan: CityPlan) -> tuple[InstitutionPlan, InstitutionPlan]:
    """The institution the director, staff, health manager and expert work at (the first filed
    city-level demonstration institution of the first street), and a second filed one for the
    expert. Both are in the small city as in the big one."""
    filed = [i for i in plan.institutions if i.status == Status.FILED]
    first = next(i for i in filed if i.demonstration_level != DemonstrationLevel.NONE
                 and i.street.code == plan.streets[0].code)
    second = next(i for i in filed if i is not first and i.demonstration_level == DemonstrationLevel.NONE)
    return first, second


def seed_demo(*, seed: int, size: str, progress: Callable[[str], Any] | None = None) -> SeedReport:
    """Build the demo city of `size` from `seed` and write whatever is missing or different."""
    if not demo_allowed():
        raise DemoNotAllowed(MSG_NOT_ALLOWED)
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    plan = build_plan(seed=seed, size=size)
    report = SeedReport(size, seed, plan.digest())

    say(_("区划：%(n)s个") % {"n": len(plan.divisions)})
    report.loads["regions"] = regions_load(actor=SYSTEM, rows=division_rows(plan), source=SOURCE)
    say(_("人口：%(n)s行") % {"n": len(plan.divisions) * len(YEARS)})
    report.loads["populations"] = populations_load(actor=SYSTEM, rows=population_rows(plan), source=SOURCE)

    leaders = [i for i in plan.institutions if i.demonstration_level != DemonstrationLevel.NONE]
    others = [i for i in plan.institutions if i.demonstration_level == DemonstrationLevel.NONE]
    say(_("示范机构：%(n)s家") % {"n": len(leaders)})
    report.loads["demonstration_institutions"] = institutions_load(
        actor=SYSTEM, source=SOURCE,
        rows=[InstitutionRow(data=institution_data(i), row=n) for n, i in enumerate(leaders, start=2)])
    lead_ids = _ids_by_credit_code([i.credit_code for i in leaders])
    say(_("其他机构：%(n)s家") % {"n": len(others)})
    report.loads["institutions"] = institutions_load(
        actor=SYSTEM, source=SOURCE,
        rows=[InstitutionRow(data=institution_data(i, lead_ids.get(i.lead_credit_code)), row=n)
              for n, i in enumerate(others, start=2)])

    say(_("联盟与演示账号"))
    ids = _ids_by_credit_code([i.credit_code for i in plan.institutions])
    regions = {r.code: r for r in Region.objects.filter(code__in=[a.region_code for a in plan.alliances])}
    existing = {a.name: a for a in Alliance.objects.filter(name__in=[a.name for a in plan.alliances])
                .annotate(n=Count("members"))}
    for a in plan.alliances:
        if a.name in existing:
            if existing[a.name].n < len(a.member_credit_codes):
                report.alliances_short.append(a.name)
        else:
            alliance_create(actor=SYSTEM, name=a.name, region=regions[a.region_code], description=a.description,
                            member_ids=[ids[c] for c in a.member_credit_codes if c in ids])
            report.alliances_created += 1

    first, second = anchor_institutions(plan)
    by_code = {r.code: r for r in Region.objects.filter(code__in=[plan.city.code, plan.districts[0].code, plan.streets[0].code])}
    insts = {i.pk: i for i in Institution.objects.filter(pk__in=[ids[first.credit_code], ids[second.credit_code]])}
    scopes = DemoScopes(
        city=by_code[plan.city.code], district=by_code[plan.districts[0].code], street=by_code[plan.streets[0].code],
        institution=insts[ids[first.credit_code]], second_institution=insts[ids[second.credit_code]],
    )
    report.users_created, report.grants_created = ensure_demo_users(scopes, actor=SYSTEM)
    report.seconds = time.perf_counter() - started
    return report

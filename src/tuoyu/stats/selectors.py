"""Indicator reads for region pages and home pages. Every query starts from `restrict(user, …)`
and figures are aggregated by division-code prefix in one query per table, so a region page costs
the same number of queries whatever the number of its child regions (see the budget test)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, Q, Sum
from django.db.models.functions import Coalesce, Substr

from tuoyu.core.divisions import (
    PREFIX_LENGTH,
    DivisionCodeError,
    Level,
    normalize_code,
    parent_code,
)
from tuoyu.core.errors import NotFound
from tuoyu.core.permissions import Action
from tuoyu.core.rules import indicators as indicator_rules
from tuoyu.core.scoping import NOT_FOUND_MESSAGE
from tuoyu.institutions.choices import PROVIDING_CARE, Status
from tuoyu.institutions.models import CareClass, Institution
from tuoyu.regions.models import Region, RegionPopulation

from . import indicators

CHILD_LEVEL = {Level.PROVINCE: Level.CITY, Level.CITY: Level.DISTRICT, Level.DISTRICT: Level.STREET, Level.STREET: Level.COMMUNITY}


@dataclass
class Figures:
    """One region's registry and population figures for one year, and the indicators on them."""

    region: Region
    year: int | None = None
    resident_population: int | None = None
    births: int | None = None
    children_under_3: int | None = None
    institutions: int = 0  # providing care (registered, filed, suspended)
    filed_institutions: int = 0
    places: int = 0
    filed_places: int = 0
    puhui_places: int = 0

    @property
    def places_per_1000(self) -> Decimal | None:
        return indicators.places_per_1000(self.places, self.resident_population)

    @property
    def filed_places_per_1000(self) -> Decimal | None:
        return indicators.places_per_1000(self.filed_places, self.resident_population)

    @property
    def puhui_share(self) -> Decimal | None:
        return indicators.puhui_share(self.puhui_places, self.places)

    @property
    def filed_share(self) -> Decimal | None:
        return indicators.filed_share(self.filed_institutions, self.institutions)

    @property
    def meets_target(self) -> bool | None:
        return indicators.meets_target(self.places_per_1000)


@dataclass
class RegionReport:
    region: Region
    ancestors: list[tuple[Region, bool]]  # (region, whether the user may open its page)
    populations: list[RegionPopulation]  # every year, newest first
    years: list[int]
    figures: Figures
    children: list[Figures] = field(default_factory=list)
    target: Decimal = field(default_factory=indicator_rules.places_per_1000_target)

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(self.region.level)


def region_get(user: Any, code: str) -> Region:
    """A region the user may view (404 outside its scope or unknown; 6-, 9- or 12-digit codes)."""
    try:
        code = normalize_code(code)
    except DivisionCodeError as exc:
        raise NotFound(NOT_FOUND_MESSAGE) from exc
    return Region.objects.select_related("parent").get_for_action(
        user, Action.VIEW_REGION, view_action=Action.VIEW_REGION, code=code
    )


def _ancestors(user: Any, region: Region) -> list[tuple[Region, bool]]:
    codes = []
    code = region.code
    while (code := parent_code(code)) is not None:
        codes.append(code)
    if not codes:
        return []
    # Division names are public statistics; only the user's own regions are links.
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    visible = set(Region.objects.restrict(user, Action.VIEW_REGION).filter(code__in=codes).values_list("code", flat=True))
    return [(found[c], c in visible) for c in reversed(codes) if c in found]


def _registry_by_prefix(user: Any, prefix: str, key_length: int) -> dict[str, dict[str, int]]:
    """Places and institution counts under `prefix`, grouped by the first `key_length` digits of
    the institution's region code: two aggregate queries in all."""
    out: dict[str, dict[str, int]] = {}
    zero = Coalesce(Sum("planned_capacity"), 0, output_field=IntegerField())
    classes = (
        CareClass.objects.restrict(user, Action.VIEW_REGION)
        .filter(institution__region_code__startswith=prefix, institution__status__in=PROVIDING_CARE)
        .annotate(key=Substr("institution__region_code", 1, key_length))
        .values("key")
        .annotate(
            places=zero,
            filed_places=Coalesce(Sum("planned_capacity", filter=Q(institution__status=Status.FILED)), 0),
            puhui_places=Coalesce(Sum("planned_capacity", filter=Q(institution__puhui=True)), 0),
        )
        .order_by()
    )
    for row in classes:
        out.setdefault(row["key"], {}).update(
            places=row["places"], filed_places=row["filed_places"], puhui_places=row["puhui_places"]
        )
    insts = (
        Institution.objects.restrict(user, Action.VIEW_REGION)
        .filter(region_code__startswith=prefix, status__in=PROVIDING_CARE)
        .annotate(key=Substr("region_code", 1, key_length))
        .values("key")
        .annotate(institutions=Count("id"), filed_institutions=Count("id", filter=Q(status=Status.FILED)))
        .order_by()
    )
    for row in insts:
        out.setdefault(row["key"], {}).update(
            institutions=row["institutions"], filed_institutions=row["filed_institutions"]
        )
    return out


def _apply(fig: Figures, registry: dict[str, int] | None, pop: RegionPopulation | None) -> Figures:
    for k, v in (registry or {}).items():
        setattr(fig, k, v)
    if pop is not None:
        fig.year = pop.year
        fig.resident_population = pop.resident_population
        fig.births = pop.births
        fig.children_under_3 = pop.children_under_3
    return fig


def region_report(user: Any, region: Region, *, year: int | None = None) -> RegionReport:
    """A region's page: population by year, places (all and filed) and places per 1,000 for the
    region and each child region, in the chosen year (default: the latest year with figures)."""
    populations = list(region.populations.order_by("-year"))
    child_level = CHILD_LEVEL.get(region.level)
    children = list(
        Region.objects.restrict(user, Action.VIEW_REGION).filter(parent=region).order_by("code")
    ) if child_level else []
    years = sorted(
        set(RegionPopulation.objects.filter(Q(region=region) | Q(region__parent=region)).values_list("year", flat=True)),
        reverse=True,
    )
    if year not in years:
        year = years[0] if years else None
    pops = {
        p.region_id: p
        for p in RegionPopulation.objects.filter(Q(region=region) | Q(region__parent=region), year=year)
    } if year else {}

    key_length = PREFIX_LENGTH[child_level] if child_level else PREFIX_LENGTH[region.level]
    registry = _registry_by_prefix(user, region.prefix, key_length)
    own = Figures(region, year=year)
    for k in ("institutions", "filed_institutions", "places", "filed_places", "puhui_places"):
        setattr(own, k, sum(row.get(k, 0) for row in registry.values()))
    _apply(own, None, pops.get(region.pk))
    child_figures = [
        _apply(Figures(c, year=year), registry.get(c.prefix), pops.get(c.pk)) for c in children
    ]
    return RegionReport(
        region=region, ancestors=_ancestors(user, region), populations=populations, years=years,
        figures=own, children=child_figures,
    )


def region_roots(user: Any) -> list[Region]:
    """The top regions of the user's region scopes (a city officer: the city)."""
    visible = Region.objects.restrict(user, Action.VIEW_REGION)
    return list(visible.exclude(parent__in=visible.values("pk")).order_by("code"))


def region_summary(user: Any, region: Region) -> Figures:
    """One region's own figures for the latest year (home pages): three queries."""
    pop = region.populations.order_by("-year").first()
    registry = _registry_by_prefix(user, region.prefix, PREFIX_LENGTH[region.level])
    return _apply(Figures(region), registry.get(region.prefix), pop)


def status_counts(user: Any) -> list[tuple[str, str, int]]:
    """(status code, label, count) of the institutions the user may view, in lifecycle order."""
    counts = dict(
        Institution.objects.restrict(user, Action.VIEW_INSTITUTION)
        .values_list("status").annotate(n=Count("id")).order_by()
    )
    return [(s.value, s.label, counts.get(s.value, 0)) for s in Status]


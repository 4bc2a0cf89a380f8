"""The 1+N network figures of a region (shared/domain/rules.md §6): community and home-based
points, how many a demonstration institution leads, and the 1+N coverage — for the region and for
each child region. The counts come from `institutions.selectors.network_counts` (restricted to the
user's scope, two queries whatever the number of child regions); the formula from `indicators`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tuoyu.core.divisions import PREFIX_LENGTH, Level
from tuoyu.core.permissions import Action
from tuoyu.institutions import selectors as institution_selectors
from tuoyu.regions.models import Region

from . import indicators

# Child regions shown in the breakdown: a city's districts, a district's streets.
BREAKDOWN_LEVEL = {Level.CITY: Level.DISTRICT, Level.DISTRICT: Level.STREET}


@dataclass
class NetworkFigures:
    region: Region
    points: int = 0  # community and home-based points providing care
    linked_points: int = 0  # of which led by a demonstration institution
    leads: int = 0  # demonstration institutions

    @property
    def unlinked_points(self) -> int:
        return self.points - self.linked_points

    @property
    def coverage(self) -> Decimal | None:
        return indicators.one_plus_n_coverage(self.linked_points, self.points)


@dataclass
class NetworkReport:
    region: Region
    figures: NetworkFigures
    children: list[NetworkFigures] = field(default_factory=list)


def network_report(user: Any, region: Region) -> NetworkReport:
    child_level = BREAKDOWN_LEVEL.get(region.level)
    children = list(
        Region.objects.restrict(user, Action.VIEW_REGION).filter(parent=region, level=child_level).order_by("code")
    ) if child_level else []
    key_length = PREFIX_LENGTH[child_level] if child_level else len(region.prefix)
    counts = institution_selectors.network_counts(user, region.prefix, key_length)
    own = NetworkFigures(
        region,
        points=sum(c.points for c in counts.values()),
        linked_points=sum(c.linked_points for c in counts.values()),
        leads=sum(c.leads for c in counts.values()),
    )
    child_figures = []
    for child in children:
        c = counts.get(child.prefix)
        child_figures.append(NetworkFigures(child, c.points, c.linked_points, c.leads) if c else NetworkFigures(child))
    return NetworkReport(region, own, child_figures)


def network_regions(user: Any, current: Region | None) -> list[Region]:
    """The regions to choose from: the city and its districts in the user's scope, and the
    streets too for a user whose scope is a district or a street."""
    visible = Region.objects.restrict(user, Action.VIEW_REGION).filter(
        level__in=[Level.CITY, Level.DISTRICT, Level.STREET], is_active=True,
    ).select_related("parent").order_by("code")
    regions = list(visible)
    if any(r.level == Level.CITY for r in regions):
        regions = [r for r in regions if r.level != Level.STREET]
    if current is not None and all(r.pk != current.pk for r in regions):
        regions.append(current)
        regions.sort(key=lambda r: r.code)
    return regions

"""The city indicator formulas, defined once (shared/domain/rules.md §6).

Region pages, the later indicators board, the API and the Excel exports all call these functions,
so a figure means the same wherever it appears:

- places per 1,000 population (每千人口拥有3岁以下婴幼儿托位数) = places / resident population × 1,000,
  where places = the planned capacity of the classes of institutions providing care
  (`institutions.choices.PROVIDING_CARE`: registered, filed, suspended); shown for all such
  institutions and for filed ones side by side;
- enrollment rate (入托率) = children under 3 enrolled / children under 3 in the population × 100%;
- puhui share = puhui places / total places;
- filed share = filed institutions / institutions providing care;
- 1+N coverage = community and home-based points linked to a demonstration institution / all such
  points (counted while they provide care, a demonstration institution itself not being one of the
  N; `institutions.selectors.network_counts`).

Small cells: a published figure about fewer than `core.rules.indicators.SMALL_CELL_MIN_CHILDREN`
children is suppressed. Places and population are not counts of children, so the figures here are
not suppressed; `suppress_small_cell` is for the children counts the enrolment and attendance
modules will publish.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from tuoyu.core.rules import indicators as rules

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")


def _ratio(numerator: int | Decimal | None, denominator: int | Decimal | None, scale: int, places: Decimal) -> Decimal | None:
    """numerator / denominator × scale, rounded half up; None when either is unknown or the
    denominator is zero (a figure that cannot be computed is shown as "—", never as 0)."""
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) * scale / Decimal(denominator)).quantize(places, rounding=ROUND_HALF_UP)


def places_per_1000(places: int | None, resident_population: int | None) -> Decimal | None:
    """每千人口托位数 = places / resident population × 1,000 (two decimals, as reports give it)."""
    return _ratio(places, resident_population, 1000, TWO_DECIMALS)


def enrollment_rate(enrolled_under_3: int | None, children_under_3: int | None) -> Decimal | None:
    """入托率 in per cent = enrolled children under 3 / children under 3 × 100."""
    return _ratio(enrolled_under_3, children_under_3, 100, TWO_DECIMALS)


def puhui_share(puhui_places: int | None, total_places: int | None) -> Decimal | None:
    """普惠托位占比 in per cent = puhui places / total places × 100."""
    return _ratio(puhui_places, total_places, 100, ONE_DECIMAL)


def filed_share(filed_institutions: int | None, providing_care_institutions: int | None) -> Decimal | None:
    """备案率 in per cent = filed institutions / institutions providing care × 100."""
    return _ratio(filed_institutions, providing_care_institutions, 100, ONE_DECIMAL)


def one_plus_n_coverage(linked_points: int | None, points: int | None) -> Decimal | None:
    """1+N覆盖率 in per cent = community and home-based points led by a demonstration institution /
    all community and home-based points × 100 (shared/domain/rules.md §6)."""
    return _ratio(linked_points, points, 100, ONE_DECIMAL)


def meets_target(value: Decimal | None) -> bool | None:
    """Whether places per 1,000 reaches the target (national 4.5, or the city's own)."""
    if value is None:
        return None
    return value >= rules.places_per_1000_target()


def suppress_small_cell(children: int | None) -> int | None:
    """A count of children, or None when it is below the small-cell threshold (rules.md §6)."""
    if children is None or children < rules.SMALL_CELL_MIN_CHILDREN.current():
        return None
    return children

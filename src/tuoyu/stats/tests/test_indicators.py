"""The indicator formulas (shared/domain/rules.md §6), defined once in tuoyu.stats.indicators."""

from decimal import Decimal

from tuoyu.core.rules import indicators as rules
from tuoyu.stats import indicators


def test_places_per_1000_is_places_over_resident_population_times_1000():
    # Chengdu 2023: about 3.56 places per 1,000 (shared/domain/city-figures.md).
    assert indicators.places_per_1000(74_760, 21_000_000) == Decimal("3.56")


def test_a_figure_without_population_is_unknown_not_zero():
    assert indicators.places_per_1000(100, None) is None
    assert indicators.places_per_1000(100, 0) is None
    assert indicators.places_per_1000(0, 1000) == Decimal("0.00")


def test_enrollment_puhui_and_filed_shares_are_percentages():
    assert indicators.enrollment_rate(717, 10_000) == Decimal("7.17")
    assert indicators.puhui_share(1, 3) == Decimal("33.3")
    assert indicators.filed_share(341, 1609) == Decimal("21.2")


def test_target_is_the_national_4_5_unless_the_city_sets_its_own(settings):
    assert indicators.meets_target(Decimal("4.50")) is True
    assert indicators.meets_target(Decimal("4.49")) is False
    settings.TUOYU_CITY = {rules.PLACES_PER_1000_TARGET.key: "4.74"}  # Chengdu's own target
    assert indicators.meets_target(Decimal("4.50")) is False


def test_small_cells_of_children_are_suppressed():
    assert indicators.suppress_small_cell(4) is None
    assert indicators.suppress_small_cell(5) == 5

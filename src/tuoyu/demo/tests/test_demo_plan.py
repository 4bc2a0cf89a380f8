"""The demo city as data (no database): Chengdu's shape and mix, national code structure, valid
credit codes, legal class sizes, and the same city for the same seed (issue #2 item 9;
shared/domain/city-figures.md)."""

from collections import Counter

import pytest

from tuoyu.core.divisions import Level, level_of, normalize_code, parent_code
from tuoyu.core.rules import setting_standard as std
from tuoyu.core.validators import validate_uscc
from tuoyu.demo.geography import YEARS
from tuoyu.demo.plan import SMALL_INSTITUTIONS, SMALL_STREETS, build_plan
from tuoyu.demo.registry import CITY_DEMONSTRATION, USCC_PREFIX
from tuoyu.institutions.choices import (
    PROVIDING_CARE,
    DemonstrationLevel,
    ServiceModel,
    ServiceType,
    Status,
)


@pytest.fixture(scope="module")
def city():
    return build_plan(seed=2026, size="city")


@pytest.fixture(scope="module")
def small():
    return build_plan(seed=2026, size="small")


def test_small_city_is_one_district_with_eight_streets_and_forty_institutions(small):
    assert len(small.districts) == 1
    assert len(small.streets) == SMALL_STREETS == 8
    assert len(small.institutions) == SMALL_INSTITUTIONS == 40
    assert {i.street.code for i in small.institutions} <= {s.code for s in small.streets}


def test_same_seed_gives_the_same_city_and_another_seed_another(city):
    assert build_plan(seed=2026, size="city").digest() == city.digest()
    assert build_plan(seed=7, size="city").digest() != city.digest()
    assert build_plan(seed=2026, size="small").digest() == build_plan(seed=2026, size="small").digest()


def test_small_city_is_a_slice_of_the_big_one(city, small):
    big = {i.credit_code: i for i in city.institutions}
    for inst in small.institutions:
        twin = big[inst.credit_code]
        assert (twin.name, twin.status, twin.places, twin.street.code) == (inst.name, inst.status, inst.places, inst.street.code)
        assert not inst.lead_credit_code or inst.lead_credit_code in {i.credit_code for i in small.institutions}
    assert {d.code for d in small.divisions} <= {d.code for d in city.divisions}


def test_city_is_chengdu_sized(city):
    population = city.city.resident_population
    assert 6 <= len(city.districts) <= 12
    assert 60 <= len(city.streets) <= 120
    assert 18_000_000 <= population <= 22_000_000
    n = len(city.institutions)
    assert 1_550 <= n <= 1_650
    status = Counter(i.status for i in city.institutions)
    assert 0.45 <= status[Status.REGISTERED] / n <= 0.55  # Chengdu: 804 of 1,609
    assert 0.19 <= status[Status.FILED] / n <= 0.23  # Chengdu: 341 of 1,609
    assert status[Status.PREPARING] and status[Status.SUSPENDED] and status[Status.DEREGISTERED]
    levels = Counter(i.demonstration_level for i in city.institutions)
    assert levels[DemonstrationLevel.CITY] == CITY_DEMONSTRATION == 47
    places = sum(i.places for i in city.institutions if i.status in PROVIDING_CARE)
    assert 3.4 <= places / population * 1000 <= 3.6  # Chengdu 3.56 per 1,000
    under3 = city.city.population[2025][2]
    births = city.city.population[2025][1]
    assert 0.020 <= under3 / population <= 0.024
    assert 0.0058 <= births / population <= 0.0072


def test_city_mixes_every_service_model_ownership_and_puhui(city):
    models = Counter(i.service_model for i in city.institutions)
    assert set(models) == set(ServiceModel.values)
    assert len({i.ownership for i in city.institutions}) == 7
    filed = [i for i in city.institutions if i.status == Status.FILED]
    assert 0.30 <= sum(i.puhui for i in filed) / len(filed) <= 0.40


def test_division_codes_have_the_national_twelve_digit_structure(city):
    levels = Counter(d.level for d in city.divisions)
    assert levels[Level.CITY] == 1 and levels[Level.COMMUNITY] >= 6 * levels[Level.STREET]
    codes = {d.code for d in city.divisions}
    for d in city.divisions:
        assert normalize_code(d.code) == d.code
        assert level_of(d.code) == d.level
        assert parent_code(d.code) == d.parent_code or d.level == Level.CITY
        assert d.parent_code is None or d.parent_code in codes


def test_population_adds_up_from_communities_to_the_city(city):
    def at_least_sum(parent):
        for year in YEARS:
            for k in range(3):
                assert parent.population[year][k] >= sum(c.population[year][k] for c in parent.children)

    for district in city.city.children:
        at_least_sum(district)
        for street in district.children:
            at_least_sum(street)
    for year in YEARS:
        assert city.city.population[year] == tuple(
            sum(d.population[year][k] for d in city.city.children) for k in range(3))


def test_every_credit_code_is_valid_unique_and_names_its_registrar(city):
    codes = [i.credit_code for i in city.institutions]
    assert len(set(codes)) == len(codes)
    for inst in city.institutions:
        validate_uscc(inst.credit_code)
        assert inst.credit_code[:2] == USCC_PREFIX[inst.registration_type]
        assert inst.credit_code[2:8] == inst.district.code[:6]


def test_classes_stay_within_the_legal_maximum_and_a_few_institutions_break_a_rule(city):
    short_of_staff = short_of_space = 0
    for inst in city.institutions:
        for c in inst.classes:
            assert 0 < c.planned_capacity <= std.max_children(c.class_type)
        if inst.service_model == ServiceModel.HOME_BASED:
            assert inst.places <= std.HOME_BASED_MAX_CHILDREN.current()
        short_of_staff += any(
            c.planned_caregivers < std.caregivers_needed(c.class_type, c.planned_capacity) for c in inst.classes)
        short_of_space += (inst.building_area_m2 < inst.places * std.BUILDING_AREA_PER_CHILD_M2.current()
                           or inst.outdoor_area_m2 < inst.places * std.OUTDOOR_AREA_PER_CHILD_M2.current())
    n = len(city.institutions)
    assert 0.01 <= short_of_staff / n <= 0.08
    assert 0.01 <= short_of_space / n <= 0.08


def test_points_are_led_by_a_demonstration_institution_of_their_district(city):
    by_code = {i.credit_code: i for i in city.institutions}
    linked = [i for i in city.institutions if i.lead_credit_code]
    assert len(linked) >= 3 * CITY_DEMONSTRATION
    for point in linked:
        leader = by_code[point.lead_credit_code]
        assert point.is_point
        assert leader.demonstration_level != DemonstrationLevel.NONE
        assert leader.district is point.district


def test_prices_fall_in_the_ranges_the_city_charges(city):
    for inst in city.institutions:
        prices = {o.service_type: o.price for o in inst.offerings}
        if ServiceType.FULL_DAY in prices:
            assert 1_000 <= prices[ServiceType.FULL_DAY] <= 6_500
        if inst.puhui:
            assert 1_000 <= inst.puhui_price <= 2_000
            assert prices[ServiceType.FULL_DAY] == inst.puhui_price
        if ServiceType.HOURLY in prices:
            assert 30 <= prices[ServiceType.HOURLY] <= 80
        if ServiceType.TEMPORARY in prices:
            assert 150 <= prices[ServiceType.TEMPORARY] <= 300


def test_filed_institutions_have_a_filing_number_and_date_and_others_none(city):
    numbers = [i.filing_number for i in city.institutions if i.status == Status.FILED]
    assert all(numbers) and len(set(numbers)) == len(numbers)
    for inst in city.institutions:
        assert bool(inst.filed_on) == (inst.status == Status.FILED)


def test_coordinates_lie_around_the_city(city):
    for inst in city.institutions:
        assert 30.2 <= inst.latitude <= 31.1
        assert 103.5 <= inst.longitude <= 104.6

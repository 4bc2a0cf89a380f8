"""1+N coverage (shared/domain/rules.md §6): the formula, what counts as a point and as linked, and
the 1+N network page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tuoyu.institutions.choices import DemonstrationLevel, ServiceModel, Status
from tuoyu.institutions.selectors import network_counts, network_leads, network_points
from tuoyu.institutions.tests.factories import InstitutionFactory
from tuoyu.stats import indicators
from tuoyu.stats.network import network_report

# ------------------------------------------------------------------ the formula


@pytest.mark.parametrize(("linked", "points", "expected"), [
    (3, 4, Decimal("75.0")),
    (1, 3, Decimal("33.3")),
    (2, 3, Decimal("66.7")),  # half up
    (1, 8, Decimal("12.5")),
    (0, 5, Decimal("0.0")),
    (5, 5, Decimal("100.0")),
])
def test_one_plus_n_coverage_is_linked_points_over_all_points_in_per_cent(linked, points, expected):
    assert indicators.one_plus_n_coverage(linked, points) == expected


@pytest.mark.parametrize(("linked", "points"), [(0, 0), (None, 4), (3, None)])
def test_one_plus_n_coverage_is_unknown_without_points(linked, points):
    assert indicators.one_plus_n_coverage(linked, points) is None


# ------------------------------------------------------------------ what counts


def _network(world):
    """In street a1: a city-level demonstration centre leading two points; a community point
    nobody leads; a home-based point led by an institution that is no longer a demonstration one;
    a point in preparation (not counted); a standalone centre (not a point); a demonstration
    community centre (a "1", not one of the N). In street b1: one led point."""
    a1, b1 = world.streets[0], world.streets[2]
    lead = InstitutionFactory(street=a1, name="示范中心", demonstration_level=DemonstrationLevel.CITY, status=Status.FILED)
    former = InstitutionFactory(street=a1, name="原示范", demonstration_level=DemonstrationLevel.NONE)
    led = [InstitutionFactory(street=a1, name=f"社区点{i}", service_model=ServiceModel.COMMUNITY_EMBEDDED,
                              lead_institution=lead) for i in range(2)]
    InstitutionFactory(street=a1, name="无人牵头点", service_model=ServiceModel.COMMUNITY_EMBEDDED)
    InstitutionFactory(street=a1, name="原示范带的家庭点", service_model=ServiceModel.HOME_BASED, lead_institution=former)
    InstitutionFactory(street=a1, name="筹备中的点", service_model=ServiceModel.HOME_BASED, status=Status.PREPARING,
                       lead_institution=lead)
    InstitutionFactory(street=a1, name="示范社区中心", service_model=ServiceModel.COMMUNITY_EMBEDDED,
                       demonstration_level=DemonstrationLevel.DISTRICT)
    lead_b = InstitutionFactory(street=b1, name="青羊示范", demonstration_level=DemonstrationLevel.DISTRICT)
    InstitutionFactory(street=b1, name="青羊点", service_model=ServiceModel.HOME_BASED, lead_institution=lead_b)
    return lead, led


def test_points_are_community_and_home_based_points_providing_care_and_linked_means_led_by_a_demonstration_one(world):
    _network(world)
    counts = network_counts(world.users["city_officer"], world.city.prefix, 9)
    a1 = counts[world.streets[0].prefix]
    assert (a1.points, a1.linked_points, a1.leads) == (4, 2, 2)
    b1 = counts[world.streets[2].prefix]
    assert (b1.points, b1.linked_points, b1.leads) == (1, 1, 1)


def test_counts_stay_inside_the_users_scope(world):
    _network(world)
    counts = network_counts(world.users["district_officer"], world.city.prefix, 6)
    assert set(counts) == {world.districts[0].prefix}


def test_report_adds_up_child_regions_and_computes_coverage(world):
    _network(world)
    report = network_report(world.users["city_officer"], world.city)
    assert (report.figures.points, report.figures.linked_points) == (5, 3)
    assert report.figures.coverage == Decimal("60.0")
    by_name = {f.region.name: f for f in report.children}
    assert by_name["锦江区"].coverage == Decimal("50.0") and by_name["青羊区"].coverage == Decimal("100.0")


def test_leads_come_with_the_points_they_lead(world):
    lead, led = _network(world)
    leads = list(network_leads(world.users["district_officer"], world.districts[0].prefix))
    assert [x.name for x in leads] == ["示范中心", "示范社区中心"]
    assert leads[0].point_count == 3  # two points and the one in preparation
    assert {p.pk for p in leads[0].points} >= {p.pk for p in led}


def test_a_demonstration_institutions_points_are_those_the_user_may_see(world):
    lead, led = _network(world)
    names = {p.name for p in network_points(world.users["district_officer"], lead)}
    assert names == {"社区点0", "社区点1", "筹备中的点"}
    assert not network_points(world.users["district_officer_out"], lead).exists()


# ------------------------------------------------------------------ the page


def test_network_page_shows_coverage_leads_and_unlinked_points(client, world):
    _network(world)
    client.force_login(world.users["district_officer"])
    body = client.get(reverse("stats:network")).content.decode()
    assert "50.0%" in body and "4 个社区与家庭托育点中 2 个已纳入" in body
    assert "示范中心" in body and "社区点0" in body
    assert "无人牵头点" in body and "原示范带的家庭点" in body  # not yet in a network
    assert "青羊" not in body


def test_network_page_of_a_region_outside_the_scope_is_404(client, world):
    client.force_login(world.users["district_officer"])
    assert client.get(reverse("stats:network"), {"region": world.districts[1].code}).status_code == 404
    assert client.get(reverse("stats:network"), {"region": "bad"}).status_code == 404


def test_city_officer_chooses_a_district(client, world):
    _network(world)
    client.force_login(world.users["city_officer"])
    body = client.get(reverse("stats:network")).content.decode()
    assert f'<option value="{world.districts[1].code}">青羊区</option>' in body
    assert "60.0%" in body
    body = client.get(reverse("stats:network"), {"region": world.districts[1].code}).content.decode()
    assert "100.0%" in body and "青羊示范" in body and "示范中心" not in body

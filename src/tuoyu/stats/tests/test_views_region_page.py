"""A region's page: places per 1,000 residents (all and filed side by side), children under 3, a
row per child region, a chart against the target and a table of the same numbers (issue #9)."""

import json
import re

import pytest
from django.urls import reverse

from tuoyu.institutions.choices import Status
from tuoyu.institutions.tests.factories import CareClassFactory, InstitutionFactory
from tuoyu.regions.tests.factories import RegionPopulationFactory, street


@pytest.fixture
def places(world):
    """a1: filed, 15 places (world) + a registered one with 20; a2: filed, 15; b1: filed, 15;
    a preparing one in a2 with 10 places that must not count."""
    reg = InstitutionFactory(street=world.streets[0], status=Status.REGISTERED, puhui=True, puhui_price=1200)
    CareClassFactory(institution=reg, class_type="older_toddler", planned_capacity=20, planned_caregivers=3)
    prep = InstitutionFactory(street=world.streets[1], status=Status.PREPARING)
    CareClassFactory(institution=prep, planned_capacity=10)
    return world


@pytest.mark.django_db
def test_district_page_shows_all_and_filed_places_per_1000(client, places):
    client.force_login(places.users["city_officer"])
    r = client.get(reverse("region_detail", args=["510104"]))
    assert r.status_code == 200
    fig = r.context["report"].figures
    # District A: 15 + 20 + 15 = 50 places for 900,000 residents; filed 30.
    assert (fig.places, fig.filed_places, fig.resident_population) == (50, 30, 900_000)
    assert str(fig.places_per_1000) == "0.06" and str(fig.filed_places_per_1000) == "0.03"
    assert fig.children_under_3 == 18_000
    assert (fig.institutions, fig.filed_institutions) == (3, 2)


@pytest.mark.django_db
def test_child_rows_carry_the_same_figures(client, places):
    client.force_login(places.users["district_officer"])
    r = client.get(reverse("region_detail", args=[places.districts[0].code]))
    rows = {f.region.name: f for f in r.context["report"].children}
    assert set(rows) == {"书院街街道", "合江亭街道"}
    a1 = rows["书院街街道"]
    assert (a1.places, a1.filed_places, a1.resident_population) == (35, 15, 60_000)
    assert str(a1.places_per_1000) == "0.58"
    assert rows["合江亭街道"].resident_population is None  # no figures loaded: "—", not 0
    assert "—" in r.content.decode()


@pytest.mark.django_db
def test_chart_data_is_a_json_block_with_the_target_line(client, places):
    client.force_login(places.users["city_officer"])
    body = client.get(reverse("region_detail", args=["510100"])).content.decode()
    match = re.search(r'<script id="region-chart-data" type="application/json">(.*?)</script>', body, re.S)
    data = json.loads(match.group(1))
    assert data["categories"] == ["锦江区", "青羊区"]
    assert data["target"] == 4.5
    assert len(data["all"]) == len(data["filed"]) == 2
    assert "<script>" not in body  # no inline script (Content-Security-Policy)


@pytest.mark.django_db
def test_street_officer_cannot_open_its_district(client, places):
    client.force_login(places.users["street_officer"])
    assert client.get(reverse("region_detail", args=[places.districts[0].code])).status_code == 404
    assert client.get(reverse("region_detail", args=[places.streets[0].code])).status_code == 200


@pytest.mark.django_db
def test_year_can_be_chosen_and_defaults_to_the_latest(client, places):
    RegionPopulationFactory(region=places.districts[0], year=2024, resident_population=800_000, children_under_3=20_000)
    client.force_login(places.users["city_officer"])
    url = reverse("region_detail", args=[places.districts[0].code])
    assert client.get(url).context["report"].figures.year == 2025
    assert client.get(url, {"year": "2024"}).context["report"].figures.resident_population == 800_000
    assert client.get(url, {"year": "abc"}).status_code == 200


@pytest.mark.django_db
def test_region_page_query_count_does_not_grow_with_child_regions(client, world, django_assert_max_num_queries):
    for i in range(30):
        s = street(world.districts[0], f"510104{100 + i}", f"新街道{i}")
        RegionPopulationFactory(region=s, resident_population=50_000)
        CareClassFactory(institution=InstitutionFactory(street=s, status=Status.FILED))
    client.force_login(world.users["city_officer"])
    url = reverse("region_detail", args=[world.districts[0].code])
    client.get(url)
    # Budget: session, user, role grants (3); the region, its ancestors and which of them are
    # the user's (3); its population by year, the child regions, the years and the children's
    # populations (4); places and institutions aggregated by code prefix (2); the session save
    # in its savepoint (3). Thirty more child regions add no query.
    with django_assert_max_num_queries(15):
        r = client.get(url)
    assert len(r.context["report"].children) == 32

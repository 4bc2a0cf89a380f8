"""Regions through the API: only the caller's part of the division tree, with population by year
(issue #2 item 3; security.md rules 1–2)."""

import pytest

from tuoyu import conftest as package_conftest
from tuoyu.accounts.tests.apiclient import ApiClient
from tuoyu.regions.models import Region
from tuoyu.regions.tests.factories import RegionPopulationFactory

# The scoping fixture of the package's tests (src/tuoyu/conftest.py), used here by its name.
world = package_conftest.world
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def codes(api, **params):
    r = api.get("/regions", params)
    assert r.status_code == 200, r.content
    return [i["code"] for i in r.json()["items"]]


def test_district_officer_sees_its_district_and_streets_only(world):
    assert codes(ApiClient(world.users["district_officer"])) == ["510104000000", "510104020000", "510104021000"]


def test_city_officer_sees_its_city_not_another(world):
    got = codes(ApiClient(world.users["city_officer"]), limit=500)
    assert "510100000000" in got and "510105021000" in got
    assert not [c for c in got if c.startswith("5103")]


def test_street_officer_sees_its_street(world):
    assert codes(ApiClient(world.users["street_officer"])) == ["510104020000"]


def test_filters_by_level_parent_name_and_activity(world):
    Region.objects.filter(code="510105021000").update(is_active=False)
    api = ApiClient(world.users["city_officer"])
    assert codes(api, level="district") == ["510104000000", "510105000000"]
    assert codes(api, parent="510105") == ["510105020000", "510105021000"]
    assert codes(api, q="书院") == ["510104020000"]
    assert codes(api, q="510105") == ["510105000000", "510105020000", "510105021000"]
    assert codes(api, active="false") == ["510105021000"]


def test_list_reports_the_total_and_pages(world):
    api = ApiClient(world.users["city_officer"])
    body = api.get("/regions", {"limit": 2, "offset": 1}).json()
    assert body["count"] == 7  # the city, two districts, four streets
    assert [i["code"] for i in body["items"]] == ["510104000000", "510104020000"]
    assert body["items"][0]["parent_code"] == "510100000000"


def test_detail_has_population_by_year_newest_first(world):
    RegionPopulationFactory(region=world.districts[0], year=2024, resident_population=890_000)
    api = ApiClient(world.users["district_officer"])
    body = api.get("/regions/510104").json()
    assert body["name"] == "锦江区" and body["level"] == "district"
    assert [(p["year"], p["resident_population"]) for p in body["populations"]] == [(2025, 900_000), (2024, 890_000)]


@pytest.mark.parametrize("code", ["510105", "510105020000", "510300000000", "999999", "abc", "5101040200001"])
def test_region_outside_the_scope_or_unknown_is_404(world, code):
    assert ApiClient(world.users["district_officer"]).get(f"/regions/{code}").status_code == 404


def test_roles_without_region_access_get_403_on_the_list(world):
    assert ApiClient(world.users["institution_director"]).get("/regions").status_code == 403


def test_bad_filter_values_are_422(world):
    api = ApiClient(world.users["city_officer"])
    assert api.get("/regions", {"level": "planet"}).status_code == 422
    r = api.get("/regions", {"parent": "12ab"})
    assert r.status_code == 422
    assert "parent" in r.json()["field_errors"]

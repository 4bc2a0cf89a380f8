"""A small fuzz of the API without schemathesis (security.md rules 22–23): odd query values on every
list operation and odd ids on every detail operation must never give a 5xx, and every error
answers the one JSON error shape."""

from __future__ import annotations

import pytest
from django.test import Client

from tuoyu import conftest as package_conftest
from tuoyu.accounts.tests.apiclient import ApiClient

# The scoping fixture of the package's tests (src/tuoyu/conftest.py), used here by its name.
world = package_conftest.world
pytestmark = pytest.mark.django_db

WEIRD = [
    "-1", "0", "1", "99999999999999999999999999", "-99999999999999999999", "1e3", "1.5", "NaN", "abc",
    "", " ", "\x00", "%00", "'; DROP TABLE institutions_institution; --", "true", "null", "[]", "{}",
    "🙂", "ｆｕｌｌ", "510104", "510104020000", "2026-02-30T25:61:00", "x" * 5000, "unknown_choice",
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def operations():
    schema = Client().get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, op in item.items():
            yield method.upper(), path, op


def list_operations():
    return [(p, [x["name"] for x in op.get("parameters", []) if x["in"] == "query"])
            for m, p, op in operations() if m == "GET" and "{" not in p
            and any(x["name"] == "limit" for x in op.get("parameters", []))]


def assert_clean(r, what):
    assert r.status_code < 500, (what, r.status_code, r.content[:300])
    if r.status_code >= 400 and r["Content-Type"].startswith("application/json"):
        assert set(r.json()) == {"code", "message", "field_errors"}, what


@pytest.mark.parametrize("role", ["city_officer", "district_officer", "institution_director", "parent"])
def test_odd_query_values_on_every_list_never_give_a_5xx(world, role):
    ops = list_operations()
    assert {p for p, _ in ops} >= {"/api/v1/institutions", "/api/v1/regions", "/api/v1/audit", "/api/v1/auth/tokens"}
    api = ApiClient(world.users[role])
    for path, params in ops:
        for name in params:
            for value in WEIRD:
                assert_clean(api.get(path, {name: value}), (path, name, value))
            assert_clean(api.get(path, {name: WEIRD[:6]}), (path, name, "repeated"))
        assert_clean(api.get(path, {"no_such_filter": "1", "limit": "2"}), (path, "unknown parameter"))
        assert_clean(api.get(path, dict.fromkeys(params, "-1")), (path, "all at once"))


def test_limit_and_offset_bounds_are_422_with_the_field_named(world):
    api = ApiClient(world.users["city_officer"])
    for params, field in (({"limit": "-1"}, "limit"), ({"limit": "0"}, "limit"), ({"limit": "100000"}, "limit"),
                          ({"offset": "-5"}, "offset"), ({"offset": "abc"}, "offset"),
                          ({"offset": str(2**40)}, "offset"), ({"status": "closed"}, "status")):
        r = api.get("/institutions", params)
        assert r.status_code == 422, params
        assert field in r.json()["field_errors"], (params, r.json())


def test_a_huge_offset_inside_the_bound_is_an_empty_page(world):
    body = ApiClient(world.users["city_officer"]).get("/institutions", {"offset": str(2**31 - 1)}).json()
    assert body["items"] == [] and body["count"] == 3


@pytest.mark.parametrize("value", ["0", "-1", "abc", "99999999999999999999999", "1.5", "%00", "510104", "x" * 300])
def test_odd_ids_on_every_detail_operation_never_give_a_5xx(world, value):
    api = ApiClient(world.users["city_officer"])
    for method, path, _op in operations():
        if "{" not in path:
            continue
        url = path.split("{")[0] + value
        r = api.client.generic(method, url, "{}", content_type="application/json")
        assert_clean(r, (method, url))


def test_odd_bodies_on_every_write_never_give_a_5xx(world):
    api = ApiClient(world.users["city_officer"])
    a2 = world.institutions["a2"].pk
    bodies = ["{", "[]", "null", "1", '"x"', "{}", '{"name": null}', '{"classes": "none"}',
              '{"classes": [null]}', '{"offerings": [{"price": "1e400"}]}', "\x00", '{"name": "\\u0000"}',
              '{"version": 99999999999999999999999999}', "{" * 200 + "}" * 200]
    for method, path, _op in operations():
        if method not in ("POST", "PUT"):
            continue
        url = path.replace("{institution_id}", str(a2))
        for body in bodies:
            r = api.client.generic(method, url, body, content_type="application/json")
            assert_clean(r, (method, url, body[:40]))

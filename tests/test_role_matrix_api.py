"""The API role matrix (security.md rules 1 and 2; shared/style.md §6).

Every operation in the OpenAPI schema under /api/v1/ has a row here, or the first test fails. Each
row gives the expected status for every role inside the `world` scope, the same role outside it
(`<role>_out`) and an anonymous caller, each calling with its own bearer token. A refused call
must leave the database as it was; an object outside the caller's scope answers 404.

Columns, in this order:
    city district street director staff health expert trainer parent
  | city_out district_out street_out director_out staff_out health_out expert_out trainer_out
  | anonymous
"""

from __future__ import annotations

import pytest
from django.test import Client

from tuoyu import conftest as package_conftest
from tuoyu.accounts.api import CREDENTIALS, OWN_ACCOUNT
from tuoyu.accounts.models import ApiToken, RoleGrant, User
from tuoyu.accounts.services import hash_token
from tuoyu.accounts.tests.apiclient import ApiClient, token_for
from tuoyu.accounts.tests.factories import PASSWORD
from tuoyu.core.permissions import Action
from tuoyu.core.roles import Role
from tuoyu.core.scoping import SYSTEM
from tuoyu.institutions.models import Alliance, CareClass, Institution, ServiceOffering
from tuoyu.institutions.services import InstitutionData, alliance_create
from tuoyu.institutions.tests.factories import make_uscc
from tuoyu.regions.models import Region, RegionPopulation


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """src/tuoyu/conftest.py does this for the package's tests; it is not loaded when tests/ runs alone."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The scoping fixture of the package's tests (src/tuoyu/conftest.py), used here by its name.
world = package_conftest.world

ANON = "anonymous"
INSIDE = [str(r) for r in Role.values]
OUTSIDE = [f"{r}_out" for r in Role.values if r != Role.PARENT]
PRINCIPALS = [*INSIDE, *OUTSIDE, ANON]

EXPECTED_TABLE = {
    ("POST", "/api/v1/auth/token"):
        "201 201 201 201 201 201 201 201 201 | 201 201 201 201 201 201 201 201 | 401",
    ("GET", "/api/v1/auth/me"):
        "200 200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200 | 401",
    ("GET", "/api/v1/auth/tokens"):
        "200 200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200 | 401",
    ("DELETE", "/api/v1/auth/tokens/{token_id}"):  # one's own spare token
        "204 204 204 204 204 204 204 204 204 | 204 204 204 204 204 204 204 204 | 401",
    ("GET", "/api/v1/regions"):
        "200 200 200 403 403 403 403 200 403 | 200 200 200 403 403 403 403 200 | 401",
    ("GET", "/api/v1/regions/{code}"):  # street a1
        "200 200 200 404 404 404 404 200 404 | 404 404 404 404 404 404 404 404 | 401",
    ("GET", "/api/v1/institutions"):
        "200 200 200 200 200 200 200 200 403 | 200 200 200 200 200 200 200 200 | 401",
    # A new institution in street a1: the city and district register; an officer of another
    # city or district is told the street is outside its area (a field error, nothing written).
    ("POST", "/api/v1/institutions"):
        "201 201 403 403 403 403 403 403 403 | 400 400 403 403 403 403 403 403 | 401",
    ("GET", "/api/v1/institutions/{institution_id}"):  # institution a1
        "200 200 200 200 200 200 200 200 404 | 404 404 404 404 404 404 404 404 | 401",
    ("PUT", "/api/v1/institutions/{institution_id}"):
        "200 200 403 200 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 401",
    ("DELETE", "/api/v1/institutions/{institution_id}"):
        "204 204 403 403 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 401",
    ("GET", "/api/v1/audit"):
        "200 200 200 403 403 403 403 403 403 | 200 200 200 403 403 403 403 403 | 401",
    # Accounts: the target is institution a1's staff member; the city and district officers manage
    # it, the other city's and district's officers get 404, roles that never manage accounts 403.
    # A new account gets a first grant on institution a2 (district A): outside officers cannot name it.
    ("GET", "/api/v1/users"):
        "200 200 403 403 403 403 403 403 403 | 200 200 403 403 403 403 403 403 | 401",
    ("POST", "/api/v1/users"):
        "201 201 403 403 403 403 403 403 403 | 400 400 403 403 403 403 403 403 | 401",
    ("GET", "/api/v1/users/{user_id}"):
        "200 200 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 401",
    ("PATCH", "/api/v1/users/{user_id}"):
        "200 200 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 401",
    ("POST", "/api/v1/users/{user_id}/deactivate"):
        "200 200 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 401",
    ("POST", "/api/v1/users/{user_id}/grants"):
        "201 201 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 401",
    ("DELETE", "/api/v1/users/{user_id}/grants/{grant_id}"):
        "200 200 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 401",
    ("POST", "/api/v1/users/{user_id}/grants/{grant_id}/revoke"):
        "200 200 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 401",
    # Alliances: the one in district A has a1 as member, so everyone who sees a1 sees it; the
    # officers of its region (city, district) manage it. A new one goes in district A.
    ("GET", "/api/v1/alliances"):
        "200 200 200 200 200 200 200 200 403 | 200 200 200 200 200 200 200 200 | 401",
    ("POST", "/api/v1/alliances"):
        "201 201 403 403 403 403 403 403 403 | 400 400 403 403 403 403 403 403 | 401",
    ("GET", "/api/v1/alliances/{alliance_id}"):
        "200 200 200 200 200 200 200 200 404 | 404 404 404 404 404 404 404 404 | 401",
    ("PUT", "/api/v1/alliances/{alliance_id}"):
        "200 200 403 403 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 401",
    ("PUT", "/api/v1/alliances/{alliance_id}/members"):
        "200 200 403 403 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 401",
    ("DELETE", "/api/v1/alliances/{alliance_id}"):
        "204 204 403 403 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 401",
}


def _parse(row: str) -> dict[str, int]:
    codes = [int(c) for c in row.replace("|", " ").split()]
    assert len(codes) == len(PRINCIPALS), row
    return dict(zip(PRINCIPALS, codes, strict=True))


EXPECTED = {op: _parse(row) for op, row in EXPECTED_TABLE.items()}
KNOWN_ACTIONS = {*Action.values, OWN_ACCOUNT, CREDENTIALS}


def openapi_operations(client: Client) -> dict[tuple[str, str], dict]:
    schema = client.get("/api/v1/openapi.json").json()
    return {(m.upper(), path): op for path, item in schema["paths"].items() for m, op in item.items()}


@pytest.mark.django_db
def test_every_api_operation_has_a_row_in_the_matrix(client):
    ops = openapi_operations(client)
    missing = sorted(set(ops) - set(EXPECTED))
    assert not missing, f"API operations without a role-matrix row in {__file__}: {missing}"
    stale = sorted(set(EXPECTED) - set(ops))
    assert not stale, f"role-matrix rows for operations that no longer exist: {stale}"


@pytest.mark.django_db
def test_every_api_operation_names_its_action(client):
    """security.md rule 1: every operation has a named action from the one permission table."""
    for op, spec in openapi_operations(client).items():
        assert spec.get("x-tuoyu-action") in KNOWN_ACTIONS, op


# ---- one call per (operation, principal) -------------------------------------------------------------

def new_institution_body() -> dict:
    return {
        "name": "矩阵测试托育中心", "street_code": "510104020", "address": "书院街9号",
        "registration_type": "enterprise", "service_model": "community_embedded", "ownership": "private",
        "credit_code": make_uscc(9_100_001),
        "classes": [{"class_type": "older_toddler", "planned_capacity": 20, "planned_caregivers": 3}],
    }


def edit_body(inst: Institution) -> dict:
    data = InstitutionData.from_instance(inst)
    body = {k: v for k, v in vars(data).items() if k not in ("classes", "offerings")}
    body["classes"] = [vars(c) for c in data.classes]
    body["offerings"] = [vars(o) for o in data.offerings]
    body["open_days"] = "周一至周六"
    body["version"] = inst.version
    return body


def snapshot(world) -> dict:
    """What a refused call must not change (the audit trail grows: denials are recorded)."""
    return {
        "counts": [m.objects.count() for m in (Institution, CareClass, ServiceOffering, Region, RegionPopulation, RoleGrant)],
        "live_tokens": sorted(ApiToken.objects.filter(revoked_at__isnull=True).values_list("pk", flat=True)),
        "users": list(User.objects.order_by("pk").values("pk", "username", "display_name", "is_active")),
        "grants": list(RoleGrant.objects.order_by("pk").values()),
        "institutions": list(Institution.objects.order_by("pk").values()),
        "classes": list(CareClass.objects.order_by("pk").values()),
        "alliances": list(Alliance.objects.order_by("pk").values()),
        "alliance_members": sorted(Alliance.members.through.objects.values_list("alliance_id", "institution_id")),
    }


def call(world, op: tuple[str, str], principal: str):
    """Prepare what the call needs, then return a function making it (after the snapshot)."""
    method, path = op
    user = None if principal == ANON else world.users[principal]
    a1 = world.institutions["a1"]
    if op == ("POST", "/api/v1/auth/token"):
        creds = {"username": principal if user else "city_officer", "password": PASSWORD if user else "wrong-pass-123",
                 "name": "矩阵"}
        return lambda: ApiClient().post("/auth/token", creds)
    api = ApiClient(user) if user else ApiClient()
    if path.startswith("/api/v1/users"):
        return user_call(world, api, op)
    if path.startswith("/api/v1/alliances"):
        return alliance_call(world, api, op)
    url = path.replace("{institution_id}", str(a1.pk)).replace("{code}", world.streets[0].code)
    if "{token_id}" in path:
        spare = token_for(user or world.users["city_officer"], name="spare")
        url = url.replace("{token_id}", str(ApiToken.objects.get(key_hash=hash_token(spare)).pk))
    if method == "GET":
        return lambda: api.get(url)
    if method == "DELETE":
        return lambda: api.delete(url)
    body = new_institution_body() if method == "POST" else edit_body(a1)
    return lambda: getattr(api, method.lower())(url, body)


def alliance_call(world, api: ApiClient, op: tuple[str, str]):
    """An alliance in district A with member a1; writes name district A and streets a1/a2."""
    method, path = op
    alliance = alliance_create(actor=SYSTEM, name="锦江托育联盟", region=world.districts[0],
                               member_ids=[world.institutions["a1"].pk])
    url = path.replace("{alliance_id}", str(alliance.pk))
    if method == "GET":
        return lambda: api.get(url)
    if method == "DELETE":
        return lambda: api.delete(url)
    if method == "POST":
        body = {"name": "书院街托育联盟", "region_code": world.districts[0].code,
                "member_ids": [world.institutions["a1"].pk, world.institutions["a2"].pk]}
    elif path.endswith("/members"):
        body = {"member_ids": [world.institutions["a1"].pk, world.institutions["a2"].pk]}
    else:
        body = {"name": "锦江区托育服务联盟", "region_code": world.districts[0].code, "description": "改过的简介"}
    return lambda: getattr(api, method.lower())(url, body)


def user_call(world, api: ApiClient, op: tuple[str, str]):
    """Account operations on institution a1's staff member and its grant; a new account or grant
    goes on institution a2 (district A)."""
    method, path = op
    staff = world.users["institution_staff"]
    a2 = world.institutions["a2"].pk
    url = path.replace("{user_id}", str(staff.pk)).replace("{grant_id}", str(staff.grants.get().pk))
    if method == "GET":
        return lambda: api.get(url)
    if method == "DELETE":
        return lambda: api.delete(url)
    if method == "PATCH":
        return lambda: api.patch(url, {"display_name": "改过的姓名"})
    if path == "/api/v1/users":
        body = {"username": "matrix.user", "display_name": "矩阵用户", "password": "Lantern-river-2031",
                "grant": {"role": "institution_staff", "institution_id": a2}}
    elif path.endswith("/grants"):
        body = {"role": "assessment_expert", "institution_id": a2}
    else:
        body = {}
    return lambda: api.post(url, body)


CASES = [(op, p) for op in EXPECTED for p in PRINCIPALS]


@pytest.mark.django_db
@pytest.mark.parametrize(("op", "principal"), CASES, ids=[f"{m} {p} as {who}" for (m, p), who in CASES])
def test_role_matrix(world, op, principal):
    expected = EXPECTED[op][principal]
    make_call = call(world, op, principal)
    before = snapshot(world)
    r = make_call()
    assert r.status_code == expected, (r.status_code, r.content[:300])
    if expected >= 400:
        assert set(r.json()) == {"code", "message", "field_errors"}
        assert snapshot(world) == before, "a refused call changed the database"
    elif op[0] in ("POST", "PUT", "DELETE"):
        assert snapshot(world) != before, "an accepted write changed nothing"


# ---- what each role sees in the lists ---------------------------------------------------------------

SEES = {
    "city_officer": {"a1", "a2", "b1"},
    "district_officer": {"a1", "a2"},
    "street_officer": {"a1"},
    "institution_director": {"a1"},
    "institution_staff": {"a1"},
    "health_manager": {"a1"},
    "assessment_expert": {"a1"},
    "trainer": {"a1", "a2"},
    "city_officer_out": set(),
    "district_officer_out": {"b1"},
    "street_officer_out": {"b1"},
    "institution_director_out": {"b1"},
    "institution_staff_out": {"b1"},
    "health_manager_out": {"b1"},
    "assessment_expert_out": {"b1"},
    "trainer_out": {"b1"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("principal", sorted(SEES))
def test_institution_list_holds_exactly_the_callers_scope(world, principal):
    """Issue #2 item 4: a district officer sees only its district's institutions, a director only
    its own institution."""
    by_id = {inst.pk: key for key, inst in world.institutions.items()}
    body = ApiClient(world.users[principal]).get("/institutions").json()
    assert {by_id[i["id"]] for i in body["items"]} == SEES[principal]
    assert body["count"] == len(SEES[principal])

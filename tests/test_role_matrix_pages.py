"""The page role matrix (security.md rules 1 and 2; shared/style.md §6).

Every URL pattern of the site outside /api/ and /i18n/ has a row here (PAGE_ROWS) or in
tests/role_matrix_sheets.py (ROWS), or `test_every_page_has_a_row` fails. Each row gives the
expected status for every role inside the `world` scope, the same role outside it (`<role>_out`)
and an anonymous visitor. A refused write must leave the database as it was; an object outside
the user's scope answers 404.

Row format (a plain dict, so tests/role_matrix_sheets.py needs no import from here):

    {
        "name": "institutions:detail",          # the URL name, "namespace:name"
        "kwargs": lambda w: {"pk": w.institutions["a1"].pk},   # reverse() kwargs from `world`;
                                                 # omit or None when the URL takes none
        "method": "GET",                         # or "POST" (default "GET")
        "data": lambda w: {...},                 # POST body (optional)
        "headers": {"HTTP_HX_REQUEST": "true"},  # extra request headers (optional)
        "unchanged": lambda w: <snapshot>,       # optional: for every principal whose expected
                                                 # status is ≥ 400, or anonymous, the snapshot
                                                 # taken after the request must equal the one
                                                 # before (a refused write changed nothing)
        "expect": "200 200 200 200 200 200 200 200 403 | 200 200 200 200 200 200 200 200 | 302",
        "note": "why (optional)",
    }

`expect` lists one status per principal, in this order (as in tests/test_role_matrix_api.py):

    city district street director staff health expert trainer parent
  | city_out district_out street_out director_out staff_out health_out expert_out trainer_out
  | anonymous

Several rows may share a URL name (GET and POST, or two objects). Each (row, principal) request
runs inside a savepoint that is rolled back, so one principal's successful write does not change
what the next one sees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tuoyu.accounts.models import ApiToken, RoleGrant, User
from tuoyu.accounts.tests.apiclient import token_for
from tuoyu.accounts.tests.factories import PASSWORD
from tuoyu.conftest import world  # noqa: F401 - the scoping fixture lives beside the package's tests
from tuoyu.core.roles import Role
from tuoyu.core.scoping import SYSTEM
from tuoyu.institutions.choices import ClassType, Ownership, RegistrationType, ServiceModel, Status
from tuoyu.institutions.forms import form_data_for
from tuoyu.institutions.models import Alliance, Institution
from tuoyu.institutions.services import ClassData, InstitutionData, alliance_create
from tuoyu.institutions.tests.factories import make_uscc

from .role_matrix_sheets import ROWS as SHEET_ROWS

ANON = "anonymous"
INSIDE = [str(r) for r in Role.values]
OUTSIDE = [f"{r}_out" for r in Role.values if r != Role.PARENT]
PRINCIPALS = [*INSIDE, *OUTSIDE, ANON]

# URL prefixes with their own matrix (the API) or no scoped data (language switch, static files).
EXCLUDED_PREFIXES = ("api/", "i18n/", "static/", "media/")


def _a1(w: Any) -> dict:
    return {"pk": w.institutions["a1"].pk}


def _district_a(w: Any) -> dict:
    return {"code": w.districts[0].code}


def _street_a1(w: Any) -> dict:
    return {"code": w.streets[0].code}


def _new_in_a1(w: Any) -> dict:
    data = InstitutionData(
        name="矩阵测试托育园", street_code=w.streets[0].code, address="矩阵路1号",
        registration_type=RegistrationType.ENTERPRISE, service_model=ServiceModel.STANDALONE,
        ownership=Ownership.PRIVATE, credit_code=make_uscc(900001), status=Status.PREPARING,
        classes=[ClassData("托小一班", ClassType.TODDLER, 12, 3)],
    )
    return form_data_for(data)


def _edit_a1(w: Any) -> dict:
    inst = Institution.objects.get(pk=w.institutions["a1"].pk)
    data = InstitutionData.from_instance(inst)
    data.name = "改过的名字"
    return form_data_for(data, version=inst.version)


def _institution_count(w: Any) -> int:
    return Institution.objects.count()


def _a1_row(w: Any) -> dict:
    return Institution.objects.filter(pk=w.institutions["a1"].pk).values().first()


def _alliance_a(w: Any) -> dict:
    """The alliance of district A, member a1 (made once per row, before the requests)."""
    alliance = Alliance.objects.filter(name="锦江托育联盟").first() or alliance_create(
        actor=SYSTEM, name="锦江托育联盟", region=w.districts[0], member_ids=[w.institutions["a1"].pk])
    return {"pk": alliance.pk}


def _new_alliance(w: Any) -> dict:
    return {"name": "书院街托育联盟", "region_code": w.districts[0].code, "description": ""}


def _edit_alliance(w: Any) -> dict:
    return {"name": "锦江区托育服务联盟", "region_code": w.districts[0].code, "description": "改过的简介"}


def _alliance_members(w: Any) -> dict:
    return {"members": [w.institutions["a1"].pk], "add": [w.institutions["a2"].pk]}


def _alliances(w: Any) -> list:
    return [list(Alliance.objects.order_by("pk").values()),
            sorted(Alliance.members.through.objects.values_list("alliance_id", "institution_id"))]


def _staff_a1(w: Any) -> dict:
    """Institution a1's staff member: the account the officers' pages act on."""
    return {"pk": w.users["institution_staff"].pk}


def _staff_grant(w: Any) -> dict:
    staff = w.users["institution_staff"]
    return {"pk": staff.pk, "grant_pk": staff.grants.get().pk}


def _city_officers_token(w: Any) -> dict:
    """A token of the city officer (made once per row): only its owner may revoke it."""
    token = ApiToken.objects.filter(user=w.users["city_officer"], name="矩阵").first()
    if token is None:
        token_for(w.users["city_officer"], name="矩阵")
        token = ApiToken.objects.get(user=w.users["city_officer"], name="矩阵")
    return {"pk": token.pk}


def _new_account(w: Any) -> dict:
    return {"username": "matrix.user", "display_name": "矩阵用户", "new_password": "Lantern-river-2031",
            "new_password2": "Lantern-river-2031", "role": Role.INSTITUTION_STAFF, "region": "",
            "institution": w.institutions["a2"].pk, "valid_from": "", "valid_until": ""}


def _new_grant(w: Any) -> dict:
    return {"role": Role.ASSESSMENT_EXPERT, "region": "", "institution": w.institutions["a2"].pk,
            "valid_from": "", "valid_until": ""}


def _new_password(w: Any) -> dict:
    return {"new_password": "Lantern-river-2031", "new_password2": "Lantern-river-2031"}


def _own_password(w: Any) -> dict:
    return {"old_password": PASSWORD, "new_password": "Lantern-river-2031", "new_password2": "Lantern-river-2031"}


def _accounts(w: Any) -> list:
    return [list(User.objects.order_by("pk").values("pk", "username", "display_name", "is_active", "password")),
            list(RoleGrant.objects.order_by("pk").values()),
            sorted(ApiToken.objects.filter(revoked_at__isnull=True).values_list("pk", flat=True))]


PAGE_ROWS: list[dict[str, Any]] = [
    {"name": "home",
     "expect": "200 200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200 | 302"},
    {"name": "accounts:login",
     "expect": "200 200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200 | 200"},
    {"name": "accounts:logout", "method": "POST", "note": "sign-out is POST only",
     "expect": "302 302 302 302 302 302 302 302 302 | 302 302 302 302 302 302 302 302 | 302"},
    {"name": "accounts:logout", "method": "GET", "note": "a link cannot sign anyone out",
     "expect": "405 405 405 405 405 405 405 405 405 | 405 405 405 405 405 405 405 405 | 405"},
    {"name": "regions:tree",
     "expect": "200 200 200 403 403 403 403 200 403 | 200 200 200 403 403 403 403 200 | 302"},
    {"name": "regions:children", "kwargs": _district_a, "headers": {"HTTP_HX_REQUEST": "true"},
     "note": "district A: the street officer of a1 sees only its street",
     "expect": "200 200 404 404 404 404 404 200 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "region_detail", "kwargs": _district_a,
     "expect": "200 200 404 404 404 404 404 200 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "region_detail", "kwargs": _street_a1,
     "expect": "200 200 200 404 404 404 404 200 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "institutions:list",
     "expect": "200 200 200 200 200 200 200 200 403 | 200 200 200 200 200 200 200 200 | 302"},
    {"name": "institutions:detail", "kwargs": _a1,
     "expect": "200 200 200 200 200 200 200 200 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "institutions:create",
     "expect": "200 200 403 403 403 403 403 403 403 | 200 200 403 403 403 403 403 403 | 302"},
    {"name": "institutions:create", "method": "POST", "data": _new_in_a1, "unchanged": _institution_count,
     "note": "a new institution in street a1: another city's or district's officer gets a field error",
     "expect": "302 302 403 403 403 403 403 403 403 | 400 400 403 403 403 403 403 403 | 302"},
    {"name": "institutions:edit", "kwargs": _a1,
     "expect": "200 200 403 200 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "institutions:edit", "kwargs": _a1, "method": "POST", "data": _edit_a1, "unchanged": _a1_row,
     "expect": "302 302 403 302 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "institutions:delete", "kwargs": _a1,
     "expect": "200 200 403 403 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "institutions:delete", "kwargs": _a1, "method": "POST", "unchanged": _a1_row,
     "expect": "302 302 403 403 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "core:audit",
     "expect": "200 200 200 403 403 403 403 403 403 | 200 200 200 403 403 403 403 403 | 302"},
    # Alliances: the one in district A has a1 as member, so whoever sees a1 sees it; the officers
    # of its region (city, district) manage it.
    {"name": "institutions:alliances",
     "expect": "200 200 200 200 200 200 200 200 403 | 200 200 200 200 200 200 200 200 | 302"},
    {"name": "institutions:alliance_detail", "kwargs": _alliance_a,
     "expect": "200 200 200 200 200 200 200 200 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "institutions:alliance_create",
     "expect": "200 200 403 403 403 403 403 403 403 | 200 200 403 403 403 403 403 403 | 302"},
    {"name": "institutions:alliance_create", "method": "POST", "data": _new_alliance, "unchanged": _alliances,
     "note": "a new alliance in district A: another city's or district's officer cannot choose it",
     "expect": "302 302 403 403 403 403 403 403 403 | 400 400 403 403 403 403 403 403 | 302"},
    {"name": "institutions:alliance_edit", "kwargs": _alliance_a,
     "expect": "200 200 403 403 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "institutions:alliance_edit", "kwargs": _alliance_a, "method": "POST", "data": _edit_alliance,
     "unchanged": _alliances,
     "expect": "302 302 403 403 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "institutions:alliance_members", "kwargs": _alliance_a,
     "expect": "200 200 403 403 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "institutions:alliance_members", "kwargs": _alliance_a, "method": "POST", "data": _alliance_members,
     "unchanged": _alliances,
     "expect": "302 302 403 403 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "institutions:alliance_delete", "kwargs": _alliance_a,
     "expect": "200 200 403 403 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "institutions:alliance_delete", "kwargs": _alliance_a, "method": "POST", "unchanged": _alliances,
     "expect": "302 302 403 403 403 403 403 403 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "stats:network", "note": "a region's figures: officers and trainers",
     "expect": "200 200 200 403 403 403 403 200 403 | 200 200 200 403 403 403 403 200 | 302"},
    # Accounts: the officers' pages act on institution a1's staff member (city and district manage
    # it; the other city's and district's officers get 404; roles that never manage accounts 403).
    {"name": "accounts:users",
     "expect": "200 200 403 403 403 403 403 403 403 | 200 200 403 403 403 403 403 403 | 302"},
    {"name": "accounts:user_create",
     "expect": "200 200 403 403 403 403 403 403 403 | 200 200 403 403 403 403 403 403 | 302"},
    {"name": "accounts:user_create", "method": "POST", "data": _new_account, "unchanged": _accounts,
     "note": "a first grant on institution a2: outside officers are not offered it (a field error)",
     "expect": "302 302 403 403 403 403 403 403 403 | 400 400 403 403 403 403 403 403 | 302"},
    {"name": "accounts:user_detail", "kwargs": _staff_a1,
     "expect": "200 200 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 302"},
    {"name": "accounts:user_edit", "kwargs": _staff_a1,
     "expect": "200 200 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 302"},
    {"name": "accounts:user_edit", "kwargs": _staff_a1, "method": "POST", "data": lambda w: {"display_name": "改过的姓名"},
     "unchanged": _accounts,
     "expect": "302 302 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 302"},
    {"name": "accounts:user_password", "kwargs": _staff_a1,
     "expect": "200 200 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 302"},
    {"name": "accounts:user_password", "kwargs": _staff_a1, "method": "POST", "data": _new_password,
     "unchanged": _accounts,
     "expect": "302 302 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 302"},
    {"name": "accounts:user_deactivate", "kwargs": _staff_a1,
     "expect": "200 200 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 302"},
    {"name": "accounts:user_deactivate", "kwargs": _staff_a1, "method": "POST", "unchanged": _accounts,
     "expect": "302 302 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 302"},
    {"name": "accounts:user_reactivate", "kwargs": _staff_a1,
     "expect": "200 200 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 302"},
    {"name": "accounts:user_reactivate", "kwargs": _staff_a1, "method": "POST", "unchanged": _accounts,
     "expect": "302 302 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 302"},
    {"name": "accounts:grant_add", "kwargs": _staff_a1,
     "expect": "200 200 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 302"},
    {"name": "accounts:grant_add", "kwargs": _staff_a1, "method": "POST", "data": _new_grant, "unchanged": _accounts,
     "expect": "302 302 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 302"},
    {"name": "accounts:grant_revoke", "kwargs": _staff_grant,
     "expect": "200 200 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 302"},
    {"name": "accounts:grant_revoke", "kwargs": _staff_grant, "method": "POST", "unchanged": _accounts,
     "expect": "302 302 403 403 403 403 403 403 403 | 404 404 403 403 403 403 403 403 | 302"},
    # Everyone's own account.
    {"name": "accounts:me",
     "expect": "200 200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200 | 302"},
    {"name": "accounts:me_password",
     "expect": "200 200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200 | 302"},
    {"name": "accounts:me_password", "method": "POST", "data": _own_password, "unchanged": _accounts,
     "expect": "302 302 302 302 302 302 302 302 302 | 302 302 302 302 302 302 302 302 | 302"},
    {"name": "accounts:token_create",
     "expect": "200 200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200 | 302"},
    {"name": "accounts:token_create", "method": "POST", "data": lambda w: {"name": "矩阵脚本"}, "unchanged": _accounts,
     "note": "each principal has one grant, so the token is bound to it without choosing; the page shows the token",
     "expect": "200 200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200 | 302"},
    {"name": "accounts:token_revoke", "kwargs": _city_officers_token, "note": "the city officer's own token",
     "expect": "200 404 404 404 404 404 404 404 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "accounts:token_revoke", "kwargs": _city_officers_token, "method": "POST", "unchanged": _accounts,
     "expect": "302 404 404 404 404 404 404 404 404 | 404 404 404 404 404 404 404 404 | 302"},
]

ALL_ROWS = [*PAGE_ROWS, *SHEET_ROWS]


def parse_expect(row: str) -> dict[str, int]:
    codes = [int(c) for c in row.replace("|", " ").split()]
    assert len(codes) == len(PRINCIPALS), f"{len(codes)} statuses for {len(PRINCIPALS)} principals: {row}"
    return dict(zip(PRINCIPALS, codes, strict=True))


def site_url_names() -> tuple[set[str], list[str]]:
    """Every named page of the site (namespace:name) and any unnamed pattern, outside the API."""
    names: set[str] = set()
    unnamed: list[str] = []

    def walk(patterns: list, prefix: str, namespace: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.lstrip("^").startswith(EXCLUDED_PREFIXES):
                continue
            if isinstance(p, URLResolver):
                ns = p.namespace or ""
                walk(p.url_patterns, route, f"{namespace}:{ns}".strip(":") if ns else namespace)
            elif isinstance(p, URLPattern):
                if p.name:
                    names.add(f"{namespace}:{p.name}" if namespace else p.name)
                else:
                    unnamed.append(route)

    walk(get_resolver().url_patterns, "", "")
    return names, unnamed


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """src/tuoyu/conftest.py sets this for whole-suite runs; this keeps a run of this file alone fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_every_page_has_a_row():
    names, unnamed = site_url_names()
    covered = {row["name"] for row in ALL_ROWS}
    assert not unnamed, f"URL patterns without a name (name them and add a row): {unnamed}"
    missing = sorted(names - covered)
    assert not missing, f"pages without a role-matrix row (add one to PAGE_ROWS or role_matrix_sheets.ROWS): {missing}"
    stale = sorted(covered - names)
    assert not stale, f"rows for URL names that no longer exist: {stale}"


def test_every_row_lists_every_principal():
    for row in ALL_ROWS:
        parse_expect(row["expect"])


def _request(client: Client, row: dict, url: str, w: Any):
    data: Callable | None = row.get("data")
    headers = row.get("headers", {})
    if row.get("method", "GET") == "POST":
        return client.post(url, data(w) if data else {}, **headers)
    return client.get(url, **headers)


def _row_id(row: dict) -> str:
    return f"{row.get('method', 'GET')} {row['name']}{' ' + row['kwargs'].__name__ if row.get('kwargs') else ''}"


@pytest.mark.parametrize("row", ALL_ROWS, ids=_row_id)
def test_page_answers_each_principal_as_the_matrix_says(world, row):  # noqa: F811
    expected = parse_expect(row["expect"])
    kwargs_fn = row.get("kwargs")
    url = reverse(row["name"], kwargs=kwargs_fn(world) if kwargs_fn else None)
    unchanged: Callable | None = row.get("unchanged")
    wrong: list[str] = []
    for principal in PRINCIPALS:
        client = Client()
        if principal != ANON:
            client.force_login(world.users[principal])
        sid = transaction.savepoint()
        try:
            before = unchanged(world) if unchanged else None
            response = _request(client, row, url, world)
            if response.status_code != expected[principal]:
                wrong.append(f"{principal}: expected {expected[principal]}, got {response.status_code}")
            elif unchanged and (expected[principal] >= 400 or principal == ANON):
                after = unchanged(world)
                if after != before:
                    wrong.append(f"{principal}: a refused {row.get('method', 'GET')} changed the data")
        finally:
            transaction.savepoint_rollback(sid)
    assert not wrong, f"{_row_id(row)} ({url}):\n" + "\n".join(wrong)

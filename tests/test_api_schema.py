"""The API's published contract: docs reachable at /api/docs from local files, an OpenAPI schema
that declares the errors each operation can answer (security.md rule 23), glossary codes as enums,
and the one error shape (shared/design.md "API")."""

from __future__ import annotations

import pytest
from django.test import Client

from tuoyu.institutions.choices import ServiceModel, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client: Client) -> dict:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    return r.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, op in item.items():
            yield method.upper(), path, op


def test_api_docs_redirect_reaches_the_swagger_page_served_from_local_files(client):
    r = client.get("/api/docs", follow=True)
    assert r.redirect_chain == [("/api/v1/docs", 302)]
    assert r.status_code == 200
    html = r.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_schema_is_public_and_versioned(schema):
    assert schema["info"]["title"] == "Tuoyu API"
    assert schema["info"]["version"] == "1"
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_bearer_token_is_the_documented_way_in(schema):
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["BearerTokenAuth"].items()
    assert schemes["SessionCookieAuth"]["in"] == "cookie"


def test_every_operation_declares_the_errors_it_can_answer(schema):
    for method, path, op in operations(schema):
        codes = {int(c) for c in op["responses"]}
        what = f"{method} {path}"
        if path != "/api/v1/auth/token":
            assert 401 in codes, what
            assert op.get("security"), what
        if "{" in path:
            assert 404 in codes, what
        if op.get("parameters") or "requestBody" in op:
            assert 422 in codes, what
        if method == "PUT":
            assert 409 in codes, what
        if method in ("POST", "PUT"):
            assert 400 in codes, what
        action = op.get("x-tuoyu-action", "")
        lists_by_action = method == "GET" and "{" not in path and action != "own_account"
        writes_with_session = method != "GET" and action != "credentials"  # CSRF refusal
        if lists_by_action or writes_with_session:
            assert 403 in codes, what
        for code in codes - {200, 201, 204}:
            ref = op["responses"][str(code)]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorOut"), what


def test_choice_fields_are_documented_as_glossary_codes(schema):
    comps = schema["components"]["schemas"]
    body = comps["InstitutionIn"]
    assert body.get("additionalProperties") is False

    def enum_of(prop):
        ref = prop.get("$ref") or prop.get("allOf", [{}])[0].get("$ref")
        return comps[ref.rsplit("/", 1)[-1]]["enum"]

    assert enum_of(body["properties"]["service_model"]) == list(ServiceModel.values)
    assert enum_of(body["properties"]["status"]) == list(Status.values)
    params = {p["name"]: p for p in schema["paths"]["/api/v1/institutions"]["get"]["parameters"]}
    status_items = params["status"]["schema"]["anyOf"][0]["items"]
    assert enum_of(status_items) == list(Status.values)


def test_unauthenticated_call_gets_the_error_shape_and_a_bearer_challenge(client):
    r = client.get("/api/v1/institutions")
    assert r.status_code == 401
    assert r["WWW-Authenticate"] == 'Bearer realm="tuoyu"'
    body = r.json()
    assert body["code"] == "unauthorized" and body["field_errors"] == {}
    assert body["message"]

"""Errors tell nothing (security.md rule 21) and every page keeps the strict headers (rule 24)."""

import re

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse

from tuoyu.conftest import world  # noqa: F401
from tuoyu.core.middleware import CONTENT_SECURITY_POLICY


def _boom(request):
    raise RuntimeError("secret internals: SELECT password FROM users")


def _hello(request):
    return HttpResponse("ok")


urlpatterns = [path("boom/", _boom), path("", include("tuoyu.urls"))]
handler500 = "tuoyu.core.viewmixins.server_error"
handler404 = "tuoyu.core.viewmixins.page_not_found"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_crash_shows_a_plain_500_page_with_the_request_id_and_no_traceback():
    client = Client(raise_request_exception=False)
    r = client.get("/boom/")
    assert r.status_code == 500
    body = r.content.decode()
    assert r["X-Request-ID"] in body
    assert "Traceback" not in body and "secret internals" not in body and "SELECT" not in body
    assert "系统出错了" in body


@pytest.mark.django_db
def test_unknown_url_gets_the_404_page(client, world):  # noqa: F811
    client.force_login(world.users["city_officer"])
    r = client.get("/no-such-page/")
    assert r.status_code == 404 and "没有找到" in r.content.decode()


PAGES = ["home", "regions:tree", "institutions:list", "institutions:create", "core:audit"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_pages_send_strict_headers_and_have_no_inline_script_or_style(client, world, name):  # noqa: F811
    client.force_login(world.users["city_officer"])
    r = client.get(reverse(name))
    assert r.status_code == 200
    assert r["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in r["Content-Security-Policy"]
    assert r["Cache-Control"] == "no-store"
    assert r["X-Content-Type-Options"] == "nosniff"
    body = r.content.decode()
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>", body), "inline <script>"
    assert not re.search(r"\sstyle=", body), "inline style attribute"
    assert not re.search(r"\son[a-z]+=", body), "inline event handler"


@pytest.mark.django_db
def test_detail_and_region_pages_have_no_inline_script_either(client, world):  # noqa: F811
    client.force_login(world.users["city_officer"])
    for url in (reverse("institutions:detail", args=[world.institutions["a1"].pk]),
                reverse("region_detail", args=["510100"]),
                reverse("institutions:edit", args=[world.institutions["a1"].pk])):
        body = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>", body), url
        assert not re.search(r"\sstyle=|\son[a-z]+=", body), url


@pytest.mark.django_db
def test_a_name_with_markup_is_escaped(client, world):  # noqa: F811
    inst = world.institutions["a1"]
    inst.name = "<script>alert(1)</script>托育"
    inst.save()
    client.force_login(world.users["city_officer"])
    for url in (reverse("institutions:list"), reverse("institutions:detail", args=[inst.pk])):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body

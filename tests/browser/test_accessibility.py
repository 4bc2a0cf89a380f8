"""Accessibility of the main pages (shared/ui.md "Everywhere": axe-core finds no serious or
critical violation), at desktop and phone size, for an officer and a parent."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tuoyu.accounts.tests.factories import PASSWORD
from tuoyu.conftest import world  # noqa: F401 - the scoping fixture lives beside the package's tests

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def _blocking(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])}×, e.g. {v['nodes'][0]['target']}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def test_officer_pages_have_no_serious_accessibility_violations(page, world):  # noqa: F811
    inst = world.institutions["a1"]
    found = {}
    page.go("/login/")
    found["/login/"] = _blocking(page.page)
    page.login("district_officer", PASSWORD)
    for path in ("/", "/institutions/", f"/institutions/{inst.pk}/", f"/institutions/{inst.pk}/edit/",
                 "/institutions/new/", "/regions/", f"/regions/{world.districts[0].code}/", "/audit/"):
        page.go(path)
        found[path] = _blocking(page.page)
    page.page.set_viewport_size(PHONE)
    page.go("/institutions/")
    found["/institutions/ (phone)"] = _blocking(page.page)
    bad = {k: v for k, v in found.items() if v}
    assert not bad, "\n".join(f"{k}: {v}" for k, v in bad.items())


def test_parent_home_on_a_phone_has_no_serious_accessibility_violations(page, world):  # noqa: F811
    page.page.set_viewport_size(PHONE)
    page.login("parent", PASSWORD)
    assert _blocking(page.page) == []

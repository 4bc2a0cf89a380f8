"""Alliances and 1+N as a person uses them: a district officer founds an alliance, finds members
with the live search (boxes ticked before a search stay ticked), saves, and reads the 1+N page;
axe-core finds no serious violation on these pages. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tuoyu.accounts.tests.factories import PASSWORD
from tuoyu.conftest import world  # noqa: F401 - the scoping fixture lives beside the package's tests
from tuoyu.institutions.choices import DemonstrationLevel, ServiceModel
from tuoyu.institutions.models import Alliance
from tuoyu.institutions.tests.factories import InstitutionFactory

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _blocking(page) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']}" for v in Axe().run(page).response["violations"]
            if v["impact"] in {"serious", "critical"}]


def test_district_officer_founds_an_alliance_and_adds_members_with_the_search(page, world):  # noqa: F811
    p = page.page
    a1, a2 = world.institutions["a1"], world.institutions["a2"]
    lead = InstitutionFactory(street=world.streets[0], name="书院示范托育中心", demonstration_level=DemonstrationLevel.CITY)
    InstitutionFactory(street=world.streets[0], name="书院社区托育点", service_model=ServiceModel.COMMUNITY_EMBEDDED,
                       lead_institution=lead)
    InstitutionFactory(street=world.streets[1], name="合江亭家庭托育点", service_model=ServiceModel.HOME_BASED)
    page.login("district_officer", PASSWORD)
    found: dict[str, list[str]] = {}

    p.click("nav >> text=联盟与1+N")
    assert "共 0 个" in p.locator(".count-line").inner_text()
    p.click("text=建立托育联盟")
    p.click("form button[type=submit].btn-primary")  # no name (the district is chosen already)
    assert "请填写联盟名称。" in p.locator(".error-summary").inner_text()
    found["form with errors"] = _blocking(p)
    p.fill("#id_name", "锦江区托育服务联盟")
    p.fill("#id_description", "示范机构牵头，社区托育点参与。")
    p.click("form button[type=submit].btn-primary")
    assert "已建立“锦江区托育服务联盟”" in p.locator(".messages").inner_text()

    # Tick a1 from the first search; search again: a1 stays ticked at the top of the list.
    p.fill("#member-q", "书院街")
    expect(p.locator("#candidates")).not_to_contain_text("合江亭")
    p.check(f"#add-{a1.pk}")
    p.fill("#member-q", "合江亭")
    p.wait_for_selector("#candidates >> text=合江亭家庭托育点")
    assert "书院社区托育点" not in p.locator("#candidates").inner_text()
    assert p.is_checked(f"#add-{a1.pk}")
    p.check(f"#add-{a2.pk}")
    found["members"] = _blocking(p)
    page.shoot("alliance-members")
    p.click("#members-form button[type=submit]")
    assert "成员已更新：现有2家。" in p.locator(".messages").inner_text()
    alliance = Alliance.objects.get(name="锦江区托育服务联盟")
    assert set(alliance.members.values_list("pk", flat=True)) == {a1.pk, a2.pk}
    found["detail"] = _blocking(p)
    page.shoot("alliance-detail")

    page.go("/institutions/alliances/")
    found["list"] = _blocking(p)
    p.set_viewport_size(PHONE)
    found["list (phone)"] = _blocking(p)
    page.go("/stats/network/")
    assert "1+N 覆盖率" in p.locator(".kpis").inner_text()
    found["network (phone)"] = _blocking(p)
    page.shoot("network")
    assert not page.csp_violations()
    bad = {k: v for k, v in found.items() if v}
    assert not bad, bad

"""The registry as a person uses it (issue #2 items 8 and 10; shared/ui.md "test like a person"):
a district officer finds, checks and registers institutions, fixing the errors the form shows;
a director sees its own institution only. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from tuoyu.accounts.tests.factories import PASSWORD
from tuoyu.conftest import world  # noqa: F401 - the scoping fixture lives beside the package's tests
from tuoyu.core.validators import uscc_check_char
from tuoyu.institutions.models import Institution
from tuoyu.institutions.tests.factories import make_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _wrong(code: str) -> str:
    return code[:17] + ("1" if uscc_check_char(code[:17]) != "1" else "2")


def test_district_officer_filters_checks_and_registers_an_institution(page, world):  # noqa: F811
    p = page.page
    page.login("district_officer", PASSWORD)
    assert p.locator("h1").inner_text().endswith("您好")
    page.shoot("home-district-officer")

    # The list, filtered: the filter stays in the URL.
    p.click("nav >> text=托育机构")
    assert "共 2 家" in p.locator(".count-line").inner_text()
    p.select_option("#f-status", "filed")
    p.click("form.filters button[type=submit]")
    p.wait_for_url(re.compile(r"status=filed"))
    assert "共 2 家" in p.locator(".count-line").inner_text()
    page.shoot("institution-list")

    # An institution's page with its rule check on the right.
    p.click(f"text={world.institutions['a1'].name}")
    assert p.locator("#rule-check-head").is_visible()
    assert "符合设置标准" in p.locator(".rule-check").inner_text()
    page.shoot("institution-detail")

    # Register one with two mistakes: a wrong check character and a class over the legal size.
    page.go("/institutions/new/")
    code = make_uscc(31337)
    p.fill("#id_name", "浏览器测试托育园")
    p.fill("#id_credit_code", _wrong(code))
    p.select_option("#id_registration_type", "enterprise")
    p.select_option("#id_service_model", "standalone")
    p.select_option("#id_ownership", "private")
    p.select_option("#id_street_code", world.streets[0].code)
    p.fill("#id_address", "测试路1号")
    p.fill("#id_classes-0-name", "乳儿一班")
    p.select_option("#id_classes-0-class_type", "infant")
    p.fill("#id_classes-0-planned_capacity", "14")
    p.fill("#id_classes-0-planned_caregivers", "5")
    p.click("form.institution-form button[type=submit]")

    summary = p.locator(".error-summary")
    assert summary.is_visible()
    assert "校验位错误" in p.locator("#id_credit_code_error").inner_text()
    assert "乳儿班最多10人" in p.locator("#id_classes-0-planned_capacity_error").inner_text()
    assert summary.locator('a[href="#id_credit_code"]').count() == 1
    # Nothing typed is lost.
    assert p.input_value("#id_name") == "浏览器测试托育园"
    assert p.input_value("#id_address") == "测试路1号"
    assert p.input_value("#id_classes-0-planned_capacity") == "14"
    assert not Institution.objects.filter(name="浏览器测试托育园").exists()
    page.shoot("institution-form-errors")

    # Fix both and save.
    p.fill("#id_credit_code", code)
    p.fill("#id_classes-0-planned_capacity", "9")
    p.click("form.institution-form button[type=submit]")
    p.wait_for_url(re.compile(r"/institutions/\d+/$"))
    assert p.locator("h1").inner_text() == "浏览器测试托育园"
    assert "已登记" in p.locator(".messages").inner_text()

    page.go("/institutions/")
    assert "共 3 家" in p.locator(".count-line").inner_text()
    assert p.locator("text=浏览器测试托育园").count() == 1

    # The district's region page: the chart is drawn from its JSON block.
    page.go(f"/regions/{world.districts[0].code}/")
    p.wait_for_selector("#region-chart svg")
    page.shoot("region-district")
    assert page.csp_violations() == []


def test_director_sees_only_its_own_institution(page, world):  # noqa: F811
    p = page.page
    page.login("institution_director", PASSWORD)
    assert world.institutions["a1"].name in p.locator("main").inner_text()
    page.shoot("home-director")

    page.go("/institutions/")
    assert "共 1 家" in p.locator(".count-line").inner_text()
    response = page.go(f"/institutions/{world.institutions['b1'].pk}/")
    assert response.status == 404
    assert "没有找到" in p.locator("h1").inner_text()
    assert page.csp_violations() == []

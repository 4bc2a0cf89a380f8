"""Account pages: the officers' list, an account's page, creating an account with its first grant,
granting, revoking, deactivating, resetting a password; and everyone's own account page with the
password change and API tokens (the raw token shown once)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tuoyu.accounts.models import ApiToken, RoleGrant, User
from tuoyu.accounts.services import hash_token
from tuoyu.accounts.tests.apiclient import ApiClient
from tuoyu.accounts.tests.factories import PASSWORD
from tuoyu.core.models import AuditEntry
from tuoyu.core.roles import Role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lantern-river-2031"  # noqa: S105


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


# ---- list and detail --------------------------------------------------------------------------------

def test_district_officer_lists_its_districts_accounts_with_a_count(world):
    r = signed_in(world.users["district_officer"]).get(reverse("accounts:users"))
    assert r.status_code == 200
    page = html(r)
    assert "共 <strong>7</strong> 个账号" in page
    assert ">institution_staff</a>" in page
    assert ">institution_staff_out</a>" not in page and ">city_officer</a>" not in page


def test_list_filters_stay_in_the_url(world):
    client = signed_in(world.users["city_officer"])
    page = html(client.get(reverse("accounts:users"), {"role": Role.TRAINER, "q": "train", "active": "1"}))
    assert "共 <strong>2</strong> 个账号" in page and "（已筛选）" in page
    assert '<option value="trainer" selected>' in page
    # Odd values are ignored, never a 500.
    assert client.get(reverse("accounts:users"), {"role": "nope", "active": "x", "page": "abc"}).status_code == 200


def test_nav_shows_account_management_only_to_those_who_may(world):
    assert reverse("accounts:users") in html(signed_in(world.users["district_officer"]).get("/"))
    director_home = html(signed_in(world.users["institution_director"]).get("/"))
    assert reverse("accounts:users") not in director_home
    assert reverse("accounts:me") in director_home


def test_account_page_shows_grants_tokens_and_recent_sign_ins(world):
    staff = world.users["institution_staff"]
    Client().login(username=staff.username, password=PASSWORD)
    Client().login(username=staff.username, password="wrong-password-9")
    page = html(signed_in(world.users["district_officer"]).get(reverse("accounts:user_detail", args=[staff.pk])))
    assert "机构工作人员" in page and world.institutions["a1"].name in page
    assert "生效中" in page and "登录失败" in page
    assert reverse("accounts:user_deactivate", args=[staff.pk]) in page
    grant = staff.grants.get()
    assert reverse("accounts:grant_revoke", args=[staff.pk, grant.pk]) in page


def test_account_beyond_the_officers_level_shows_no_account_buttons(world):
    expert = world.users["assessment_expert"]
    RoleGrant.objects.create(user=expert, role=Role.ASSESSMENT_EXPERT, institution=world.institutions["b1"])
    page = html(signed_in(world.users["district_officer"]).get(reverse("accounts:user_detail", args=[expert.pk])))
    assert reverse("accounts:user_deactivate", args=[expert.pk]) not in page
    assert "上级管理员" in page
    # … and its own grant in district A can still be revoked by district A.
    grant_a = expert.grants.get(institution=world.institutions["a1"])
    assert reverse("accounts:grant_revoke", args=[expert.pk, grant_a.pk]) in page
    r = signed_in(world.users["district_officer"]).post(reverse("accounts:user_deactivate", args=[expert.pk]))
    assert r.status_code == 403
    assert User.objects.get(pk=expert.pk).is_active


# ---- creating -----------------------------------------------------------------------------------------

def create_form(world, **over):
    data = {"username": "wang.fang", "display_name": "王芳（街道办）", "new_password": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD, "role": Role.STREET_OFFICER, "region": world.streets[1].pk,
            "institution": "", "valid_from": "", "valid_until": ""}
    data.update(over)
    return data


def test_district_officer_creates_a_street_officer(world):
    client = signed_in(world.users["district_officer"])
    form = client.get(reverse("accounts:user_create"))
    page = html(form)
    assert world.streets[1].name in page and world.streets[2].name not in page  # its own streets only
    assert 'value="city_officer"' not in page and 'value="district_officer"' in page  # at or below its level
    r = client.post(reverse("accounts:user_create"), create_form(world))
    user = User.objects.get(username="wang.fang")
    assert r.status_code == 302 and r["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert user.display_name == "王芳（街道办）" and user.grants.get().region == world.streets[1]
    assert Client().login(username="wang.fang", password=NEW_PASSWORD)


def test_create_form_shows_every_error_beside_its_field_and_keeps_what_was_typed(world):
    client = signed_in(world.users["district_officer"])
    r = client.post(reverse("accounts:user_create"), create_form(
        world, username="王芳", new_password="short", new_password2="other", role=Role.INSTITUTION_STAFF, region=""))
    assert r.status_code == 400
    page = html(r)
    assert "有 " in page and 'href="#id_new_password2"' in page
    assert "两次输入的密码不一致" in page
    assert 'value="王芳（街道办）"' in page  # the display name typed stays
    assert not User.objects.filter(display_name="王芳（街道办）").exists()


def test_create_form_shows_the_grants_own_errors_with_the_others_at_once(world):
    r = signed_in(world.users["district_officer"]).post(reverse("accounts:user_create"), create_form(
        world, username="", role=Role.DISTRICT_OFFICER, region=world.streets[0].pk))
    assert r.status_code == 400
    page = html(r)
    assert "请填写账号。" in page
    assert 'id="id_region_error"' in page and "区/县" in page  # a district officer goes on a district


def test_create_refuses_a_weak_password_and_names_the_field(world):
    r = signed_in(world.users["district_officer"]).post(
        reverse("accounts:user_create"), create_form(world, new_password="1234567890", new_password2="1234567890"))
    assert r.status_code == 400
    assert 'id="id_new_password_error"' in html(r)


def test_institution_outside_the_scope_is_not_offered_and_not_accepted(world):
    client = signed_in(world.users["district_officer"])
    page = html(client.get(reverse("accounts:user_create")))
    assert world.institutions["a1"].name in page and world.institutions["b1"].name not in page
    r = client.post(reverse("accounts:user_create"), create_form(
        world, role=Role.INSTITUTION_DIRECTOR, region="", institution=world.institutions["b1"].pk))
    assert r.status_code == 400
    assert not User.objects.filter(username="wang.fang").exists()


def test_many_institutions_are_typed_as_credit_code_instead_of_listed(world, monkeypatch):
    monkeypatch.setattr("tuoyu.accounts.views.INSTITUTION_SELECT_MAX", 1)
    client = signed_in(world.users["district_officer"])
    assert '<input type="text" name="institution"' in html(client.get(reverse("accounts:user_create")))
    r = client.post(reverse("accounts:user_create"), create_form(
        world, role=Role.HEALTH_MANAGER, region="", institution=world.institutions["a2"].credit_code.lower()))
    assert r.status_code == 302
    assert User.objects.get(username="wang.fang").grants.get().institution == world.institutions["a2"]


# ---- granting, revoking, deactivating, resetting --------------------------------------------------------

def test_grant_then_revoke_through_the_pages(world):
    client = signed_in(world.users["district_officer"])
    staff = world.users["institution_staff"]
    r = client.post(reverse("accounts:grant_add", args=[staff.pk]), {
        "role": Role.ASSESSMENT_EXPERT, "institution": world.institutions["a2"].pk,
        "valid_from": "", "valid_until": "2099-12-31"})
    assert r.status_code == 302
    grant = staff.grants.get(role=Role.ASSESSMENT_EXPERT)
    assert str(grant.valid_until) == "2099-12-31"
    url = reverse("accounts:grant_revoke", args=[staff.pk, grant.pk])
    assert "确认撤销" in html(client.get(url))
    assert client.post(url).status_code == 302
    grant.refresh_from_db()
    assert grant.state == RoleGrant.State.REVOKED
    page = html(client.get(reverse("accounts:user_detail", args=[staff.pk])))
    assert "已撤销" in page and "district_officer 于" in page  # kept, with who ended it


def test_grant_of_another_user_answers_404(world):
    client = signed_in(world.users["district_officer"])
    staff, director = world.users["institution_staff"], world.users["institution_director"]
    url = reverse("accounts:grant_revoke", args=[staff.pk, director.grants.get().pk])
    assert client.post(url).status_code == 404
    assert director.grants.get().revoked_at is None


def test_deactivate_and_reactivate_with_confirmation(world):
    client = signed_in(world.users["district_officer"])
    staff = world.users["institution_staff"]
    url = reverse("accounts:user_deactivate", args=[staff.pk])
    assert "确认停用" in html(client.get(url))
    assert client.post(url).status_code == 302
    assert not User.objects.get(pk=staff.pk).is_active
    assert client.post(reverse("accounts:user_reactivate", args=[staff.pk])).status_code == 302
    assert User.objects.get(pk=staff.pk).is_active


def test_officer_cannot_deactivate_itself_on_the_page(world):
    officer = world.users["district_officer"]
    r = signed_in(officer).post(reverse("accounts:user_deactivate", args=[officer.pk]))
    assert r.status_code == 400
    assert User.objects.get(pk=officer.pk).is_active


def test_password_reset_by_an_officer(world):
    staff = world.users["institution_staff"]
    client = signed_in(world.users["district_officer"])
    url = reverse("accounts:user_password", args=[staff.pk])
    r = client.post(url, {"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 302
    assert Client().login(username=staff.username, password=NEW_PASSWORD)
    # Resetting one's own password goes to the page that asks for the current one.
    own = client.get(reverse("accounts:user_password", args=[world.users["district_officer"].pk]))
    assert own.status_code == 302 and own["Location"] == reverse("accounts:me_password")


def test_edit_display_name(world):
    staff = world.users["institution_staff"]
    r = signed_in(world.users["city_officer"]).post(reverse("accounts:user_edit", args=[staff.pk]), {"display_name": "张敏"})
    assert r.status_code == 302 and User.objects.get(pk=staff.pk).display_name == "张敏"


# ---- my account -----------------------------------------------------------------------------------------

def test_my_account_lists_my_roles_and_scopes(world):
    page = html(signed_in(world.users["assessment_expert"]).get(reverse("accounts:me")))
    assert "评估专家" in page and world.institutions["a1"].name in page
    assert "创建令牌" in page


def test_change_own_password_keeps_this_session_and_needs_the_current_one(world):
    user = world.users["parent"]
    client = signed_in(user)
    r = client.post(reverse("accounts:me_password"), {"old_password": "wrong-pass-123", "new_password": NEW_PASSWORD,
                                                      "new_password2": NEW_PASSWORD})
    assert r.status_code == 400 and "当前密码不正确" in html(r)
    r = client.post(reverse("accounts:me_password"), {"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                      "new_password2": NEW_PASSWORD})
    assert r.status_code == 302
    assert client.get(reverse("accounts:me")).status_code == 200  # still signed in here
    assert Client().login(username=user.username, password=NEW_PASSWORD)
    row = AuditEntry.objects.get(action="user_set_password")
    assert NEW_PASSWORD not in str(row.changes) and PASSWORD not in str(row.changes)


def test_token_is_shown_once_works_and_can_be_revoked(world):
    user = world.users["district_officer"]
    client = signed_in(user)
    grant = user.grants.get()
    r = client.post(reverse("accounts:token_create"), {"name": "区级统计脚本", "grant": grant.pk})
    assert r.status_code == 200
    raw = re.search(r'value="(ty_[^"]+)"', html(r)).group(1)
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    assert token.grant == grant and token.name == "区级统计脚本"
    assert r["Cache-Control"] == "no-store"
    assert ApiClient(raw_token=raw).get("/auth/me").status_code == 200
    me_page = html(client.get(reverse("accounts:me")))
    assert raw not in me_page and token.key_prefix in me_page
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    assert ApiClient(raw_token=raw).get("/auth/me").status_code == 401


def test_token_form_refuses_a_grant_that_is_not_mine(world):
    user = world.users["district_officer"]
    other = world.users["district_officer_out"].grants.get()
    r = signed_in(user).post(reverse("accounts:token_create"), {"name": "x", "grant": other.pk})
    assert r.status_code == 400
    assert not ApiToken.objects.filter(user=user).exists()


def test_someone_elses_token_answers_404(world):
    from tuoyu.accounts.tests.apiclient import token_for

    token_for(world.users["district_officer_out"])
    token = ApiToken.objects.get(user=world.users["district_officer_out"])
    r = signed_in(world.users["district_officer"]).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert r.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_account_events_show_in_the_districts_audit_trail_and_not_the_other_districts(world):
    client = signed_in(world.users["district_officer"])
    staff = world.users["institution_staff"]
    client.post(reverse("accounts:user_deactivate", args=[staff.pk]))
    client.post(reverse("accounts:grant_revoke", args=[staff.pk, staff.grants.get().pk]))
    page = html(client.get(reverse("core:audit")))
    assert page.count(staff.display_name) >= 2
    other = html(signed_in(world.users["district_officer_out"]).get(reverse("core:audit")))
    assert staff.display_name not in other

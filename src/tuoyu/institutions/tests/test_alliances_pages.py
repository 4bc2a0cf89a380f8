"""Alliance pages: the list with its count, an alliance's page with its members, the forms with
errors beside their fields, member editing as a plain form (and its htmx search), and delete."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tuoyu.core.models import AuditEntry
from tuoyu.core.scoping import SYSTEM
from tuoyu.institutions.models import Alliance
from tuoyu.institutions.services import alliance_create
from tuoyu.institutions.tests.factories import InstitutionFactory
from tuoyu.institutions.views.alliances import CANDIDATE_LIMIT


def _login(client, world, who):
    client.force_login(world.users[who])
    return client


def _alliance(world, *members, name="锦江托育联盟", region=None):
    return alliance_create(actor=SYSTEM, name=name, region=region or world.districts[0],
                           member_ids=[world.institutions[m].pk for m in members])


def _members(alliance) -> set[int]:
    return set(alliance.members.values_list("pk", flat=True))


# ------------------------------------------------------------------ list and detail


def test_list_shows_the_count_region_and_member_counts_of_alliances_in_scope(client, world):
    _alliance(world, "a1", "a2", name="锦江托育联盟")
    alliance_create(actor=SYSTEM, name="青羊托育联盟", region=world.districts[1], member_ids=[world.institutions["b1"].pk])
    body = _login(client, world, "district_officer").get(reverse("institutions:alliances")).content.decode()
    assert "共 <strong>1</strong> 个" in body
    assert "锦江托育联盟" in body and "青羊托育联盟" not in body
    assert '<td data-label="成员机构" class="num">2</td>' in body
    assert "建立托育联盟" in body  # the district officer may create one


def test_list_filters_by_name(client, world):
    _alliance(world, name="锦江托育联盟")
    _alliance(world, name="书院街联合体")
    body = _login(client, world, "city_officer").get(reverse("institutions:alliances"), {"q": "联合体"}).content.decode()
    assert "书院街联合体" in body and "锦江托育联盟" not in body
    assert "共 <strong>1</strong> 个" in body and "清除筛选" in body


def test_director_sees_its_institutions_alliance_without_management_buttons(client, world):
    alliance = _alliance(world, "a1", "a2")
    _login(client, world, "institution_director")
    body = client.get(reverse("institutions:alliances")).content.decode()
    assert "锦江托育联盟" in body and "建立托育联盟" not in body
    body = client.get(reverse("institutions:alliance_detail", args=[alliance.pk])).content.decode()
    a1, a2 = world.institutions["a1"], world.institutions["a2"]
    # Both members are listed; only the director's own institution is a link.
    assert reverse("institutions:detail", args=[a1.pk]) in body
    assert a2.name in body and reverse("institutions:detail", args=[a2.pk]) not in body
    assert "管理成员" not in body and reverse("institutions:alliance_delete", args=[alliance.pk]) not in body


def test_detail_shows_members_with_status_labels_and_the_managers_buttons(client, world):
    alliance = _alliance(world, "a1")
    body = _login(client, world, "district_officer").get(reverse("institutions:alliance_detail", args=[alliance.pk])).content.decode()
    assert "1 家成员机构" in body
    assert '<span class="status-badge status-filed">已备案</span>' in body
    for name in ("institutions:alliance_members", "institutions:alliance_edit", "institutions:alliance_delete"):
        assert reverse(name, args=[alliance.pk]) in body


def test_an_alliance_of_another_district_answers_404(client, world):
    alliance = _alliance(world, "a1")
    r = _login(client, world, "district_officer_out").get(reverse("institutions:alliance_detail", args=[alliance.pk]))
    assert r.status_code == 404


def test_institution_page_links_its_alliances(client, world):
    alliance = _alliance(world, "a1")
    body = _login(client, world, "institution_staff").get(
        reverse("institutions:detail", args=[world.institutions["a1"].pk])).content.decode()
    assert f'<a href="{reverse("institutions:alliance_detail", args=[alliance.pk])}">锦江托育联盟</a>' in body


def test_navigation_and_institution_list_link_to_alliances(client, world):
    body = _login(client, world, "trainer").get(reverse("institutions:list")).content.decode()
    assert body.count(f'href="{reverse("institutions:alliances")}"') == 2  # the nav item and the list's header
    assert reverse("stats:network") in body
    nav = _login(client, world, "parent").get(reverse("home")).content.decode()
    assert reverse("institutions:alliances") not in nav


# ------------------------------------------------------------------ create and edit


def test_create_with_errors_shows_a_summary_and_messages_beside_the_fields(client, world):
    r = _login(client, world, "district_officer").post(reverse("institutions:alliance_create"), {"name": "", "region_code": ""})
    assert r.status_code == 400
    body = r.content.decode()
    assert "有 2 处需要修改" in body
    assert '<a href="#id_name">请填写联盟名称。</a>' in body
    assert '<div class="field-message" id="id_region_code_error">请选择所在区域。</div>' in body
    assert not Alliance.objects.exists()


def test_create_with_a_taken_name_says_so_beside_the_name(client, world):
    _alliance(world, name="锦江托育联盟")
    r = _login(client, world, "district_officer").post(
        reverse("institutions:alliance_create"), {"name": "锦江托育联盟", "region_code": world.districts[0].code})
    assert r.status_code == 400
    assert '<div class="field-message" id="id_name_error">已有名为“锦江托育联盟”的托育联盟，请换一个名称。</div>' in r.content.decode()
    assert Alliance.objects.count() == 1


def test_region_choices_are_the_officers_own_district_and_streets(client, world):
    body = _login(client, world, "district_officer").get(reverse("institutions:alliance_create")).content.decode()
    assert f'<option value="{world.districts[0].code}" selected>锦江区（全区）</option>' in body
    assert f'value="{world.streets[1].code}"' in body
    assert world.districts[1].code not in body and world.city.code not in body


def test_create_then_go_on_to_add_members(client, world):
    r = _login(client, world, "district_officer").post(reverse("institutions:alliance_create"), {
        "name": "书院街托育联合体", "region_code": world.streets[0].code, "description": "街道示范机构牵头"})
    alliance = Alliance.objects.get(name="书院街托育联合体")
    assert r.status_code == 302 and r["Location"] == reverse("institutions:alliance_members", args=[alliance.pk])
    assert alliance.region == world.streets[0] and alliance.description == "街道示范机构牵头"
    assert AuditEntry.objects.filter(action="alliance_create", target_id=str(alliance.pk)).count() == 1


def test_edit_saves_changes_and_says_when_nothing_changed(client, world):
    alliance = _alliance(world, "a1")
    _login(client, world, "city_officer")
    url = reverse("institutions:alliance_edit", args=[alliance.pk])
    assert 'value="锦江托育联盟"' in client.get(url).content.decode()
    r = client.post(url, {"name": "锦江区托育服务联盟", "region_code": world.districts[0].code, "description": ""}, follow=True)
    assert "已保存修改。" in r.content.decode()
    alliance.refresh_from_db()
    assert alliance.name == "锦江区托育服务联盟"
    r = client.post(url, {"name": "锦江区托育服务联盟", "region_code": world.districts[0].code, "description": ""}, follow=True)
    assert "没有需要保存的修改。" in r.content.decode()


def test_edit_refuses_a_region_that_leaves_members_outside(client, world):
    alliance = _alliance(world, "a1", "a2")
    r = _login(client, world, "district_officer").post(reverse("institutions:alliance_edit", args=[alliance.pk]), {
        "name": "锦江托育联盟", "region_code": world.streets[0].code, "description": ""})
    assert r.status_code == 400
    assert "有1家成员机构不在该区域内" in r.content.decode()
    alliance.refresh_from_db()
    assert alliance.region == world.districts[0]


# ------------------------------------------------------------------ members


def test_members_page_lists_current_members_ticked_and_institutions_that_may_join(client, world):
    alliance = _alliance(world, "a1")
    body = _login(client, world, "district_officer").get(reverse("institutions:alliance_members", args=[alliance.pk])).content.decode()
    a1, a2, b1 = (world.institutions[k] for k in ("a1", "a2", "b1"))
    assert f'form="members-form" name="members" value="{a1.pk}" id="keep-{a1.pk}" checked' in body
    assert f'name="add" value="{a2.pk}" id="add-{a2.pk}">' in body
    assert b1.name not in body  # outside the district


def test_member_search_narrows_the_list_and_keeps_ticked_institutions(client, world):
    alliance = _alliance(world)
    extra = InstitutionFactory(street=world.streets[1], name="合江亭社区托育点")
    _login(client, world, "district_officer")
    url = reverse("institutions:alliance_members", args=[alliance.pk])
    a1 = world.institutions["a1"]
    r = client.get(url, {"q": "社区", "add": [a1.pk]}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "<html" not in body  # htmx gets the list only
    assert f'value="{a1.pk}" id="add-{a1.pk}" checked' in body  # ticked before the search, still ticked
    assert f'value="{extra.pk}" id="add-{extra.pk}">' in body
    assert world.institutions["a2"].name not in body
    body = client.get(url, {"q": "没有这个机构"}).content.decode()  # without JavaScript: the whole page
    assert "<html" in body and "没有找到可加入的机构“没有这个机构”" in body


def test_member_search_shows_at_most_the_limit_and_says_so(client, world):
    alliance = _alliance(world)
    for i in range(CANDIDATE_LIMIT + 1):
        InstitutionFactory(street=world.streets[1], name=f"合江亭托育点{i:02d}")
    body = _login(client, world, "city_officer").get(
        reverse("institutions:alliance_members", args=[alliance.pk]), {"q": "合江亭托育点"}).content.decode()
    assert body.count('name="add"') == CANDIDATE_LIMIT
    assert f"只列出前 {CANDIDATE_LIMIT} 家" in body


def test_saving_members_keeps_the_ticked_removes_the_unticked_and_adds_the_new(client, world):
    a1, a2 = world.institutions["a1"], world.institutions["a2"]
    alliance = _alliance(world, "a1")
    extra = InstitutionFactory(street=world.streets[0])
    r = _login(client, world, "district_officer").post(reverse("institutions:alliance_members", args=[alliance.pk]),
                                                        {"add": [a2.pk, extra.pk]}, follow=True)
    assert r.redirect_chain[-1][0] == reverse("institutions:alliance_detail", args=[alliance.pk])
    assert "成员已更新：现有2家。" in r.content.decode()
    assert _members(alliance) == {a2.pk, extra.pk}
    assert a1.pk not in _members(alliance)


def test_saving_members_with_an_institution_out_of_scope_changes_nothing(client, world):
    alliance = _alliance(world, "a1")
    r = _login(client, world, "district_officer").post(reverse("institutions:alliance_members", args=[alliance.pk]),
                                                        {"members": [world.institutions["a1"].pk], "add": [world.institutions["b1"].pk]})
    assert r.status_code == 400
    assert "不存在或不在您负责的范围内" in r.content.decode()
    assert _members(alliance) == {world.institutions["a1"].pk}


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999"])
def test_saving_members_with_a_malformed_id_is_a_clear_400(client, world, value):
    alliance = _alliance(world, "a1")
    r = _login(client, world, "district_officer").post(reverse("institutions:alliance_members", args=[alliance.pk]), {"add": [value]})
    assert r.status_code == 400
    assert "请选择有效的机构。" in r.content.decode()
    assert _members(alliance) == {world.institutions["a1"].pk}


def test_a_trainer_may_see_but_not_edit_members(client, world):
    alliance = _alliance(world, "a1")
    _login(client, world, "trainer")
    assert client.get(reverse("institutions:alliance_detail", args=[alliance.pk])).status_code == 200
    assert client.post(reverse("institutions:alliance_members", args=[alliance.pk]), {}).status_code == 403
    assert _members(alliance) == {world.institutions["a1"].pk}


# ------------------------------------------------------------------ delete


def test_delete_asks_first_then_removes_the_alliance(client, world):
    alliance = _alliance(world, "a1", "a2")
    _login(client, world, "district_officer")
    url = reverse("institutions:alliance_delete", args=[alliance.pk])
    body = client.get(url).content.decode()
    assert "删除“锦江托育联盟”？" in body and "该联盟现有 2 家成员机构。" in body
    assert Alliance.objects.filter(pk=alliance.pk).exists()
    r = client.post(url, follow=True)
    assert r.redirect_chain[-1][0] == reverse("institutions:alliances")
    assert "已删除“锦江托育联盟”。" in r.content.decode()
    assert not Alliance.objects.filter(pk=alliance.pk).exists()

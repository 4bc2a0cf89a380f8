"""The region tree: each user sees the roots of its own region scope, opens branches with htmx
or plain links, and cannot reach a region outside its scope (issue #2 item 8)."""

import pytest
from django.urls import reverse

from tuoyu.regions.tests.factories import RegionFactory


@pytest.mark.django_db
def test_city_officer_sees_the_city_open_with_its_districts(client, world):
    client.force_login(world.users["city_officer"])
    body = client.get(reverse("regions:tree")).content.decode()
    assert "蓉城市" in body and "锦江区" in body and "青羊区" in body
    assert "另一市" not in body


@pytest.mark.django_db
def test_street_officer_tree_starts_at_its_street(client, world):
    client.force_login(world.users["street_officer"])
    r = client.get(reverse("regions:tree"))
    assert [n.code for n in r.context["roots"]] == [world.streets[0].code]
    assert "锦江区" not in r.content.decode()


@pytest.mark.django_db
def test_children_partial_for_htmx_lists_the_child_rows_only(client, world):
    client.force_login(world.users["district_officer"])
    r = client.get(reverse("regions:children", args=[world.districts[0].code]), HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 200 and "<html" not in body
    assert "书院街街道" in body and "合江亭街道" in body and "少城街道" not in body


@pytest.mark.django_db
def test_children_link_without_javascript_opens_the_branch_in_the_tree(client, world):
    client.force_login(world.users["city_officer"])
    code = world.streets[0].code
    RegionFactory(code=code[:9] + "001", name="书院社区", level="community", parent=world.streets[0])
    r = client.get(reverse("regions:children", args=[code]))
    assert r.status_code == 302 and r["Location"].endswith(f"?open={code}")
    page = client.get(r["Location"]).content.decode()
    assert "书院社区" in page


@pytest.mark.django_db
def test_inactive_region_is_marked_not_hidden(client, world):
    b2 = world.streets[3]
    b2.is_active = False
    b2.save()
    client.force_login(world.users["city_officer"])
    body = client.get(reverse("regions:tree"), {"open": b2.code}).content.decode()
    assert "草市街街道" in body and "已撤销" in body


@pytest.mark.django_db
def test_opening_a_region_outside_the_scope_is_404(client, world):
    client.force_login(world.users["district_officer"])
    assert client.get(reverse("regions:tree"), {"open": world.districts[1].code}).status_code == 404
    assert client.get(reverse("regions:tree"), {"open": "not-a-code"}).status_code == 404


@pytest.mark.django_db
def test_search_finds_regions_in_scope_only(client, world):
    client.force_login(world.users["district_officer"])
    r = client.get(reverse("regions:tree"), {"q": "街道"})
    names = [m.name for m in r.context["matches"]]
    assert "书院街街道" in names and "少城街道" not in names


@pytest.mark.django_db
def test_only_the_city_officer_is_offered_the_division_import(client, world):
    client.force_login(world.users["city_officer"])
    assert "导入区划" in client.get(reverse("regions:tree")).content.decode()
    client.force_login(world.users["district_officer"])
    assert "导入区划" not in client.get(reverse("regions:tree")).content.decode()

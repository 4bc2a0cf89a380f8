"""The home page answers "what needs me now" for each role (issue #2 item 8)."""

import pytest
from django.urls import reverse

from tuoyu.institutions.choices import ClassType
from tuoyu.institutions.tests.factories import CareClassFactory


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client):
    r = client.get(reverse("home"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_district_officer_sees_counts_by_status_places_and_per_1000(client, world):
    client.force_login(world.users["district_officer"])
    r = client.get(reverse("home"))
    counts = {code: n for code, _label, n in r.context["status_counts"]}
    assert counts["filed"] == 2 and sum(counts.values()) == 2
    (fig,) = r.context["regions"]
    assert fig.region == world.districts[0] and fig.places == 30
    body = r.content.decode()
    assert "每千人口托位数" in body and "辖区内机构 2 家" in body


@pytest.mark.django_db
def test_director_sees_its_institution_card_with_the_rule_check(client, world):
    inst = world.institutions["a1"]
    CareClassFactory(institution=inst, name="乳儿一班", class_type=ClassType.INFANT, planned_capacity=12, planned_caregivers=4)
    client.force_login(world.users["institution_director"])
    body = client.get(reverse("home")).content.decode()
    assert inst.name in body and world.institutions["b1"].name not in body
    assert "1 项不符合设置标准" in body


@pytest.mark.django_db
def test_trainer_sees_how_many_institutions_its_region_has(client, world):
    client.force_login(world.users["trainer"])
    r = client.get(reverse("home"))
    assert r.context["institution_total"] == 2
    assert "区域内机构 2 家" in r.content.decode()


@pytest.mark.django_db
def test_parent_gets_a_plain_family_page_without_registry_data(client, world):
    client.force_login(world.users["parent"])
    body = client.get(reverse("home")).content.decode()
    assert "家长" in body and "查找附近的托育机构" in body
    for inst in world.institutions.values():
        assert inst.name not in body
    assert "托位" not in body.split('id="main"')[1]

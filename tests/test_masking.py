"""No whole mobile number on any list, API list, export or audit page (security.md rule 12): a
home-based point's contact number is often its carer's own mobile."""

import csv
import io
import re

import pytest
from django.urls import reverse

from tuoyu.accounts.services import api_token_create
from tuoyu.core.models import AuditEntry
from tuoyu.core.roles import Role
from tuoyu.institutions.services import InstitutionData, institution_update

MOBILE = "13912345678"
WHOLE_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture
def with_mobile(world):
    inst = world.institutions["a1"]
    data = InstitutionData.from_instance(inst)
    data.contact_phone = MOBILE
    institution_update(actor=world.users[Role.CITY_OFFICER], institution=inst, data=data)
    return inst


@pytest.mark.django_db
def test_lists_exports_and_audit_never_show_a_whole_mobile(client, world, with_mobile):
    officer = world.users[Role.CITY_OFFICER]
    client.force_login(officer)
    pages = {
        "list": client.get(reverse("institutions:list")).content.decode(),
        "audit": client.get(reverse("core:audit")).content.decode(),
        "csv": client.get(reverse("institutions:export"), {"format": "csv"}).content.decode("utf-8-sig"),
    }
    _, raw = api_token_create(actor=officer, user=officer, name="t", grant=officer.grants.first())
    pages["api list"] = client.get("/api/v1/institutions", HTTP_AUTHORIZATION=f"Bearer {raw}").content.decode()
    pages["audit api"] = client.get("/api/v1/audit", HTTP_AUTHORIZATION=f"Bearer {raw}").content.decode()
    assert {k: WHOLE_MOBILE.findall(v) for k, v in pages.items() if WHOLE_MOBILE.search(v)} == {}
    assert "139****5678" in next(csv.reader(io.StringIO(pages["csv"].splitlines()[1])))
    row = AuditEntry.objects.filter(action="institution_update").latest("id")
    assert row.changes["contact_phone"][1] == "139****5678"


@pytest.mark.django_db
def test_the_detail_page_shows_the_number_to_those_who_may_see_the_institution(client, world, with_mobile):
    client.force_login(world.users[Role.DISTRICT_OFFICER])
    assert MOBILE in client.get(reverse("institutions:detail", args=[with_mobile.pk])).content.decode()

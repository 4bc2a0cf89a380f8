"""The division and population upload pages (issue #9)."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tuoyu.regions.models import Region, RegionPopulation

DATA = Path(__file__).resolve().parents[4] / "tests" / "data"


def data_file(name):
    return SimpleUploadedFile(name, (DATA / name).read_bytes())


@pytest.fixture
def city_officer(world, client):
    client.force_login(world.users["city_officer"])
    return client


def test_the_city_officer_loads_the_published_codes_then_the_gbk_population(world, city_officer):
    response = city_officer.post(reverse("regions:import"), {"file": data_file("chengdu_divisions.csv")})
    assert response.status_code == 200
    html = response.content.decode()
    assert "导入完成" in html and "chengdu_divisions.csv" in html
    assert Region.objects.get(code="510100000000").name == "成都市"  # the world's fictional name, renamed
    response = city_officer.post(reverse("regions:import-population"), {"file": data_file("chengdu_population_gbk.csv")})
    assert response.status_code == 200
    assert RegionPopulation.objects.get(region__code="510104000000", year=2023).resident_population == 912_000
    assert "合计行，已忽略" in response.content.decode()


def test_a_refused_division_file_lists_its_errors_and_says_nothing_was_written(world, city_officer):
    bad = "区划代码,名称,级别\r\n510104,锦江区,区\r\n5101040,坏代码,\r\n510109021,孤儿街道,街道\r\n"
    response = city_officer.post(reverse("regions:import"), {"file": SimpleUploadedFile("坏.csv", bad.encode("gbk"))})
    assert response.status_code == 400
    html = response.content.decode()
    assert "没有写入任何数据" in html and "第3行" in html and "第4行" in html and "510109000000" in html
    assert not Region.objects.filter(code="510109021000").exists()


def test_the_deactivate_box_retires_what_the_file_leaves_out(world, city_officer):
    text = f"区划代码,名称\r\n{world.districts[0].code},锦江区\r\n{world.streets[0].code},书院街街道\r\n"
    response = city_officer.post(reverse("regions:import"),
                                 {"file": SimpleUploadedFile("x.csv", text.encode()), "deactivate_missing": "on"})
    assert response.status_code == 200
    assert Region.objects.get(code=world.streets[1].code).is_active is False
    assert Region.objects.get(code=world.streets[2].code).is_active is True  # another district


def test_the_templates_have_a_notes_sheet(world, city_officer):
    for name in ("regions:template", "regions:template-population"):
        wb = openpyxl.load_workbook(io.BytesIO(city_officer.get(reverse(name)).content))
        assert wb.sheetnames[-1] == "说明"


def test_a_word_document_is_refused_with_a_message(world, city_officer):
    fake = SimpleUploadedFile("区划.xlsx", b"PK\x03\x04\x14\x00\x06\x00word/document.xml")
    response = city_officer.post(reverse("regions:import"), {"file": fake})
    assert response.status_code == 400
    assert "无法打开" in response.content.decode()


def test_a_district_officer_may_not_open_the_page(world, client):
    client.force_login(world.users["district_officer"])
    assert client.get(reverse("regions:import")).status_code == 403

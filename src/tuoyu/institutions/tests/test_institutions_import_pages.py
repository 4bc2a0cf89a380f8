"""The institution upload page, its template, and the background job path (issue #9)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tuoyu.core.models import ImportJob
from tuoyu.institutions.models import Institution
from tuoyu.institutions.tests.factories import make_uscc

HEAD = "机构名称,统一社会信用代码,所属街道/镇,地址,登记类型,服务模式,举办性质,托小班数,托小班托位数\r\n"


def upload(text, name="机构名单.csv", encoding="utf-8-sig"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def good_rows(world, n=1, start=500):
    street = world.streets[0].name
    return "".join(f"锦江新托育{i}号,{make_uscc(start + i)},{street},路{i}号,企业,独立托育机构,民办,1,12\r\n" for i in range(n))


@pytest.fixture
def officer(world, client):
    client.force_login(world.users["district_officer"])
    return client


def test_the_page_offers_the_template_and_explains_the_columns(world, officer):
    response = officer.get(reverse("institutions:import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("institutions:template") in html
    assert "统一社会信用代码" in html and "校验并导入" in html


def test_the_template_is_an_xlsx_with_a_notes_sheet(world, officer):
    response = officer.get(reverse("institutions:template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["托育机构", "说明"]
    assert next(wb["托育机构"].iter_rows(max_row=1, values_only=True))[:2] == ("机构名称", "统一社会信用代码")


def test_a_small_file_loads_in_the_request_and_shows_the_counts(world, officer):
    response = officer.post(reverse("institutions:import"), {"file": upload(HEAD + good_rows(world, 2))})
    assert response.status_code == 200
    html = response.content.decode()
    assert "导入完成" in html and "新增 2 条" in html
    assert Institution.objects.filter(name__startswith="锦江新托育").count() == 2


def test_a_file_with_errors_lists_them_by_row_and_column_and_writes_nothing(world, officer):
    bad_code = make_uscc(601)[:17] + ("0" if make_uscc(601)[17] != "0" else "1")
    text = HEAD + good_rows(world) + f"错误托育,{bad_code},不存在的街道,路9号,企业,独立托育机构,民办,1,12\r\n"
    response = officer.post(reverse("institutions:import"), {"file": upload(text, encoding="gbk")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "没有写入任何数据" in html
    assert "第3行" in html and "统一社会信用代码" in html and "校验位错误" in html
    assert "没有名为“不存在的街道”的街道/镇" in html
    assert not Institution.objects.filter(name__startswith="锦江新托育").exists()


@pytest.mark.parametrize("name,content", [
    ("名单.xlsx", b"%PDF-1.5\n%\xe2\xe3\xcf\xd3 not a sheet"),
    ("名单.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ("名单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512),
    ("名单.xlsx", b"PK\x03\x04 a zip that is not a workbook"),
    ("名单.csv", bytes(range(256)) * 8),
    ("名单.csv", b""),
])
def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_message_never_a_500(world, officer, name, content):
    response = officer.post(reverse("institutions:import"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert "alert-danger" in response.content.decode()


def test_no_file_at_all(world, officer):
    response = officer.post(reverse("institutions:import"), {})
    assert response.status_code == 400
    assert "请选择要上传的文件" in response.content.decode()


def test_a_file_above_the_size_limit_is_refused(world, officer, settings):
    settings.TUOYU_IMPORT_MAX_BYTES = 100
    response = officer.post(reverse("institutions:import"), {"file": upload(HEAD + good_rows(world, 3))})
    assert response.status_code == 400
    assert "文件太大" in response.content.decode()


def test_a_large_file_becomes_a_background_job_with_progress_then_its_result(
    world, officer, settings, django_capture_on_commit_callbacks,
):
    settings.TUOYU_IMPORT_BACKGROUND_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(reverse("institutions:import"), {"file": upload(HEAD + good_rows(world, 3))})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:job", kwargs={"job_id": job.pk})
    assert (job.status, job.progress_done, job.progress_total) == ("succeeded", 3, 3)
    assert job.created_by == world.users["district_officer"] and job.region_code == "510104000000"
    assert Institution.objects.filter(name__startswith="锦江新托育").count() == 3
    page = officer.get(response["Location"])
    assert page.status_code == 200 and "导入完成" in page.content.decode()
    partial = officer.get(response["Location"], HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "hx-trigger" not in partial.content.decode()


def test_a_running_job_page_polls_and_says_how_far_it_got(world, officer):
    job = ImportJob.objects.create(kind="institutions", status="running", file_name="大文件.xlsx", file_sha256="0" * 64,
                                   file_path="imports/x.xlsx", created_by=world.users["district_officer"],
                                   progress_done=1200, progress_total=20000)
    html = officer.get(reverse("core:job", kwargs={"job_id": job.pk})).content.decode()
    assert 'hx-trigger="every 2s"' in html and "正在校验第 1,200 行，共 20,000 行" in html
    assert '<progress id="job-progress"' in html


def test_a_job_that_found_errors_lists_them_and_says_nothing_was_written(
    world, officer, settings, django_capture_on_commit_callbacks,
):
    settings.TUOYU_IMPORT_BACKGROUND_ROWS = 1
    text = HEAD + good_rows(world) + "无街道托育,,火星街道,路1号,企业,独立托育机构,民办,1,12\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(reverse("institutions:import"), {"file": upload(text)})
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.result["error_count"] == 1
    html = officer.get(response["Location"]).content.decode()
    assert "没有写入任何数据" in html and "火星街道" in html
    assert not Institution.objects.filter(name__startswith="锦江新托育").exists()


def test_someone_elses_job_is_not_found(world, client):
    job = ImportJob.objects.create(kind="institutions", status="succeeded", file_name="x.csv", file_sha256="0" * 64,
                                   file_path="imports/x.csv", created_by=world.users["district_officer"])
    client.force_login(world.users["city_officer"])
    assert client.get(reverse("core:job", kwargs={"job_id": job.pk})).status_code == 404
    assert client.get(reverse("core:job", kwargs={"job_id": "not-a-uuid"})).status_code == 404

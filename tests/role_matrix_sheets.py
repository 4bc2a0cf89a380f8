"""Role-matrix rows for the import/export pages (issue #9), read by tests/test_role_matrix_pages.py.
Same row format as PAGE_ROWS there.

Loading divisions and population is the city officer's (Action.MANAGE_REGIONS); loading
institutions the city and district officers' (Action.IMPORT_INSTITUTIONS); exports every officer's
(Action.EXPORT_DATA), each inside its own scope. A file that reaches outside the user's scope is
refused with 400 and writes nothing; a job page is its submitter's alone (404 for anyone else)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tuoyu.core.models import ImportJob
from tuoyu.institutions.models import Institution
from tuoyu.institutions.tests.factories import make_uscc
from tuoyu.regions.models import Region, RegionPopulation

CSV = "text/csv"


def _csv(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\ufeff" + text).encode("utf-8"), content_type=CSV)


def _division_file(w: Any) -> dict:
    # A new community under street a1 of the world's city: outside the other city's scope.
    return {"file": _csv("区划.csv", f"区划代码,名称,级别\r\n{w.streets[0].code[:9]}101,矩阵社区,社区\r\n")}


def _population_file(w: Any) -> dict:
    return {"file": _csv("人口.csv", f"区划代码,名称,年份,常住人口\r\n{w.districts[0].code[:6]},{w.districts[0].name},2024,910000\r\n")}


def _institution_file(w: Any) -> dict:
    # A new institution in street a1 (district A): district B's and the other city's officers are refused.
    text = ("机构名称,统一社会信用代码,所属街道/镇,地址,登记类型,服务模式,举办性质\r\n"
            f"矩阵导入托育园,{make_uscc(900002)},{w.streets[0].name},矩阵路2号,企业,独立托育机构,民办\r\n")
    return {"file": _csv("机构.csv", text)}


def _regions(w: Any) -> int:
    return Region.objects.count()


def _populations(w: Any) -> list:
    return list(RegionPopulation.objects.order_by("pk").values())


def _institutions(w: Any) -> int:
    return Institution.objects.count()


def _job(status: str):
    def kwargs(w: Any) -> dict:
        job = ImportJob.objects.create(
            kind=ImportJob.Kind.INSTITUTIONS, status=status, file_name="机构.csv", file_sha256="0" * 64,
            file_path="imports/none.csv", created_by=w.users["city_officer"], region_code=w.city.code,
            result={"rows": 1, "created": 1, "written": True},
        )
        return {"job_id": str(job.pk)}

    kwargs.__name__ = f"job_{status}"
    return kwargs


def _job_state(w: Any) -> list:
    return list(ImportJob.objects.values_list("pk", "status"))


ROWS: list[dict[str, Any]] = [
    {"name": "regions:import",
     "expect": "200 403 403 403 403 403 403 403 403 | 200 403 403 403 403 403 403 403 | 302"},
    {"name": "regions:import", "method": "POST", "data": _division_file, "unchanged": _regions,
     "note": "another city's officer: the code is outside its scope, the file is refused",
     "expect": "200 403 403 403 403 403 403 403 403 | 400 403 403 403 403 403 403 403 | 302"},
    {"name": "regions:import-population",
     "expect": "200 403 403 403 403 403 403 403 403 | 200 403 403 403 403 403 403 403 | 302"},
    {"name": "regions:import-population", "method": "POST", "data": _population_file, "unchanged": _populations,
     "expect": "200 403 403 403 403 403 403 403 403 | 400 403 403 403 403 403 403 403 | 302"},
    {"name": "regions:template",
     "expect": "200 403 403 403 403 403 403 403 403 | 200 403 403 403 403 403 403 403 | 302"},
    {"name": "regions:template-population",
     "expect": "200 403 403 403 403 403 403 403 403 | 200 403 403 403 403 403 403 403 | 302"},
    {"name": "regions:export", "note": "each officer exports its own scope",
     "expect": "200 200 200 403 403 403 403 403 403 | 200 200 200 403 403 403 403 403 | 302"},
    {"name": "regions:export-population",
     "expect": "200 200 200 403 403 403 403 403 403 | 200 200 200 403 403 403 403 403 | 302"},
    {"name": "institutions:import",
     "expect": "200 200 403 403 403 403 403 403 403 | 200 200 403 403 403 403 403 403 | 302"},
    {"name": "institutions:import", "method": "POST", "data": _institution_file, "unchanged": _institutions,
     "note": "street a1 lies in district A: district B's and the other city's officers are refused",
     "expect": "200 200 403 403 403 403 403 403 403 | 400 400 403 403 403 403 403 403 | 302"},
    {"name": "institutions:template",
     "expect": "200 200 403 403 403 403 403 403 403 | 200 200 403 403 403 403 403 403 | 302"},
    {"name": "institutions:export", "note": "filtered like the list page, over the user's EXPORT_DATA scope",
     "expect": "200 200 200 403 403 403 403 403 403 | 200 200 200 403 403 403 403 403 | 302"},
    {"name": "core:job", "kwargs": _job("succeeded"), "note": "a job page is its submitter's alone",
     "expect": "200 404 404 404 404 404 404 404 404 | 404 404 404 404 404 404 404 404 | 302"},
    {"name": "core:job-retry", "kwargs": _job("interrupted"), "method": "POST", "unchanged": _job_state,
     "expect": "302 404 404 404 404 404 404 404 404 | 404 404 404 404 404 404 404 404 | 302"},
]

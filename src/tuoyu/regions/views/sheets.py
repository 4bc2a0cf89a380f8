"""Loading and exporting divisions and population as spreadsheets (issue #9). Thin: the pages
hand the file to `core.views.jobs.sheet_upload`, which calls the regions services."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from tuoyu.core.models import ImportJob
from tuoyu.core.permissions import Action
from tuoyu.core.sheets import XLSX_CONTENT_TYPE, write_xlsx
from tuoyu.core.viewmixins import scoped_view
from tuoyu.core.views.jobs import DivisionUploadForm, sheet_upload

from ..services import populations_export, populations_load_file, regions_export, regions_load_file
from ..sheets import DIVISIONS, POPULATION


def _file(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _format(request: HttpRequest) -> str:
    return "csv" if request.GET.get("format") == "csv" else "xlsx"


@scoped_view(Action.MANAGE_REGIONS)
def import_divisions(request: HttpRequest) -> HttpResponse:
    return sheet_upload(
        request, kind=ImportJob.Kind.REGIONS, load=regions_load_file, template="regions/import.html",
        form_class=DivisionUploadForm, options=lambda d: {"deactivate_missing": bool(d.get("deactivate_missing"))},
        context={"title": _("导入行政区划"), "spec": DIVISIONS, "template_url_name": "regions:template"},
    )


@scoped_view(Action.MANAGE_REGIONS)
def import_population(request: HttpRequest) -> HttpResponse:
    return sheet_upload(
        request, kind=ImportJob.Kind.POPULATION, load=populations_load_file, template="regions/import.html",
        context={"title": _("导入人口数据"), "spec": POPULATION, "template_url_name": "regions:template-population"},
    )


@scoped_view(Action.MANAGE_REGIONS)
def division_template(request: HttpRequest) -> HttpResponse:
    content = write_xlsx(DIVISIONS, [], title=_("行政区划导入模板"))
    return _file(content, _("行政区划导入模板.xlsx"), XLSX_CONTENT_TYPE)


@scoped_view(Action.MANAGE_REGIONS)
def population_template(request: HttpRequest) -> HttpResponse:
    content = write_xlsx(POPULATION, [], title=_("人口数据导入模板"))
    return _file(content, _("人口数据导入模板.xlsx"), XLSX_CONTENT_TYPE)


@scoped_view(Action.EXPORT_DATA)
def export_divisions(request: HttpRequest) -> HttpResponse:
    file = regions_export(actor=request.user, fmt=_format(request))
    return _file(file.content, file.file_name, file.content_type)


@scoped_view(Action.EXPORT_DATA)
def export_population(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    file = populations_export(actor=request.user, fmt=_format(request), year=int(year) if year.isdigit() else None)
    return _file(file.content, file.file_name, file.content_type)


urlpatterns = [
    path("import/", import_divisions, name="import"),
    path("import/population/", import_population, name="import-population"),
    path("template/", division_template, name="template"),
    path("template/population/", population_template, name="template-population"),
    path("export/", export_divisions, name="export"),
    path("export/population/", export_population, name="export-population"),
]

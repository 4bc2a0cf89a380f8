"""Loading the institution list from a spreadsheet and exporting it (issue #9). Thin: the upload
page hands the file to `core.views.jobs.sheet_upload`; the export filters with the list page's
own FilterSet over the EXPORT_DATA selector, so a shared URL exports exactly what the list shows."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from tuoyu.core.models import ImportJob
from tuoyu.core.permissions import Action
from tuoyu.core.sheets import XLSX_CONTENT_TYPE, write_xlsx
from tuoyu.core.viewmixins import scoped_view
from tuoyu.core.views.jobs import sheet_upload

from ..filters import InstitutionFilter
from ..selectors import institution_list
from ..services import institutions_export, institutions_load_file
from ..sheets import INSTITUTIONS

# Query parameters of the list page that are not filters.
NOT_FILTERS = ("page", "sort", "format")


def _file(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@scoped_view(Action.IMPORT_INSTITUTIONS)
def import_institutions(request: HttpRequest) -> HttpResponse:
    return sheet_upload(
        request, kind=ImportJob.Kind.INSTITUTIONS, load=institutions_load_file,
        template="institutions/import.html", context={"spec": INSTITUTIONS},
    )


@scoped_view(Action.IMPORT_INSTITUTIONS)
def institution_template(request: HttpRequest) -> HttpResponse:
    content = write_xlsx(INSTITUTIONS, [], title=_("托育机构导入模板"))
    return _file(content, _("托育机构导入模板.xlsx"), XLSX_CONTENT_TYPE)


@scoped_view(Action.EXPORT_DATA)
def export_institutions(request: HttpRequest) -> HttpResponse:
    """GET with the list page's query string; `?format=csv` for CSV, .xlsx otherwise."""
    params = QueryDict(mutable=True)
    for key in request.GET:
        values = [v for v in request.GET.getlist(key) if v.strip()]
        if values and key not in NOT_FILTERS:
            params.setlist(key, values)
    filterset = InstitutionFilter(params or None, queryset=institution_list(request.user, action=Action.EXPORT_DATA))
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    file = institutions_export(actor=request.user, queryset=queryset, fmt=fmt,
                               filters={k: params.getlist(k) for k in params})
    return _file(file.content, file.file_name, file.content_type)


urlpatterns = [
    path("import/", import_institutions, name="import"),
    path("template/", institution_template, name="template"),
    path("export/", export_institutions, name="export"),
]

"""Spreadsheet upload pages and background job pages (issue #9).

`sheet_upload` is what every "load a sheet" page does: check the file (size, and type by its
content), load it in the request when small, or hand it to a background job when large, and show
the result — counts and every error by sheet, row and column. The job page shows a job's progress,
polled by htmx every two seconds (and correct on a plain reload too), then the same result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from ..jobs import (
    background_rows,
    import_job_create,
    import_job_get,
    import_job_retry,
    job_result,
    max_upload_bytes,
)
from ..sheets import LoadRejected, LoadResult, SheetError, count_data_rows, file_kind
from ..viewmixins import scoped_view

MSG_NO_FILE = _("请选择要上传的文件。")
MSG_TOO_BIG = _("文件太大：最多%(max)s MB，这个文件有%(size)s MB。大文件请按区县拆分后分别上传。")
POLL_SECONDS = 2


class SheetUploadForm(forms.Form):
    """One spreadsheet file; its content is read and checked here, so the view gets bytes."""

    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"), error_messages={"required": MSG_NO_FILE})

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(MSG_TOO_BIG % {
                "max": limit // (1024 * 1024), "size": f"{upload.size / (1024 * 1024):.1f}"})
        data = b"".join(upload.chunks())
        try:
            file_kind(data, upload.name)
        except SheetError as exc:
            raise forms.ValidationError(str(exc.message)) from exc
        self.cleaned_data["data"] = data
        return upload


class DivisionUploadForm(SheetUploadForm):
    deactivate_missing = forms.BooleanField(
        label=_("停用文件中没有的区划"), required=False,
        help_text=_("勾选后，在文件中各区划的最小共同上级之下，与文件中的区划同一级别、但文件中没有的区划标记为停用（从不删除，再次导入即恢复）。"))


def sheet_upload(
    request: HttpRequest, *, kind: str, load: Callable[..., LoadResult], template: str,
    context: dict[str, Any], form_class: type[SheetUploadForm] = SheetUploadForm,
    options: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> HttpResponse:
    """GET: the upload form. POST: load the file now (small) or queue it (large), then show the
    result; a rejected file shows every error and says that nothing was written."""
    form = form_class(request.POST, request.FILES) if request.method == "POST" else form_class()
    result: LoadResult | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload, data = form.cleaned_data["file"], form.cleaned_data["data"]
            opts = options(form.cleaned_data) if options else {}
            try:
                rows = count_data_rows(data, upload.name)
            except SheetError as exc:
                form.add_error("file", str(exc.message))
                rows = -1
            if rows > background_rows():
                job = import_job_create(actor=request.user, kind=kind, data=data, file_name=upload.name,
                                        options=opts, rows=rows)
                return redirect("core:job", job_id=job.pk)
            if rows >= 0:
                try:
                    result = load(actor=request.user, data=data, file_name=upload.name, **opts)
                except LoadRejected as exc:
                    result = exc.result
                except SheetError as exc:
                    form.add_error("file", str(exc.message))
        if not form.is_valid() or (result is not None and not result.ok):
            status = 400  # a refused file is the user's to fix, like a form with errors
    ctx = {**context, "form": form, "result": result, "background_rows": background_rows(),
           "max_mb": max_upload_bytes() // (1024 * 1024)}
    return TemplateResponse(request, template, ctx, status=status)


@scoped_view()
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    """The progress of one background load, then its result. htmx polls the status part."""
    job = import_job_get(request.user, job_id)
    ctx = {"job": job, "result": job_result(job), "poll_seconds": POLL_SECONDS,
           "poll_url": reverse("core:job", kwargs={"job_id": job.pk})}
    if getattr(request, "htmx", False):
        return TemplateResponse(request, "core/job_status.html", ctx)
    return TemplateResponse(request, "core/job_detail.html", ctx)


@scoped_view()
def job_retry(request: HttpRequest, job_id: str) -> HttpResponse:
    job = import_job_get(request.user, job_id)
    if request.method == "POST":
        import_job_retry(actor=request.user, job=job)
    return redirect("core:job", job_id=job.pk)


urlpatterns = [
    path("jobs/<str:job_id>/", job_detail, name="job"),
    path("jobs/<str:job_id>/retry/", job_retry, name="job-retry"),
]

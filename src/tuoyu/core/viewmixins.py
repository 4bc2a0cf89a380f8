"""The base of every page view: login, the page's action, and domain errors turned into pages.

    @scoped_view(Action.VIEW_INSTITUTION)          # a page without an object: names its action
    def institution_list(request): ...

    @scoped_view()                                 # a page of one object: the selector decides
    def institution_edit(request, pk):
        inst = selectors.institution_get(request.user, pk, action=Action.CHANGE_INSTITUTION)

- Anonymous users are sent to the login page.
- A user none of whose roles may do the page's action anywhere gets 403 (and an audit row).
- An object outside the user's scope is the selector's business: `get_for_action` raises
  `NotFound` (404) or, in scope but not allowed, `PermissionDenied` (403) — both audited — and
  this wrapper renders them as the 404/403 page, as the API answers them.
- Any other `DomainError` the view lets escape becomes a 400 page with its message; forms catch
  their own and show the messages beside the fields. A user's mistake is never a 500.

Views never filter by scope themselves: they call selectors, which start from `restrict()`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .audit import record_denial
from .errors import DomainError, NotFound, PermissionDenied
from .scoping import FORBIDDEN_MESSAGE, NOT_FOUND_MESSAGE

logger = logging.getLogger(__name__)

MSG_BAD_REQUEST = _("请求无法处理。")


def error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """The 400/403/404/409 page for a domain error, with its plain-words message."""
    template = {404: "404.html", 403: "403.html"}.get(exc.status, "400.html")
    return TemplateResponse(request, template, {"message": exc.message or MSG_BAD_REQUEST, "error": exc},
                            status=exc.status).render()


def scoped_view(action: str | None = None, *, login_required: bool = True) -> Callable:
    """Decorate a function view: require login, require that some role of the user may do
    `action` (403 otherwise), and render domain errors as error pages."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if login_required and not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if action is not None and not user.may(action):
                record_denial(user, action=action, target_type="page", target_id=request.path[:64])
                return error_page(request, PermissionDenied(FORBIDDEN_MESSAGE))
            try:
                return view(request, *args, **kwargs)
            except DomainError as exc:
                return error_page(request, exc)

        return wrapper

    return decorator


class ScopedViewMixin:
    """The same for class-based views: set `action`; `dispatch` applies `scoped_view`."""

    action: str | None = None
    login_required: bool = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        inner = super().dispatch  # type: ignore[misc]
        return scoped_view(self.action, login_required=self.login_required)(inner)(request, *args, **kwargs)


# Site-wide error handlers (tuoyu/urls.py names them). The 500 page shows the request id so a
# user can quote it; it never shows a traceback, SQL or settings (security.md rule 21).


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, NotFound(NOT_FOUND_MESSAGE))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, PermissionDenied(FORBIDDEN_MESSAGE))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, DomainError(MSG_BAD_REQUEST))


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without a request context: the database or a context processor may be what
    failed, so the page depends on nothing but the template and the request id."""
    request_id = getattr(request, "request_id", "")
    try:
        body = loader.get_template("500.html").render({"request_id": request_id})
    except Exception:  # the last line of defence must not fail itself
        logger.exception("500 template failed")
        body = f"<!doctype html><title>500</title><p>服务器内部错误 / Server error. {request_id}</p>"
    return HttpResponse(body, status=500)

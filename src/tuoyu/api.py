"""The single NinjaAPI under /api/v1; each app mounts its own router (shared/style.md §4).

Every operation requires a bearer token or a signed-in session unless it says otherwise, and
every error — a rule a service enforces, a permission, a malformed request — answers the same JSON:
`{"code", "message", "field_errors"}` (shared/design.md "API"). A user error is never a 500.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tuoyu.accounts.api import router as accounts_router
from tuoyu.accounts.api import users_router
from tuoyu.accounts.auth import api_auth
from tuoyu.core.api import router as audit_router
from tuoyu.core.errors import DomainError
from tuoyu.institutions.api import alliance_router
from tuoyu.institutions.api import router as institutions_router
from tuoyu.regions.api import router as regions_router

DESCRIPTION = """托育服务平台 API。

* 认证：`Authorization: Bearer <令牌>`（用 `POST /api/v1/auth/token` 以账号密码换取，只显示一次），
  或浏览器的登录会话（非只读请求须带 CSRF 令牌）。查询字符串中的令牌一律无效。
* 范围：每个请求只看到调用者角色授权范围内的数据；范围外的对象返回 404，范围内但角色不允许的操作返回 403。
* 列表：`limit`/`offset` 分页，`count` 为总数；筛选值为术语表中的英文代码与区划代码。
* 错误：`{"code", "message", "field_errors"}`；400 业务规则，401 未认证，403 无权，404 不存在或不在范围内，
  409 已被他人修改，422 请求格式错误（类型、选项、多余字段）。
"""

api = NinjaAPI(
    title="Tuoyu API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=api_auth(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_router("/auth", accounts_router)
api.add_router("/users", users_router)
api.add_router("/regions", regions_router)
api.add_router("/institutions", institutions_router)
api.add_router("/alliances", alliance_router)
api.add_router("/audit", audit_router)


def _error(request: HttpRequest, status: int, code: str, message: Any, field_errors: dict | None = None) -> HttpResponse:
    body = {"code": code, "message": str(message), "field_errors": field_errors or {}}
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """Service and scoping errors: 400 rule, 403 not allowed, 404 out of scope, 409 stale."""
    return api.create_response(request, exc.as_dict(), status=exc.status)


# Pydantic's messages for the shapes a caller gets wrong, in the platform's language.
_PYDANTIC_MESSAGES = {
    "missing": lambda c: _("必填项。"),
    "extra_forbidden": lambda c: _("不接受此字段。"),
    "enum": lambda c: _("无效的选项，可选：%(expected)s。") % {"expected": c.get("expected", "")},
    "literal_error": lambda c: _("无效的选项，可选：%(expected)s。") % {"expected": c.get("expected", "")},
    "int_parsing": lambda c: _("请输入整数。"),
    "int_type": lambda c: _("请输入整数。"),
    "int_from_float": lambda c: _("请输入整数。"),
    "float_parsing": lambda c: _("请输入数字。"),
    "float_type": lambda c: _("请输入数字。"),
    "decimal_parsing": lambda c: _("请输入数字。"),
    "decimal_type": lambda c: _("请输入数字。"),
    "finite_number": lambda c: _("请输入有限的数字。"),
    "decimal_max_digits": lambda c: _("最多%(n)s位数字。") % {"n": c.get("max_digits", "")},
    "decimal_max_places": lambda c: _("最多%(n)s位小数。") % {"n": c.get("decimal_places", "")},
    "decimal_whole_digits": lambda c: _("整数部分最多%(n)s位。") % {"n": c.get("whole_digits", "")},
    "bool_parsing": lambda c: _("请输入 true 或 false。"),
    "bool_type": lambda c: _("请输入 true 或 false。"),
    "string_type": lambda c: _("请输入文本。"),
    "string_too_long": lambda c: _("最多%(n)s个字符。") % {"n": c.get("max_length", "")},
    "string_too_short": lambda c: _("至少%(n)s个字符。") % {"n": c.get("min_length", "")},
    "greater_than_equal": lambda c: _("不能小于%(n)s。") % {"n": c.get("ge", "")},
    "less_than_equal": lambda c: _("不能大于%(n)s。") % {"n": c.get("le", "")},
    "greater_than": lambda c: _("须大于%(n)s。") % {"n": c.get("gt", "")},
    "less_than": lambda c: _("须小于%(n)s。") % {"n": c.get("lt", "")},
    "time_parsing": lambda c: _("时间格式应为 HH:MM。"),
    "time_type": lambda c: _("时间格式应为 HH:MM。"),
    "date_parsing": lambda c: _("日期格式应为 YYYY-MM-DD。"),
    "date_from_datetime_parsing": lambda c: _("日期格式应为 YYYY-MM-DD。"),
    "date_from_datetime_inexact": lambda c: _("日期格式应为 YYYY-MM-DD。"),
    "date_type": lambda c: _("日期格式应为 YYYY-MM-DD。"),
    "datetime_parsing": lambda c: _("时间格式应为 ISO 8601（如 2026-01-31T08:00:00+08:00）。"),
    "datetime_from_date_parsing": lambda c: _("时间格式应为 ISO 8601（如 2026-01-31T08:00:00+08:00）。"),
    "datetime_type": lambda c: _("时间格式应为 ISO 8601（如 2026-01-31T08:00:00+08:00）。"),
    "list_type": lambda c: _("应为列表。"),
    "model_type": lambda c: _("应为 JSON 对象。"),
    "model_attributes_type": lambda c: _("应为 JSON 对象。"),
    "dict_type": lambda c: _("应为 JSON 对象。"),
    "value_error": lambda c: str(c.get("error", "")),
}

# Where ninja puts a value: `loc` starts with body/query/path, then the name of the argument that
# holds the schema — every router calls it `payload` (body), `filters` or `page` (query).
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
_SCHEMA_ARGS = {"payload", "filters", "page"}


def _field_path(loc: tuple | list) -> str:
    parts = list(loc)
    source = parts.pop(0) if parts and parts[0] in _SOURCES else ""
    if parts and parts[0] in _SCHEMA_ARGS:
        parts = parts[1:]
    if source == "query":  # `status=a&status=b`: the field is `status`, whichever value was wrong
        parts = [p for p in parts if not isinstance(p, int)]
    return ".".join(str(p) for p in parts) or "__all__"


def _message(error: dict) -> str:
    make = _PYDANTIC_MESSAGES.get(error.get("type", ""))
    return make(error.get("ctx") or {}) if make else str(error.get("msg", ""))


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """The request's shape is wrong (types, unknown choices, unexpected fields): 422."""
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_path(error.get("loc", ())), []).append(_message(error))
    first = next(iter(fields.values()))[0] if fields else ""
    return _error(request, 422, "validation_error", _("请求内容有误：%(detail)s") % {"detail": first}, fields)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.message if exc.message != "Unauthorized" else _("请先登录，或在 Authorization 头中提供访问令牌。")
    response = _error(request, 401, "unauthorized", message)
    response["WWW-Authenticate"] = 'Bearer realm="tuoyu"'
    return response


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               409: "conflict", 413: "too_large", 429: "throttled"}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return _error(request, 400, "malformed_body", _("请求体不是有效的 JSON。"))
    return _error(request, exc.status_code, _HTTP_CODES.get(exc.status_code, "error"), exc.message)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("没有找到该记录，或您无权查看。"))

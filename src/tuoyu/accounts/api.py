"""Account operations of the API.

`router` (/auth): exchanging a password for a token, who am I, and one's own tokens (security.md
rule 11); every signed-in user may use these on their own account only.
`users_router` (/users): officers managing the accounts and role grants inside their scope.
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import AuthenticationError
from ninja.responses import Status
from pydantic import ConfigDict

from tuoyu.core.api import CleanStr, DivisionCodeParam, error_responses, require_scope
from tuoyu.core.apipagination import MAX_ID, Page, PageParams, paginate
from tuoyu.core.errors import DomainError, NotFound
from tuoyu.core.permissions import Action
from tuoyu.core.roles import ROLE_SCOPE_KIND, Role
from tuoyu.core.scoping import NOT_FOUND_MESSAGE

from . import selectors, services
from .models import ApiToken, RoleGrant, User

router = Router(tags=["auth"])

MSG_BAD_CREDENTIALS = gettext_lazy("用户名或密码错误，或账号已停用。")
MSG_GRANT_NOT_YOURS = gettext_lazy("该授权不属于您，或已失效。")
MSG_CHOOSE_GRANT = gettext_lazy("您有多个角色授权，令牌须限定为其中一个：%(choices)s。")
MSG_SCOPE_NOT_FOUND = gettext_lazy("没有找到，或不在您的管辖范围内。")

# What the operations below act on, for the role matrix and docs/development/role-matrix.md.
OWN_ACCOUNT = "own_account"  # any signed-in user, on their own account only
CREDENTIALS = "credentials"  # no session or token yet: a username and password


class RegionRefOut(Schema):
    code: str
    name: str


class InstitutionRefOut(Schema):
    id: int
    name: str


class GrantOut(Schema):
    id: int
    role: Role
    role_label: str
    scope_kind: str
    region: RegionRefOut | None
    institution: InstitutionRefOut | None
    valid_from: date
    valid_until: date | None

    @staticmethod
    def resolve_role_label(obj: RoleGrant) -> str:
        return str(Role(obj.role).label)

    @staticmethod
    def resolve_scope_kind(obj: RoleGrant) -> str:
        return str(ROLE_SCOPE_KIND[obj.role])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., validation_alias="key_prefix", description="令牌的前8个字符，用于辨认")
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    grant: GrantOut | None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="完整令牌，只显示这一次；服务器只保存其哈希值")


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    username: CleanStr = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=4096)
    name: CleanStr = Field(..., min_length=1, max_length=100, description="用途，如“区级统计脚本”")
    grant_id: int | None = Field(
        None, ge=1, le=MAX_ID,
        description="令牌限定的角色授权（见 /auth/me 的 grants）；只有一个授权时可省略",
    )


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[Role]
    grants: list[GrantOut]
    actions: list[Action] = Field(..., description="当前可进行的动作（在各自的授权范围内）")
    token: TokenOut | None = Field(None, description="本次请求所用的令牌（会话登录时为空）")


def _choose_grant(user: User, grant_id: int | None) -> RoleGrant | None:
    """A token is bound to one grant (security.md rule 11): the one asked for, or the only one."""
    grants = user.active_grants
    if grant_id is not None:
        grant = next((g for g in grants if g.pk == grant_id), None)
        if grant is None:
            raise DomainError(MSG_GRANT_NOT_YOURS, field_errors={"grant_id": [MSG_GRANT_NOT_YOURS]})
        return grant
    if len(grants) > 1:
        choices = "；".join(f"{g.pk}（{g}）" for g in grants)
        msg = MSG_CHOOSE_GRANT % {"choices": choices}
        raise DomainError(msg, field_errors={"grant_id": [msg]})
    return grants[0] if grants else None


@router.post(
    "/token",
    auth=None,
    response={201: TokenCreatedOut, **error_responses(400, 401, 422)},
    openapi_extra={"x-tuoyu-action": CREDENTIALS},
    summary="用账号密码换取访问令牌",
)
def token_create(request, payload: TokenIn):
    """Issue a bearer token for the account (shown once; only its hash is kept), bound to one of
    its grants. Failed attempts are audited and answered with one message that does not say which
    part was wrong."""
    # A failed attempt sends Django's `user_login_failed`, which writes the audit row (accounts
    # signals) exactly as for the sign-in page — and which a lockout (security.md rule 7) hooks.
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise AuthenticationError(message=str(MSG_BAD_CREDENTIALS))
    grant = _choose_grant(user, payload.grant_id)
    token, raw = services.api_token_create(actor=user, user=user, name=payload.name, grant=grant)
    token.token = raw
    return Status(201, token)


@router.get(
    "/me",
    response={200: MeOut, **error_responses(401)},
    openapi_extra={"x-tuoyu-action": OWN_ACCOUNT},
    summary="当前用户、角色与授权范围",
)
def me(request):
    user: User = request.auth
    grants = user.active_grants
    return {
        "id": user.pk, "username": user.username, "display_name": user.display_name,
        "roles": sorted({g.role for g in grants}), "grants": grants,
        "actions": [a for a in Action.values if user.may(a)],
        "token": getattr(request, "api_token", None),
    }


@router.get(
    "/tokens",
    response={200: Page[TokenOut], **error_responses(401, 422)},
    openapi_extra={"x-tuoyu-action": OWN_ACCOUNT},
    summary="我的访问令牌",
)
def token_list(request, page: Query[PageParams]):
    qs = ApiToken.objects.filter(user=request.auth).select_related("grant__region", "grant__institution")
    return paginate(qs.order_by("-created_at", "-id"), page)


@router.delete(
    "/tokens/{int:token_id}",
    response={204: None, **error_responses(401, 403, 404, 422)},
    openapi_extra={"x-tuoyu-action": OWN_ACCOUNT},
    summary="撤销我的一个访问令牌",
)
def token_revoke(request, token_id: int = Path(..., ge=1, le=MAX_ID)):
    """Revoke one of the caller's own tokens; someone else's token answers 404."""
    token = ApiToken.objects.filter(user=request.auth, pk=token_id).first()
    if token is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    if token.revoked_at is None:
        services.api_token_revoke(actor=request.auth, token=token)
    return Status(204, None)



# ---------------------------------------------------------------- managing accounts (/users)
#
# City and district officers manage the accounts inside their scope (Action.MANAGE_ACCOUNTS;
# who is inside is `User.objects.restrict`, which grants an officer may give is the services').
# A role that may not manage accounts anywhere gets 403; an account outside the caller's scope 404.

users_router = Router(tags=["users"])
MANAGE = {"x-tuoyu-action": Action.MANAGE_ACCOUNTS.value}


class UserGrantOut(GrantOut):
    state: RoleGrant.State = Field(..., description="active 生效中 · pending 未到生效日期 · ended 已到期 · revoked 已撤销")
    granted_by: str | None = Field(None, description="授权人账号（命令行授权时为空）")
    created_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None = None

    @staticmethod
    def resolve_state(obj: RoleGrant) -> str:
        return obj.state

    @staticmethod
    def resolve_granted_by(obj: RoleGrant) -> str | None:
        return obj.granted_by.username if obj.granted_by_id else None

    @staticmethod
    def resolve_revoked_by(obj: RoleGrant) -> str | None:
        return obj.revoked_by.username if obj.revoked_by_id else None


class UserOut(Schema):
    """An account as its managers see it: never a password or its hash."""

    id: int
    username: str
    display_name: str
    is_active: bool
    date_joined: datetime
    last_login: datetime | None
    created_by: str | None = Field(None, description="创建人账号（命令行创建时为空）")
    live_tokens: int = Field(..., description="未撤销的访问令牌数")
    grants: list[UserGrantOut] = Field(..., description="全部授权，含已到期和已撤销的（历史保留）")

    @staticmethod
    def resolve_created_by(obj: User) -> str | None:
        return obj.created_by.username if obj.created_by_id else None

    @staticmethod
    def resolve_live_tokens(obj: User) -> int:
        counted = getattr(obj, "live_tokens", None)
        return counted if counted is not None else obj.api_tokens.filter(revoked_at__isnull=True).count()


class GrantIn(Schema):
    model_config = ConfigDict(extra="forbid")

    role: Role
    region_code: DivisionCodeParam = Field(None, description="区域类角色：区划代码（6、9或12位）")
    institution_id: int | None = Field(None, ge=1, le=MAX_ID, description="机构类角色：机构编号")
    valid_from: date | None = Field(None, description="生效日期，默认今天")
    valid_until: date | None = Field(None, description="失效日期（含当天），留空为长期")


class UserCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    username: CleanStr = Field(..., min_length=1, max_length=150, description="3至30位小写字母、数字、. _ -，以字母开头")
    display_name: CleanStr = Field(..., min_length=1, max_length=100)
    password: CleanStr = Field(..., min_length=1, max_length=4096, description="初始密码，至少10位")
    grant: GrantIn | None = Field(None, description="首个角色授权（可稍后再授）")


class UserPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    display_name: CleanStr | None = Field(None, min_length=1, max_length=100)
    is_active: bool | None = Field(None, description="false 停用（结束会话、撤销令牌），true 启用")


class UserQuery(PageParams):
    q: CleanStr | None = Field(None, max_length=100, description="账号或姓名中的文字")
    role: Role | None = Field(None, description="有这一生效或待生效角色的账号")
    is_active: bool | None = None


def _grant_data(actor: User, payload: GrantIn) -> services.GrantData:
    """The grant's region or institution, looked up only inside the caller's scope: one answer for
    "does not exist" and "not yours"."""
    region = institution = None
    if payload.region_code:
        region = selectors.grant_region_by_code(actor, payload.region_code)
        if region is None:
            raise DomainError(MSG_SCOPE_NOT_FOUND, field_errors={"region_code": [MSG_SCOPE_NOT_FOUND]})
    if payload.institution_id is not None:
        institution = selectors.grant_institution_by_ref(actor, payload.institution_id)
        if institution is None:
            raise DomainError(MSG_SCOPE_NOT_FOUND, field_errors={"institution_id": [MSG_SCOPE_NOT_FOUND]})
    return services.GrantData(role=payload.role, region=region, institution=institution,
                              valid_from=payload.valid_from, valid_until=payload.valid_until)


def _api_field(exc: DomainError) -> DomainError:
    """Service field names → the API's (`region` → `region_code`, `institution` → `institution_id`)."""
    names = {"region": "region_code", "institution": "institution_id", "new_password": "password"}
    exc.field_errors = {names.get(k, k): v for k, v in exc.field_errors.items()}
    return exc


def _managed_user(request, user_id: int) -> User:
    require_scope(request.auth, Action.MANAGE_ACCOUNTS)
    return selectors.user_get(request.auth, user_id)


@users_router.get(
    "", response={200: Page[UserOut], **error_responses(401, 403, 422)}, openapi_extra=MANAGE,
    summary="可管理的账号",
)
def user_list(request, filters: Query[UserQuery]):
    """The accounts inside the caller's scope (security.md rule 1), with their grants."""
    require_scope(request.auth, Action.MANAGE_ACCOUNTS)
    qs = selectors.user_list(request.auth, q=filters.q or "", role=filters.role or "", active=filters.is_active)
    return paginate(qs, filters)


@users_router.post(
    "", response={201: UserOut, **error_responses(400, 401, 403, 422)}, openapi_extra=MANAGE,
    summary="创建账号（可同时授予首个角色）",
)
def user_create(request, payload: UserCreateIn):
    actor = request.auth
    require_scope(actor, Action.MANAGE_ACCOUNTS)
    grant = _grant_data(actor, payload.grant) if payload.grant is not None else None
    try:
        user = services.user_create(actor=actor, username=payload.username, password=payload.password,
                                    display_name=payload.display_name, grant=grant)
    except DomainError as exc:
        raise _api_field(exc) from exc
    return Status(201, selectors.user_get(actor, user.pk))


@users_router.get(
    "/{int:user_id}", response={200: UserOut, **error_responses(401, 403, 404, 422)}, openapi_extra=MANAGE,
    summary="一个账号及其授权",
)
def user_detail(request, user_id: int = Path(..., ge=1, le=MAX_ID)):
    return _managed_user(request, user_id)


@users_router.patch(
    "/{int:user_id}", response={200: UserOut, **error_responses(400, 401, 403, 404, 422)}, openapi_extra=MANAGE,
    summary="修改姓名，停用或启用账号",
)
def user_update(request, payload: UserPatchIn, user_id: int = Path(..., ge=1, le=MAX_ID)):
    user = _managed_user(request, user_id)
    services.user_update(actor=request.auth, user=user, display_name=payload.display_name, is_active=payload.is_active)
    return selectors.user_get(request.auth, user.pk)


@users_router.post(
    "/{int:user_id}/deactivate", response={200: UserOut, **error_responses(400, 401, 403, 404, 422)},
    openapi_extra=MANAGE, summary="停用账号（结束其会话并撤销其令牌）",
)
def user_deactivate(request, user_id: int = Path(..., ge=1, le=MAX_ID)):
    user = _managed_user(request, user_id)
    services.user_deactivate(actor=request.auth, user=user)
    return selectors.user_get(request.auth, user.pk)


@users_router.post(
    "/{int:user_id}/grants", response={201: UserGrantOut, **error_responses(400, 401, 403, 404, 422)},
    openapi_extra=MANAGE, summary="授予角色",
)
def grant_create(request, payload: GrantIn, user_id: int = Path(..., ge=1, le=MAX_ID)):
    user = _managed_user(request, user_id)
    data = _grant_data(request.auth, payload)
    try:
        grant = services.role_grant(actor=request.auth, user=user, role=data.role, region=data.region,
                                    institution=data.institution, valid_from=data.valid_from, valid_until=data.valid_until)
    except DomainError as exc:
        raise _api_field(exc) from exc
    return Status(201, grant)


def _revoke(request, user_id: int, grant_id: int) -> RoleGrant:
    user = _managed_user(request, user_id)
    grant = selectors.user_grant_get(user, grant_id)
    return services.role_revoke(actor=request.auth, grant=grant)


@users_router.delete(
    "/{int:user_id}/grants/{int:grant_id}", response={200: UserGrantOut, **error_responses(400, 401, 403, 404, 422)},
    openapi_extra=MANAGE, summary="撤销授权（保留历史，自昨日起失效）",
)
def grant_delete(request, user_id: int = Path(..., ge=1, le=MAX_ID), grant_id: int = Path(..., ge=1, le=MAX_ID)):
    return _revoke(request, user_id, grant_id)


@users_router.post(
    "/{int:user_id}/grants/{int:grant_id}/revoke",
    response={200: UserGrantOut, **error_responses(400, 401, 403, 404, 422)},
    openapi_extra=MANAGE, summary="撤销授权（同 DELETE）",
)
def grant_revoke(request, user_id: int = Path(..., ge=1, le=MAX_ID), grant_id: int = Path(..., ge=1, le=MAX_ID)):
    return _revoke(request, user_id, grant_id)

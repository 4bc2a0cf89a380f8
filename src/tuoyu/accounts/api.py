"""Account operations of the API: exchanging a password for a token, who am I, and one's own
tokens (security.md rule 11). Every signed-in user may use these on their own account only."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import AuthenticationError
from ninja.responses import Status
from pydantic import ConfigDict

from tuoyu.core.api import CleanStr, error_responses
from tuoyu.core.apipagination import MAX_ID, Page, PageParams, paginate
from tuoyu.core.errors import DomainError, NotFound
from tuoyu.core.permissions import Action
from tuoyu.core.roles import ROLE_SCOPE_KIND, Role
from tuoyu.core.scoping import NOT_FOUND_MESSAGE

from . import services
from .models import ApiToken, RoleGrant, User

router = Router(tags=["auth"])

MSG_BAD_CREDENTIALS = gettext_lazy("用户名或密码错误，或账号已停用。")
MSG_GRANT_NOT_YOURS = gettext_lazy("该授权不属于您，或已失效。")
MSG_CHOOSE_GRANT = gettext_lazy("您有多个角色授权，令牌须限定为其中一个：%(choices)s。")

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


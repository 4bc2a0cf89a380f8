"""Account writes: users, role grants and API tokens, each one transaction with its audit row.

Who may manage accounts at all is the permission table's (`Action.MANAGE_ACCOUNTS`: city and
district officers). Which grants such an officer may give is decided here, for every caller —
page, API and command line alike:

- **Inside the scope.** The new grant's region, or its institution's region, lies inside the
  region of one of the officer's own MANAGE_ACCOUNTS grants.
- **At or below the officer's level.** Through that same grant, an officer gives only roles at or
  below its own (`core.roles.ROLE_LEVEL`): a district officer may make another district officer of its own
  district, street officers and institution roles, never a city officer.
- **On a region of the role's level.** A district officer is granted on a district, a street
  officer on a street (`core.roles.ROLE_REGION_LEVELS`); a trainer on the city, a district or a street.
- **Never on oneself**, and never backdated (history is what happened).

An account itself (its name, its password, deactivating it) may be changed by an officer who could
have made every one of its live grants; an account with grants beyond the officer's reach (an
expert working in two districts) is the higher office's. The command line runs as
`core.scoping.SYSTEM`, which may do everything: that is how the first city officer is made.

Grants are never deleted: `role_revoke` ends one yesterday and says who ended it. Deactivating an
account ends its sessions and revokes its API tokens (security.md rule 6). Passwords pass Django's
validators (settings.AUTH_PASSWORD_VALIDATORS, security.md rule 8), and no password or hash is
ever written to the audit trail.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.core import audit
from tuoyu.core.audit import record_denial
from tuoyu.core.divisions import Level
from tuoyu.core.errors import DomainError, PermissionDenied
from tuoyu.core.permissions import Action, role_may
from tuoyu.core.roles import (
    GRANT_REGION_LEVELS,
    ROLE_LEVEL,
    ROLE_REGION_LEVELS,
    ROLE_SCOPE_KIND,
    Role,
    ScopeKind,
)
from tuoyu.core.rules import security as security_rules
from tuoyu.core.scoping import SystemActor
from tuoyu.core.text import normalize

from .models import ApiToken, RoleGrant, User, live_grant_q

MSG_SCOPE_KIND = _("角色“%(role)s”须授权在%(kind)s上。")
MSG_CHOOSE_ROLE = _("请选择角色。")
MSG_CHOOSE_REGION = _("请选择授权的区域。")
MSG_CHOOSE_INSTITUTION = _("请选择授权的机构。")
MSG_NO_SCOPE_FOR_ROLE = _("角色“%(role)s”不授权在区域或机构上，请不要选择区域或机构。")
MSG_REGION_LEVEL = _("角色“%(role)s”须授权在%(levels)s一级的区域上。")
MSG_REGION_INACTIVE = _("该区域已撤销，不能在其上授权。")
MSG_OUT_OF_REACH = _("您不能在这个范围授予“%(role)s”：只能在您管辖的区域内，授予不高于您本人级别的角色。")
MSG_NOT_YOURSELF = _("不能给自己授权或撤销自己的授权，请由其他管理员办理。")
MSG_VALID_FROM_PAST = _("生效日期不能早于今天。")
MSG_VALID_UNTIL_BEFORE = _("失效日期不能早于生效日期。")
MSG_DUPLICATE_GRANT = _("该账号在这个范围已有同一角色的授权，期间重叠。")
MSG_USER_INACTIVE = _("该账号已停用，请先启用再授权。")
MSG_ALREADY_ENDED = _("这项授权已经结束或已被撤销。")
MSG_USERNAME_FORMAT = _("账号须以英文字母开头，由3至30位小写字母、数字、点（.）、下划线（_）或连字符（-）组成。")
MSG_USERNAME_TAKEN = _("账号“%(username)s”已被使用，请换一个。")
MSG_DISPLAY_NAME_REQUIRED = _("请填写姓名。")
MSG_DISPLAY_NAME_LENGTH = _("姓名最多%(n)s个字。")
MSG_PASSWORD_REQUIRED = _("请输入密码。")
MSG_PASSWORD_TOO_LONG = _("密码最多%(n)s个字符。")
MSG_OLD_PASSWORD_WRONG = _("当前密码不正确。")
MSG_ACCOUNT_OUT_OF_REACH = _("该账号有您管辖范围以外或高于您级别的授权，请由上级管理员办理。")
MSG_NOT_YOURSELF_DEACTIVATE = _("不能停用自己的账号，请由其他管理员办理。")
MSG_TOKEN_NAME_REQUIRED = _("请填写令牌用途。")
MSG_TOKEN_GRANT = _("令牌只能限定为本人生效中的一项授权。")
MSG_TOKEN_INACTIVE_USER = _("账号已停用，不能创建令牌。")


# Username: ASCII, so it can be typed on any keyboard and read aloud over the phone; no personal
# data (security.md rule 15: a phone number or ID number is not a username).
USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{2,29}$")
DISPLAY_NAME_MAX = 50  # User.display_name max_length
# security.md rule 8: "up to at least 64"; longer only costs hashing time.
PASSWORD_MAX = 128



@dataclass
class GrantData:
    """One grant to make: a role on a region or an institution (or neither, for a parent)."""

    role: str
    region: Any = None
    institution: Any = None
    valid_from: date | None = None
    valid_until: date | None = None


# ---------------------------------------------------------------- who may grant what


def is_system(actor: Any) -> bool:
    return isinstance(actor, SystemActor)


def _managing_grants(actor: Any) -> list[RoleGrant]:
    """The actor's grants in force that allow managing accounts (an API token bound to one grant
    narrows them to that grant)."""
    if not isinstance(actor, User) or not actor.is_active:
        return []
    return [g for g in actor.active_grants if role_may(g.role, Action.MANAGE_ACCOUNTS)]


def _covers(own: RoleGrant, *, role: str, region: Any, institution: Any) -> bool:
    """Whether one of the officer's own grants lets it give `role` on that scope."""
    if ROLE_LEVEL.get(role, 0) < ROLE_LEVEL[own.role]:
        return False  # above the officer's own level
    if region is None and institution is None:
        return True  # a role on no scope (a parent): only the level counts
    if own.institution_id:
        return institution is not None and institution.pk == own.institution_id
    code = region.code if region is not None else institution.region_code
    return bool(own.region_id) and code.startswith(own.region.prefix)


def may_grant(actor: Any, *, role: str, region: Any = None, institution: Any = None) -> bool:
    """Whether the actor may give (or end) this role on this scope."""
    if is_system(actor):
        return True
    return any(_covers(g, role=role, region=region, institution=institution) for g in _managing_grants(actor))


def grantable_roles(actor: Any) -> list[str]:
    """The roles the actor may give somewhere, highest first (for the role select)."""
    if is_system(actor):
        return list(Role.values)
    own = _managing_grants(actor)
    if not own:
        return []
    top = min(ROLE_LEVEL[g.role] for g in own)
    return [r for r in Role.values if ROLE_LEVEL[r] >= top]


def _live_scoped_grants(user: User) -> list[RoleGrant]:
    qs = user.grants.filter(live_grant_q()).exclude(region__isnull=True, institution__isnull=True)
    return list(qs.select_related("region", "institution"))


def may_manage_user(actor: Any, user: User) -> bool:
    """Whether the actor may change the account itself (name, password, active): it could have
    made every live grant the account holds. An account without live grants is managed by whoever
    sees it (`User.objects.restrict`)."""
    if is_system(actor):
        return True
    if not _managing_grants(actor):
        return False
    live = _live_scoped_grants(user)
    if not live:
        return User.objects.restrict(actor, Action.MANAGE_ACCOUNTS).filter(pk=user.pk).exists()
    return all(may_grant(actor, role=g.role, region=g.region, institution=g.institution) for g in live)


def ensure_may_manage(actor: Any, user: User) -> None:
    if not may_manage_user(actor, user):
        record_denial(actor, action=Action.MANAGE_ACCOUNTS, target_type=User._meta.label, target_id=str(user.pk))
        raise PermissionDenied(MSG_ACCOUNT_OUT_OF_REACH)


def _is_self(actor: Any, user: User) -> bool:
    return isinstance(actor, User) and actor.pk == user.pk


# ---------------------------------------------------------------- checking what was typed


def clean_username(raw: Any) -> str:
    """NFKC (full-width letters typed on a Chinese keyboard), trimmed, lower case, then the rule."""
    username = normalize(raw).lower()
    if not USERNAME_RE.fullmatch(username):
        raise DomainError(MSG_USERNAME_FORMAT, field_errors={"username": [MSG_USERNAME_FORMAT]})
    if User.objects.filter(username__iexact=username).exists():
        msg = MSG_USERNAME_TAKEN % {"username": username}
        raise DomainError(msg, field_errors={"username": [msg]})
    return username


def clean_display_name(raw: Any) -> str:
    """Trimmed, spaces collapsed, no control characters. Not NFKC-folded: a name's full-width
    punctuation (王芳（街道办）) is correct Chinese, not a typing slip."""
    name = " ".join("".join(c for c in str(raw or "") if c.isprintable() or c.isspace()).split())
    if not name:
        raise DomainError(MSG_DISPLAY_NAME_REQUIRED, field_errors={"display_name": [MSG_DISPLAY_NAME_REQUIRED]})
    if len(name) > DISPLAY_NAME_MAX:
        msg = MSG_DISPLAY_NAME_LENGTH % {"n": DISPLAY_NAME_MAX}
        raise DomainError(msg, field_errors={"display_name": [msg]})
    return name


def check_password(password: str | None, user: User, *, field: str = "password") -> None:
    """Django's validators (length ≥ 10, not common, not all digits, not like the user's own
    name), with their messages under `field`."""
    if not password:
        raise DomainError(MSG_PASSWORD_REQUIRED, field_errors={field: [MSG_PASSWORD_REQUIRED]})
    if len(password) > PASSWORD_MAX:
        msg = MSG_PASSWORD_TOO_LONG % {"n": PASSWORD_MAX}
        raise DomainError(msg, field_errors={field: [msg]})
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field_errors={field: list(exc.messages)}) from exc


def check_grant_shape(actor: Any, data: GrantData) -> tuple[date, date | None]:
    """The grant's own rules, whoever gives it: the kind and level of scope the role takes, an
    active region, dates not backdated nor reversed. Returns (valid_from, valid_until); raises a
    400 `DomainError` naming the field. Forms call it too, to show every error at once."""
    role = data.role
    if role not in Role.values:
        raise DomainError(MSG_CHOOSE_ROLE, field_errors={"role": [MSG_CHOOSE_ROLE]})
    label = Role(role).label
    kind = ROLE_SCOPE_KIND[role]
    if kind == ScopeKind.REGION and (data.region is None or data.institution is not None):
        raise DomainError(MSG_SCOPE_KIND % {"role": label, "kind": ScopeKind(kind).label},
                          field_errors={"region": [MSG_CHOOSE_REGION]})
    if kind == ScopeKind.INSTITUTION and (data.institution is None or data.region is not None):
        raise DomainError(MSG_SCOPE_KIND % {"role": label, "kind": ScopeKind(kind).label},
                          field_errors={"institution": [MSG_CHOOSE_INSTITUTION]})
    if kind == ScopeKind.NONE and (data.region is not None or data.institution is not None):
        msg = MSG_NO_SCOPE_FOR_ROLE % {"role": label}
        raise DomainError(msg, field_errors={"role": [msg]})
    if data.region is not None:
        levels = ROLE_REGION_LEVELS.get(role, GRANT_REGION_LEVELS)
        if data.region.level not in levels:
            msg = MSG_REGION_LEVEL % {"role": label, "levels": "、".join(str(Level(v).label) for v in levels)}
            raise DomainError(msg, field_errors={"region": [msg]})
        if not data.region.is_active:
            raise DomainError(MSG_REGION_INACTIVE, field_errors={"region": [MSG_REGION_INACTIVE]})
    today = timezone.localdate()
    valid_from = data.valid_from or today
    if valid_from < today and not is_system(actor):
        raise DomainError(MSG_VALID_FROM_PAST, field_errors={"valid_from": [MSG_VALID_FROM_PAST]})
    if data.valid_until is not None and data.valid_until < valid_from:
        raise DomainError(MSG_VALID_UNTIL_BEFORE, field_errors={"valid_until": [MSG_VALID_UNTIL_BEFORE]})
    return valid_from, data.valid_until


def _check_grant(actor: Any, user: User | None, data: GrantData) -> tuple[date, date | None]:
    """The grant's shape, then the actor's right to give it, then no overlapping duplicate; returns
    (valid_from, valid_until). A refusal for reach is a 403 and is audited; the rest are 400s with
    the field named."""
    valid_from, valid_until = check_grant_shape(actor, data)
    role, label = data.role, Role(data.role).label
    if user is not None and _is_self(actor, user):
        raise PermissionDenied(MSG_NOT_YOURSELF)
    if not may_grant(actor, role=role, region=data.region, institution=data.institution):
        record_denial(actor, action=Action.MANAGE_ACCOUNTS, target_type=User._meta.label,
                      target_id=str(user.pk) if user is not None else "")
        msg = MSG_OUT_OF_REACH % {"role": label}
        field = "institution" if data.institution is not None else ("region" if data.region is not None else "role")
        raise PermissionDenied(msg, field_errors={field: [msg]})
    if user is not None:
        if not user.is_active:
            raise DomainError(MSG_USER_INACTIVE)
        same = user.grants.filter(live_grant_q(), role=role, region=data.region, institution=data.institution)
        if data.valid_until is not None:
            same = same.filter(valid_from__lte=data.valid_until)
        if same.exclude(valid_until__lt=valid_from).exists():
            raise DomainError(MSG_DUPLICATE_GRANT, field_errors={"role": [MSG_DUPLICATE_GRANT]})
    return valid_from, valid_until


def _place(grant: RoleGrant) -> dict[str, Any]:
    if grant.region_id:
        return {"region_code": grant.region.code}
    if grant.institution_id:
        return {"region_code": grant.institution.region_code, "institution_id": grant.institution_id}
    return {}


def _audit_place(user: User, actor: Any = None) -> dict[str, Any]:
    """Where an account event is filed in the audit trail, so the officers of that scope see it:
    the account's first live grant, else its latest grant, else the acting officer's region."""
    grants = user.grants.select_related("region", "institution")
    for grant in [*grants.filter(live_grant_q()).order_by("pk"), *grants.order_by("-pk")]:
        place = _place(grant)
        if place:
            return place
    for grant in _managing_grants(actor):
        if grant.region_id:
            return {"region_code": grant.region.code}
    return {}


def _period(valid_from: date, valid_until: date | None) -> str:
    return f"{valid_from.isoformat()}–{valid_until.isoformat() if valid_until else ''}"


# ---------------------------------------------------------------- users


@transaction.atomic
def _write_grant(actor: Any, user: User, data: GrantData, valid_from: date, valid_until: date | None) -> RoleGrant:
    grant = RoleGrant.objects.create(
        user=user, role=data.role, region=data.region, institution=data.institution,
        valid_from=valid_from, valid_until=valid_until, granted_by=actor if isinstance(actor, User) else None,
    )
    audit.record(
        actor, "role_grant", target=user, **_place(grant),
        changes={"role": [None, data.role], "scope": [None, grant.scope_label], "period": [None, _period(valid_from, valid_until)]},
    )
    user.__dict__.pop("active_grants", None)
    return grant


def user_create(
    *, actor: Any, username: str, password: str | None, display_name: str, grant: GrantData | None = None,
) -> User:
    """Create a sign-in account, with its first grant when one is given (both or neither).

    The username is checked (`USERNAME_RE`, unique whatever the case), the display name required,
    the password validated; `password=None` makes an account that cannot sign in until a password
    is set. Only what the account needs is collected: no phone, no ID number.
    """
    username = clean_username(username)
    display_name = clean_display_name(display_name)
    user = User(username=username, display_name=display_name, created_by=actor if isinstance(actor, User) else None)
    if password is not None:
        check_password(password, user)
    period = _check_grant(actor, None, grant) if grant is not None else None
    with transaction.atomic():
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # the same name typed at the same moment elsewhere
            msg = MSG_USERNAME_TAKEN % {"username": username}
            raise DomainError(msg, field_errors={"username": [msg]}) from exc
        first = _write_grant(actor, user, grant, *period) if grant is not None and period is not None else None
        audit.record(
            actor, "user_create", target=user, **(_place(first) if first is not None else _audit_place(user, actor)),
            changes={"username": [None, username], "display_name": [None, display_name]},
        )
    return user


def role_grant(
    *, actor: Any, user: User, role: str, region: Any = None, institution: Any = None,
    valid_from: date | None = None, valid_until: date | None = None,
) -> RoleGrant:
    """Grant a role on a scope of the kind the role takes (a region, one institution, or none),
    from `valid_from` (today) to `valid_until` (inclusive; open when empty). The rules are in the
    module docstring: inside the actor's scope, at or below its level, not on oneself."""
    data = GrantData(role=role, region=region, institution=institution, valid_from=valid_from, valid_until=valid_until)
    period = _check_grant(actor, user, data)
    return _write_grant(actor, user, data, *period)


def role_revoke(*, actor: Any, grant: RoleGrant) -> RoleGrant:
    """End a grant: it stops being in force today (`valid_until` = yesterday) and is kept, with
    who revoked it and when. Tokens bound to it are revoked too. Whoever may give the grant may end
    it; an ended grant cannot be ended again."""
    user = grant.user
    if not grant.is_live:
        raise DomainError(MSG_ALREADY_ENDED)
    if _is_self(actor, user):
        raise PermissionDenied(MSG_NOT_YOURSELF)
    if not may_grant(actor, role=grant.role, region=grant.region, institution=grant.institution):
        record_denial(actor, action=Action.MANAGE_ACCOUNTS, target_type=User._meta.label, target_id=str(user.pk))
        raise PermissionDenied(MSG_OUT_OF_REACH % {"role": Role(grant.role).label})
    with transaction.atomic():
        before = grant.valid_until
        grant.valid_until = timezone.localdate() - timedelta(days=1)
        grant.revoked_at = timezone.now()
        grant.revoked_by = actor if isinstance(actor, User) else None
        grant.save(update_fields=["valid_until", "revoked_at", "revoked_by"])
        now = timezone.now()
        tokens = ApiToken.objects.filter(grant=grant, revoked_at__isnull=True).update(revoked_at=now)
        audit.record(
            actor, "role_revoke", target=user, **_place(grant),
            changes={"role": [grant.role, grant.role], "scope": [grant.scope_label, grant.scope_label],
                     "valid_until": [before, grant.valid_until], "tokens_revoked": [0, tokens]},
        )
    user.__dict__.pop("active_grants", None)
    return grant


def _end_sessions(user: User) -> int:
    """Delete the user's server-side sessions (security.md rule 6). Sessions live in the database
    (the default engine, or cached_db); with another engine the account's sessions still stop
    working, because Django's authentication refuses an inactive user on every request."""
    if settings.SESSION_ENGINE not in ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"):
        return 0
    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    pk = str(user.pk)
    keys = [s.session_key for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
            if s.get_decoded().get(SESSION_KEY) == pk]
    for key in keys:
        store(session_key=key).delete()
    return len(keys)


def _revoke_tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def user_deactivate(*, actor: Any, user: User) -> User:
    """Disable an account: it cannot sign in, its sessions end and its API tokens are revoked
    (security.md rule 6). Its grants stay, so enabling it again restores what it could do."""
    if _is_self(actor, user):
        raise DomainError(MSG_NOT_YOURSELF_DEACTIVATE)
    ensure_may_manage(actor, user)
    with transaction.atomic():
        was = user.is_active
        user.is_active = False
        user.save(update_fields=["is_active"])
        sessions = _end_sessions(user)
        tokens = _revoke_tokens(user)
        audit.record(actor, "user_deactivate", target=user, **_audit_place(user, actor),
                     changes={"is_active": [was, False], "sessions_ended": [0, sessions], "tokens_revoked": [0, tokens]})
    return user


def user_reactivate(*, actor: Any, user: User) -> User:
    """Enable a disabled account again. Revoked tokens stay revoked."""
    ensure_may_manage(actor, user)
    with transaction.atomic():
        was = user.is_active
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.record(actor, "user_reactivate", target=user, **_audit_place(user, actor),
                     changes={"is_active": [was, True]})
    return user


def user_update(*, actor: Any, user: User, display_name: str | None = None, is_active: bool | None = None) -> tuple[User, bool]:
    """Change an account's display name and/or whether it is active; returns (user, changed).
    Disabling goes through `user_deactivate` (sessions and tokens end), enabling through
    `user_reactivate`."""
    ensure_may_manage(actor, user)
    name = clean_display_name(display_name) if display_name is not None else user.display_name
    if is_active is False and _is_self(actor, user):
        raise DomainError(MSG_NOT_YOURSELF_DEACTIVATE)
    changed = False
    with transaction.atomic():
        if name != user.display_name:
            before = user.display_name
            user.display_name = name
            user.save(update_fields=["display_name"])
            audit.record(actor, "user_update", target=user, **_audit_place(user, actor),
                         changes={"display_name": [before, name]})
            changed = True
        if is_active is not None and is_active != user.is_active:
            (user_reactivate if is_active else user_deactivate)(actor=actor, user=user)
            changed = True
    return user, changed


def user_set_password(*, actor: Any, user: User, new_password: str, old_password: str | None = None) -> User:
    """Set a password: the user changing its own (the current password required), or an officer
    resetting someone else's (no old password; the account's sessions end, so whoever had it
    signed in must sign in with the new one). The audit row says which, never the password."""
    own = _is_self(actor, user)
    if own:
        if not old_password or not user.check_password(old_password):
            raise DomainError(MSG_OLD_PASSWORD_WRONG, field_errors={"old_password": [MSG_OLD_PASSWORD_WRONG]})
    else:
        ensure_may_manage(actor, user)
    check_password(new_password, user, field="new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        sessions = 0 if own else _end_sessions(user)
        audit.record(actor, "user_set_password", target=user, **_audit_place(user, actor),
                     changes={"password": [None, "changed" if own else "reset"], "sessions_ended": [0, sessions]})
    return user


# ---------------------------------------------------------------- API tokens


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str, grant: RoleGrant | None = None) -> tuple[ApiToken, str]:
    """Issue a bearer token; returns (token row, the raw key shown once). Only the hash is kept.
    The token is bound to one of the user's own grants in force (security.md rule 11)."""
    name = normalize(name)
    if not name:
        raise DomainError(MSG_TOKEN_NAME_REQUIRED, field_errors={"name": [MSG_TOKEN_NAME_REQUIRED]})
    if not user.is_active:
        raise DomainError(MSG_TOKEN_INACTIVE_USER)
    if grant is not None and (grant.user_id != user.pk or grant.state != RoleGrant.State.ACTIVE):
        raise DomainError(MSG_TOKEN_GRANT, field_errors={"grant": [MSG_TOKEN_GRANT]})
    raw = "ty_" + secrets.token_urlsafe(32)  # 256 bits
    token = ApiToken.objects.create(
        user=user, name=name[:100], key_hash=hash_token(raw), key_prefix=raw[:8], grant=grant,
        expires_at=timezone.now() + security_rules.api_token_lifetime(),
    )
    place = _place(grant) if grant is not None else {}
    audit.record(actor, "api_token_create", target=user, **place, changes={"token": [None, token.key_prefix]})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor, "api_token_revoke", target=token.user, changes={"token": [token.key_prefix, None]})

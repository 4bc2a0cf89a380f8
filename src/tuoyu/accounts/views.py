"""Sign in and out; officers managing accounts and grants; everyone's own account page.

The home page is per role and reads registry figures, so it lives in `stats` (above institutions
in the layers) and is routed from tuoyu/urls.py.

Account management pages name `Action.MANAGE_ACCOUNTS` (a role that may never do it gets 403)
and fetch the account through `selectors.user_get`, which answers 404 outside the officer's scope.
Whether this officer may give a grant or change this account is the services' decision; the pages
only show or hide buttons with the same functions (`may_grant`, `may_manage_user`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tuoyu.core.errors import DomainError
from tuoyu.core.permissions import Action
from tuoyu.core.roles import Role
from tuoyu.core.rules.security import api_token_lifetime, login_lockout
from tuoyu.core.viewmixins import scoped_view

from . import selectors, services
from .forms import (
    INSTITUTION_SELECT_MAX,
    GrantForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    TokenCreateForm,
    UserCreateForm,
    UserEditForm,
)
from .models import User

PAGE_SIZE = 50  # rows per list page (ui.md: dense tables with pagination)
ACTIVE_FILTERS = {"1": True, "0": False}


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link cannot sign anyone out."""


login = LoginView.as_view()
logout = LogoutView.as_view()

MSG_LOCKED = _lazy("登录失败次数过多，该账号已暂时锁定。请%(minutes)s分钟后再试，或联系管理员。")


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """What a locked-out sign-in gets (django-axes calls this): 429 with Retry-After, as JSON for
    the API and as the login page with the message for people. It names no part of the
    credentials as wrong (security.md rule 7)."""
    minutes = int(login_lockout().total_seconds() // 60)
    message = MSG_LOCKED % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"code": "locked_out", "message": str(message), "field_errors": {}}, status=429)
    else:
        form = LoginForm(request)
        response = render(request, "registration/login.html", {"form": form, "locked_message": message}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


# ---------------------------------------------------------------- the list


@scoped_view(Action.MANAGE_ACCOUNTS)
def user_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    q = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    active_key = request.GET.get("active", "")
    active = ACTIVE_FILTERS.get(active_key)
    qs = selectors.user_list(actor, q=q, role=role, active=active)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for account in page.object_list:
        account.live_grants = [g for g in account.grants.all() if g.is_live]
    return render(request, "accounts/user_list.html", {
        "page_obj": page, "users": page.object_list, "total": page.paginator.count,
        "q": q, "role": role, "active": active_key if active is not None else "",
        "roles": Role.choices, "filtered": bool(q or role or active is not None),
        "can_create": bool(services.grantable_roles(actor)),
    })


# ---------------------------------------------------------------- one account


@scoped_view(Action.MANAGE_ACCOUNTS)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    user = selectors.user_get(actor, pk)
    is_self = actor.pk == user.pk
    grants = []
    for g in user.grants.all():
        may_end = g.is_live and not is_self and services.may_grant(actor, role=g.role, region=g.region, institution=g.institution)
        grants.append({"obj": g, "may_revoke": may_end})
    return render(request, "accounts/user_detail.html", {
        "account": user, "grants": grants, "is_self": is_self,
        "may_manage": not is_self and services.may_manage_user(actor, user),
        "may_grant": not is_self and user.is_active and bool(services.grantable_roles(actor)),
        "sign_ins": selectors.recent_sign_ins(user),
    })


def _institution_options(actor: Any) -> list | None:
    """(id, label) of the institutions the officer may grant on, or None when too many to list."""
    qs = selectors.grant_institutions(actor)
    if qs.count() > INSTITUTION_SELECT_MAX:
        return None
    return [(i.pk, f"{i.name}（{i.street.name}）") for i in qs]


def _grant_form_kwargs(actor: Any) -> dict[str, Any]:
    return {
        "actor": actor,
        "roles": services.grantable_roles(actor),
        "regions": list(selectors.grant_regions(actor)),
        "institutions": _institution_options(actor),
        "institution_lookup": lambda ref: selectors.grant_institution_by_ref(actor, ref),
    }


@scoped_view(Action.MANAGE_ACCOUNTS)
def user_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    kwargs = _grant_form_kwargs(actor)
    form = UserCreateForm(request.POST if request.method == "POST" else None, **kwargs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.user_create(
                    actor=actor, username=data["username"], display_name=data["display_name"],
                    password=data["new_password"], grant=form.grant_data(),
                )
            except DomainError as exc:
                form.put_errors(exc.field_errors, exc.message)
                status = exc.status
            else:
                messages.success(request, _("已创建账号“%(username)s”。请把账号和初始密码当面或通过单位渠道告知本人。")
                                 % {"username": user.username})
                return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "errors": form.summary()}, status=status)


@scoped_view(Action.MANAGE_ACCOUNTS)
def grant_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    user = selectors.user_get(actor, pk)
    form = GrantForm(request.POST if request.method == "POST" else None, **_grant_form_kwargs(actor))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.grant_data()
            try:
                services.role_grant(actor=actor, user=user, role=data.role, region=data.region,
                                    institution=data.institution, valid_from=data.valid_from, valid_until=data.valid_until)
            except DomainError as exc:
                form.put_errors(exc.field_errors, exc.message)
                status = exc.status
            else:
                messages.success(request, _("已授予“%(role)s”。") % {"role": Role(data.role).label})
                return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/grant_form.html", {"account": user, "form": form, "errors": form.summary()},
                  status=status)


@scoped_view(Action.MANAGE_ACCOUNTS)
def grant_revoke(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    actor = request.user
    user = selectors.user_get(actor, pk)
    grant = selectors.user_grant_get(user, grant_pk)
    if request.method == "POST":
        try:
            services.role_revoke(actor=actor, grant=grant)
        except DomainError as exc:
            return render(request, "accounts/grant_revoke.html", {"account": user, "grant": grant, "error": exc.message},
                          status=exc.status)
        messages.success(request, _("已撤销“%(role)s”授权；记录保留在授权历史中。") % {"role": grant.get_role_display()})
        return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/grant_revoke.html", {"account": user, "grant": grant})


@scoped_view(Action.MANAGE_ACCOUNTS)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    user = selectors.user_get(actor, pk)
    services.ensure_may_manage(actor, user)
    form = UserEditForm(request.POST if request.method == "POST" else None, initial={"display_name": user.display_name})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                _user, changed = services.user_update(actor=actor, user=user, display_name=form.cleaned_data["display_name"])
            except DomainError as exc:
                form.put_errors(exc.field_errors, exc.message)
                status = exc.status
            else:
                messages.success(request, _("已保存修改。") if changed else _("没有需要保存的修改。"))
                return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_edit.html", {"account": user, "form": form, "errors": form.summary()},
                  status=status)


@scoped_view(Action.MANAGE_ACCOUNTS)
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    user = selectors.user_get(actor, pk)
    if user.pk == actor.pk:
        return redirect("accounts:me_password")
    services.ensure_may_manage(actor, user)
    form = PasswordResetForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.user_set_password(actor=actor, user=user, new_password=form.cleaned_data["new_password"])
            except DomainError as exc:
                form.put_errors(exc.field_errors, exc.message)
                status = exc.status
            else:
                messages.success(request, _("已重设“%(username)s”的密码；该账号已登录的会话已结束。") % {"username": user.username})
                return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_password.html", {"account": user, "form": form, "errors": form.summary()},
                  status=status)


def _set_active(request: HttpRequest, pk: int, *, active: bool) -> HttpResponse:
    actor = request.user
    user = selectors.user_get(actor, pk)
    template = "accounts/user_reactivate.html" if active else "accounts/user_deactivate.html"
    if not active and user.pk == actor.pk:
        return render(request, template, {"account": user, "error": services.MSG_NOT_YOURSELF_DEACTIVATE}, status=400)
    services.ensure_may_manage(actor, user)
    if request.method == "POST":
        try:
            if active:
                services.user_reactivate(actor=actor, user=user)
            else:
                services.user_deactivate(actor=actor, user=user)
        except DomainError as exc:
            return render(request, template, {"account": user, "error": exc.message}, status=exc.status)
        messages.success(request, (_("已启用账号“%(username)s”。") if active
                                   else _("已停用账号“%(username)s”：其会话已结束，访问令牌已撤销。")) % {"username": user.username})
        return redirect("accounts:user_detail", pk=user.pk)
    return render(request, template, {"account": user, "live_tokens": user.live_tokens})


@scoped_view(Action.MANAGE_ACCOUNTS)
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=False)


@scoped_view(Action.MANAGE_ACCOUNTS)
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=True)


# ---------------------------------------------------------------- my account (everyone)


def _token_form(user: User, data: Any = None) -> TokenCreateForm:
    return TokenCreateForm(data, grants=list(user.active_grants))


def _me_context(user: User) -> dict[str, Any]:
    return {
        "grants": list(selectors.own_grants(user)),
        "tokens": list(selectors.own_tokens(user)),
        "token_days": api_token_lifetime().days,
    }


@scoped_view()
def me(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "accounts/me.html", {**_me_context(user), "token_form": _token_form(user)})


@scoped_view()
def me_password(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.user_set_password(actor=user, user=user, new_password=data["new_password"],
                                           old_password=data["old_password"])
            except DomainError as exc:
                form.put_errors(exc.field_errors, exc.message)
                status = exc.status
            else:
                update_session_auth_hash(request, user)  # this session stays; others end
                messages.success(request, _("密码已修改。其他设备上的登录已失效。"))
                return redirect("accounts:me")
    return render(request, "accounts/me_password.html", {"form": form, "errors": form.summary()}, status=status)


@scoped_view()
def token_create(request: HttpRequest) -> HttpResponse:
    """The raw token is shown once, on the page answering the POST; only its hash is kept, and it
    is never put in the session or a redirect."""
    user = request.user
    form = _token_form(user, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                token, raw = services.api_token_create(actor=user, user=user, name=form.cleaned_data["name"],
                                                       grant=form.chosen_grant())
            except DomainError as exc:
                form.put_errors(exc.field_errors, exc.message)
                status = exc.status
            else:
                return render(request, "accounts/token_created.html", {"token": token, "raw": raw})
    return render(request, "accounts/token_form.html", {"form": form, "errors": form.summary()}, status=status)


@scoped_view()
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    token = selectors.own_token_get(user, pk)
    if request.method == "POST":
        if token.revoked_at is None:
            services.api_token_revoke(actor=user, token=token)
        messages.success(request, _("已撤销令牌“%(name)s”。") % {"name": token.name})
        return redirect("accounts:me")
    return render(request, "accounts/token_revoke.html", {"token": token})

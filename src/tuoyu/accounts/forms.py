"""Account forms. The sign-in form: Chinese labels, the browser's own autofill hints, and one
message for any wrong combination (security.md rule 7: it never says which part was wrong).

The management forms only parse what was typed; every rule (username format, password strength,
which grants the officer may give) is the services', whose `DomainError.field_errors` are put back
beside the fields (`put_errors`), so the page, the API and the command line say the same thing."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from tuoyu.core.errors import DomainError
from tuoyu.core.roles import ROLE_SCOPE_KIND, Role

from . import services
from .services import DISPLAY_NAME_MAX, PASSWORD_MAX, GrantData

MSG_INVALID_LOGIN = _("账号或密码不正确。请检查后重试（区分大小写）。")
MSG_INACTIVE = _("该账号已停用，请联系管理员。")
MSG_PASSWORDS_DIFFER = _("两次输入的密码不一致。")
MSG_DATE = _("请输入日期，如 2026-03-01。")
MSG_CHOOSE = _("请选择")
MSG_REQUIRED_CHOICE = _("请选择%(label)s。")
MSG_REQUIRED_TEXT = _("请填写%(label)s。")
MSG_NEW_PASSWORD_REQUIRED = _("请输入新密码。")
MSG_PASSWORD_AGAIN = _("请再输入一次密码，两次须一致。")
MSG_INSTITUTION_NOT_FOUND = _("没有找到这家机构，或它不在您的管辖范围内。")
# Above this many institutions in the officer's scope the form asks for a credit code or number
# instead of a select: a city's 1,600 options make a page too heavy for a phone.
INSTITUTION_SELECT_MAX = 300


class LoginForm(AuthenticationForm):
    error_messages = {"invalid_login": MSG_INVALID_LOGIN, "inactive": MSG_INACTIVE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("账号")
        self.fields["username"].widget.attrs.update(
            {"class": "form-control form-control-lg", "autocomplete": "username", "autocapitalize": "none"}
        )
        self.fields["username"].error_messages["required"] = _("请输入账号。")
        self.fields["password"].label = _("密码")
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"class": "form-control form-control-lg", "autocomplete": "current-password"}
        )
        self.fields["password"].error_messages["required"] = _("请输入密码。")


class ServiceErrorsMixin:
    """Put a service's field errors beside the fields; unknown fields go to the top."""

    field_aliases: dict[str, str] = {}

    def put_errors(self, field_errors: dict[str, list[str]], message: Any = "") -> None:
        placed = False
        for name, msgs in field_errors.items():
            name = self.field_aliases.get(name, name)
            for msg in msgs:
                if name in self.fields and (not self.errors.get(name) or msg not in self.errors[name]):  # type: ignore[attr-defined]
                    self.add_error(name, msg)  # type: ignore[attr-defined]
                    placed = True
        if not placed and message:
            self.add_error(None, str(message))  # type: ignore[attr-defined]

    def summary(self) -> list[tuple[str, str, str]]:
        """(anchor, label, message) for the error summary at the top of the page."""
        rows = []
        for name, errors in self.errors.items():  # type: ignore[attr-defined]
            field = self.fields.get(name)  # type: ignore[attr-defined]
            for error in errors:
                if field is None:
                    rows.append(("", "", error))
                else:
                    rows.append((self[name].auto_id, str(field.label), error))  # type: ignore[index]
        return rows


def _style(form: forms.Form) -> None:
    """Bootstrap classes, and "required" messages that repeat the question (ui.md: "请填写姓名",
    not "这个字段是必填项")."""
    default = str(forms.Field.default_error_messages["required"])
    for field in form.fields.values():
        widget = field.widget
        generic = str(field.error_messages.get("required", "")) == default
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
            if generic:
                field.error_messages["required"] = MSG_REQUIRED_CHOICE % {"label": field.label}
        elif not isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-control")
            if generic:
                field.error_messages["required"] = MSG_REQUIRED_TEXT % {"label": field.label}


def _password_field(label: Any, required: Any, autocomplete: str = "new-password", help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, max_length=PASSWORD_MAX, strip=False, help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}), error_messages={"required": required},
    )


class NewPasswordMixin:
    """Two password fields that must agree; the strength check is the service's."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        one, two = data.get("new_password"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", MSG_PASSWORDS_DIFFER)  # type: ignore[attr-defined]
        return data


PASSWORD_HINT = _("至少10位；不要用常见密码、纯数字或与账号、姓名相近的密码。")


class GrantForm(ServiceErrorsMixin, forms.Form):
    """A role on a region or an institution, with its dates. `roles` are the roles the officer may
    give, `regions` the regions of its scope; `institutions` the institutions of its scope as
    (id, label) pairs — or None when there are too many to list, and the officer types a credit
    code or number instead."""

    role = forms.ChoiceField(label=_("角色"))
    region = forms.TypedChoiceField(label=_("区域"), required=False, coerce=int, empty_value=None,
                                    help_text=_("市级、区县、街道管理员和培训讲师：选择区域。"))
    institution = forms.CharField(label=_("机构"), required=False, max_length=40)
    valid_from = forms.DateField(label=_("生效日期"), required=False, error_messages={"invalid": MSG_DATE},
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 help_text=_("留空为今天。"))
    valid_until = forms.DateField(label=_("失效日期"), required=False, error_messages={"invalid": MSG_DATE},
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  help_text=_("含当天；留空为长期有效。如评估专家只在评估期间有效。"))

    def __init__(self, *args: Any, actor: Any, roles: list[str], regions: list, institutions: list | None,
                 institution_lookup: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.institution_lookup = institution_lookup
        self._institution: Any = None
        self.fields["role"].choices = [("", MSG_CHOOSE)] + [(r, Role(r).label) for r in roles]
        self.fields["role"].widget.attrs["data-scope-kinds"] = json.dumps(
            {r: str(ROLE_SCOPE_KIND[r]) for r in roles}, separators=(",", ":"))
        self.fields["region"].choices = [("", MSG_CHOOSE)] + _region_choices(regions)
        self._region_objects = {r.pk: r for r in regions}
        if institutions is not None:
            self.fields["institution"] = forms.TypedChoiceField(
                label=_("机构"), required=False, coerce=int, empty_value=None,
                choices=[("", MSG_CHOOSE)] + list(institutions),
                help_text=_("机构负责人、工作人员、健康管理员、评估专家：选择机构。"),
            )
        else:
            self.fields["institution"].help_text = _("机构类角色：填写机构的统一社会信用代码或机构编号（见机构页面）。")
            self.fields["institution"].widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false"})
        self.fields["region"].widget.attrs["data-scope-field"] = "region"
        self.fields["institution"].widget.attrs["data-scope-field"] = "institution"
        _style(self)

    def grant_data(self) -> GrantData:
        data = self.cleaned_data
        return GrantData(role=data["role"], region=self._region_objects.get(data.get("region")),
                         institution=self._institution, valid_from=data.get("valid_from"),
                         valid_until=data.get("valid_until"))

    def clean(self) -> dict[str, Any]:
        """The grant's own rules (kind and level of scope, dates) checked with the other fields,
        so every error shows on the first try; the officer's reach is checked on saving."""
        data = super().clean()
        if data.get("role") and not any(f in self.errors for f in ("region", "institution", "valid_from", "valid_until")):
            try:
                services.check_grant_shape(self.actor, self.grant_data())
            except DomainError as exc:
                self.put_errors(exc.field_errors, exc.message)
        return data

    def clean_institution(self) -> Any:
        """The institution itself, looked up inside the officer's scope (one answer for "no such
        institution" and "not yours")."""
        value = self.cleaned_data.get("institution")
        self._institution = None
        if value in (None, ""):
            return None
        self._institution = self.institution_lookup(value) if self.institution_lookup is not None else None
        if self._institution is None:
            raise forms.ValidationError(MSG_INSTITUTION_NOT_FOUND)
        return value


def _region_choices(regions: list) -> list:
    """Regions grouped under their district, a city first: "锦华区 / 鹤鸣街道"."""
    out = []
    for r in regions:
        parent = getattr(r, "parent", None)
        label = r.name if r.level in ("city", "district") or parent is None else f"{parent.name} / {r.name}"
        out.append((r.pk, label))
    return out


class UserCreateForm(GrantForm):
    """A new account and its first grant, on one page."""

    username = forms.CharField(
        label=_("账号"), max_length=30,
        help_text=_("登录用：以英文字母开头，3至30位小写字母、数字、点、下划线或连字符，如 wang.fang。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    display_name = forms.CharField(label=_("姓名"), max_length=DISPLAY_NAME_MAX,
                                   help_text=_("显示在页面和审计记录中，如“王芳（街道办）”。"))
    new_password = _password_field(_("初始密码"), MSG_NEW_PASSWORD_REQUIRED, help_text=PASSWORD_HINT)
    new_password2 = _password_field(_("再输入一次初始密码"), MSG_PASSWORD_AGAIN)

    field_order = ["username", "display_name", "new_password", "new_password2",
                   "role", "region", "institution", "valid_from", "valid_until"]
    field_aliases = {"password": "new_password"}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        one, two = data.get("new_password"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", MSG_PASSWORDS_DIFFER)
        return data


class UserEditForm(ServiceErrorsMixin, forms.Form):
    display_name = forms.CharField(label=_("姓名"), max_length=DISPLAY_NAME_MAX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class PasswordResetForm(NewPasswordMixin, ServiceErrorsMixin, forms.Form):
    """An officer sets a new password for someone else's account."""

    new_password = _password_field(_("新密码"), MSG_NEW_PASSWORD_REQUIRED, help_text=PASSWORD_HINT)
    new_password2 = _password_field(_("再输入一次新密码"), MSG_PASSWORD_AGAIN)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class PasswordChangeForm(NewPasswordMixin, ServiceErrorsMixin, forms.Form):
    """The user changes its own password: the current one first."""

    old_password = _password_field(_("当前密码"), _("请输入当前密码。"), autocomplete="current-password")
    new_password = _password_field(_("新密码"), MSG_NEW_PASSWORD_REQUIRED, help_text=PASSWORD_HINT)
    new_password2 = _password_field(_("再输入一次新密码"), MSG_PASSWORD_AGAIN)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class TokenCreateForm(ServiceErrorsMixin, forms.Form):
    """A new API token: what it is for, and which of one's grants it is limited to."""

    name = forms.CharField(label=_("用途"), max_length=100, help_text=_("如“区级统计脚本”，便于日后辨认和撤销。"))
    grant = forms.TypedChoiceField(label=_("限定角色"), coerce=int, empty_value=None,
                                   help_text=_("令牌只能做这一角色在其范围内能做的事。"))

    def __init__(self, *args: Any, grants: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grant"].choices = [(g.pk, f"{g.get_role_display()} · {g.scope_label}".rstrip(" ·")) for g in grants]
        # With one grant there is nothing to choose (as the API's token request).
        self.fields["grant"].required = len(grants) != 1
        self._grants = {g.pk: g for g in grants}
        _style(self)

    def chosen_grant(self) -> Any:
        chosen = self.cleaned_data.get("grant")
        if chosen is None and len(self._grants) == 1:
            return next(iter(self._grants.values()))
        return self._grants.get(chosen)

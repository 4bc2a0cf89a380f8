"""Sign-in form: Chinese labels, the browser's own autofill hints, and one message for any wrong
combination (security.md rule 7: it never says which part was wrong)."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

MSG_INVALID_LOGIN = _("账号或密码不正确。请检查后重试（区分大小写）。")
MSG_INACTIVE = _("该账号已停用，请联系管理员。")


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

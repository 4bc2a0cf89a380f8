"""The audit trail of one's own scope (issue #2 item 7): who did what, when, and what changed.
Rows come only through `AuditEntry.objects.restrict(user, Action.VIEW_AUDIT)`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from ..models import AuditEntry
from ..permissions import Action
from ..roles import Role
from ..viewmixins import scoped_view

PAGE_SIZE = 50

# Plain words for the action codes services write; an unknown code is shown as it is.
ACTION_LABELS = {
    "login": _("登录"),
    "logout": _("退出登录"),
    "login_failed": _("登录失败"),
    "institution_create": _("登记机构"),
    "institution_update": _("修改机构"),
    "institution_delete": _("删除机构"),
    "institution_import": _("导入机构"),
    "alliance_create": _("建立托育联盟"),
    "alliance_update": _("修改托育联盟"),
    "alliance_members_set": _("设置联盟成员"),
    "alliance_delete": _("删除托育联盟"),
    "user_create": _("创建账号"),
    "role_grant": _("授予角色"),
    "api_token_create": _("创建API令牌"),
    "api_token_revoke": _("撤销API令牌"),
    "export": _("导出数据"),
    "role_revoke": _("撤销角色"),
    "user_update": _("修改账号"),
    "user_deactivate": _("停用账号"),
    "user_reactivate": _("恢复账号"),
    "user_set_password": _("设置密码"),
    "region_create": _("新增区划"),
    "region_update": _("修改区划"),
    "region_deactivate": _("停用区划"),
    "regions_load": _("导入区划"),
    "regions_export": _("导出区划"),
    "population_create": _("新增人口数据"),
    "population_update": _("修改人口数据"),
    "populations_load": _("导入人口数据"),
    "population_load": _("导入人口数据"),
    "populations_export": _("导出人口数据"),
    "population_export": _("导出人口数据"),
    "institutions_load": _("导入机构名单"),
    "institutions_export": _("导出机构名单"),
    "import_job_create": _("提交导入任务"),
    "import_job_retry": _("重试导入任务"),
}
DENIED_PREFIX = "denied:"
# Keys of `changes` that are not model field names.
CHANGE_KEY_FIELDS = {"street": "street", "lead_institution_id": "lead_institution"}
CHANGE_KEY_LABELS = {"classes": _("班级"), "offerings": _("服务类型与收费"), "scope": _("范围"), "role": _("角色"),
                     "token": _("令牌"), "username": _("账号"), "members": _("成员"), "name": _("名称"),
                     "valid_until": _("失效日期"), "period": _("期间"), "sessions_ended": _("结束的会话"),
                     "tokens_revoked": _("撤销的令牌"), "password": _("密码")}


def action_label(code: str) -> str:
    if code.startswith(DENIED_PREFIX):
        inner = code[len(DENIED_PREFIX):]
        label = Action(inner).label if inner in Action.values else ACTION_LABELS.get(inner, inner)
        return str(_("被拒绝：%(what)s") % {"what": label})
    return str(ACTION_LABELS.get(code, code))


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("动作"), required=False)
    target_type = forms.ChoiceField(label=_("对象类型"), required=False)
    result = forms.ChoiceField(label=_("结果"), required=False,
                               choices=[("", _("全部"))] + list(AuditEntry.Result.choices))
    date_from = forms.DateField(label=_("从"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": _("请输入日期，如 2026-03-01。")})
    date_to = forms.DateField(label=_("到"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"invalid": _("请输入日期，如 2026-03-01。")})
    q = forms.CharField(label=_("操作人或对象"), required=False, max_length=100)

    def __init__(self, *args: Any, actions: list[str], target_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("全部"))] + [(a, action_label(a)) for a in actions]
        self.fields["target_type"].choices = [("", _("全部"))] + [(t, _type_label(t)) for t in target_types]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"


def role_labels(codes: str) -> str:
    return "、".join(str(Role(c).label) if c in Role.values else c for c in codes.split(",") if c)


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _type_label(label: str) -> str:
    model = _model(label)
    return str(model._meta.verbose_name) if model is not None else label


def _readable(model: Any, key: str, value: Any) -> Any:
    """A stored value in plain words: choice labels for choice fields, "—" for empty."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    if model is not None:
        try:
            field = model._meta.get_field(CHANGE_KEY_FIELDS.get(key, key))
        except FieldDoesNotExist:
            return value
        if getattr(field, "choices", None):  # reverse relations (classes, offerings) have none
            return dict(field.flatchoices).get(value, value)
    return value


def readable_changes(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """[(field label, before, after)] from the stored {field: [before, after]}."""
    model = _model(entry.target_type) if entry.target_type else None
    rows = []
    for key, change in (entry.changes or {}).items():
        label: Any = CHANGE_KEY_LABELS.get(key, key)
        if model is not None:
            try:
                field = model._meta.get_field(CHANGE_KEY_FIELDS.get(key, key))
                label = getattr(field, "verbose_name", None) or label
            except FieldDoesNotExist:
                pass
        if isinstance(change, list) and len(change) == 2:
            before, after = change
        else:
            before, after = None, change
        rows.append((str(label), _readable(model, key, before), _readable(model, key, after)))
    return rows


@scoped_view(Action.VIEW_AUDIT)
def audit_list(request):
    base = AuditEntry.objects.restrict(request.user, Action.VIEW_AUDIT)
    actions = sorted(set(base.order_by().values_list("action", flat=True).distinct()))
    target_types = sorted(t for t in set(base.order_by().values_list("target_type", flat=True).distinct()) if t)
    form = AuditFilterForm(request.GET or None, actions=actions, target_types=target_types)
    qs = base
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        if d["action"]:
            qs = qs.filter(action=d["action"])
        if d["target_type"]:
            qs = qs.filter(target_type=d["target_type"])
        if d["result"]:
            qs = qs.filter(result=d["result"])
        if d["date_from"]:
            qs = qs.filter(at__date__gte=d["date_from"])
        if d["date_to"]:
            qs = qs.filter(at__date__lte=d["date_to"])
        if d["q"]:
            qs = qs.filter(Q(actor_name__icontains=d["q"]) | Q(target_repr__icontains=d["q"]))
    page = Paginator(qs.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [
        {"entry": e, "action": action_label(e.action), "type": _type_label(e.target_type) if e.target_type else "",
         "roles": role_labels(e.actor_roles), "changes": readable_changes(e)}
        for e in page.object_list
    ]
    return render(request, "core/audit_list.html", {
        "form": form, "page_obj": page, "entries": entries, "total": page.paginator.count,
        "filtered": bool(form.is_bound and any(v for k, v in request.GET.items() if k != "page")),
    })


urlpatterns = [path("audit/", audit_list, name="audit")]

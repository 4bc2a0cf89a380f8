"""Alliance forms: they parse what a person typed and nothing more. The rules (a unique name, a
region in scope, members visible and inside the region) are the service's; its
`DomainError.field_errors` come back here and are put beside the fields they name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tuoyu.core.apipagination import MAX_ID
from tuoyu.core.divisions import Level

from ..models import Alliance
from ..services.alliances import MAX_DESCRIPTION_LENGTH

MSG_MEMBER_INVALID = _("请选择有效的机构。")


def region_choices(regions: Iterable[Any]) -> list:
    """The city first, then one group per district: the district itself and its streets."""
    out: list = []
    groups: dict[str, list] = {}
    names: dict[str, str] = {}
    for r in regions:
        if r.level == Level.CITY:
            out.append((r.code, _("%(name)s（全市）") % {"name": r.name}))
        elif r.level == Level.DISTRICT:
            names[r.code[:6]] = r.name
            groups.setdefault(r.code[:6], []).insert(0, (r.code, _("%(name)s（全区）") % {"name": r.name}))
        elif r.level == Level.STREET:
            groups.setdefault(r.code[:6], []).append((r.code, r.name))
            if r.code[:6] not in names and r.parent_id:
                names[r.code[:6]] = r.parent.name
    for key, options in groups.items():
        out.append((names.get(key, key), options))
    return out


class AllianceForm(forms.Form):
    name = forms.CharField(label=Alliance._meta.get_field("name").verbose_name,
                           max_length=Alliance._meta.get_field("name").max_length,
                           help_text=_("如：锦江区托育服务联盟。全市唯一。"))
    region_code = forms.ChoiceField(label=Alliance._meta.get_field("region").verbose_name,
                                    help_text=_("联盟由哪一级组织；成员机构须在该区域内。"))
    description = forms.CharField(
        label=Alliance._meta.get_field("description").verbose_name, required=False,
        max_length=MAX_DESCRIPTION_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("牵头单位、合作内容等，最多%(n)s字。") % {"n": MAX_DESCRIPTION_LENGTH},
    )

    def __init__(self, *args: Any, regions: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [("", _("请选择"))] + region_choices(regions)
        self.fields["name"].error_messages["required"] = _("请填写联盟名称。")
        self.fields["region_code"].error_messages["required"] = _("请选择所在区域。")
        self.fields["region_code"].error_messages["invalid_choice"] = _("请从列表中选择您负责的区域。")
        self.general_errors: list[str] = []
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select) else "form-control")
            if field.help_text:
                field.widget.attrs.setdefault("aria-describedby", f"id_{self.add_prefix(name)}_hint")

    def put_errors(self, field_errors: dict[str, list[str]], message: str = "") -> None:
        """The service's errors beside their fields; anything else on top of the form."""
        placed = False
        for key, messages in field_errors.items():
            name = key if key in self.fields else None
            for m in messages:
                if name and m not in self.errors.get(name, []):
                    self.add_error(name, m)
                    placed = True
                elif not name:
                    self.general_errors.append(m)
        if not placed and not self.general_errors and message:
            self.general_errors.append(str(message))

    def summary(self) -> list[tuple[str, str, str]]:
        """[(anchor id, label, message)] for includes/error_summary.html."""
        out = [("", "", str(m)) for m in self.general_errors]
        out += [("", "", str(m)) for m in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            bf = self[name]
            out += [(bf.auto_id, "" if str(bf.label) in str(m) else str(bf.label), str(m)) for m in errors]
        return out


class MemberIdsField(forms.Field):
    """A list of institution ids from checkboxes of one name; duplicates collapse."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": MSG_MEMBER_INVALID}

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            ids = {int(v) for v in value}
        except (TypeError, ValueError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if any(i < 1 or i > MAX_ID for i in ids):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return sorted(ids)


class AllianceMembersForm(forms.Form):
    """`members`: the current members left ticked; `add`: the institutions ticked to join."""

    members = MemberIdsField(required=False)
    add = MemberIdsField(required=False)

    def member_ids(self) -> list[int]:
        return sorted(set(self.cleaned_data.get("members") or []) | set(self.cleaned_data.get("add") or []))

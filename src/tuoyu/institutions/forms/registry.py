"""Registry forms: they parse what a person typed into `InstitutionData` and nothing more. Every
rule (credit code check character, class size limits, coordinates in China, the street in scope)
is the service's; its `DomainError.field_errors` come back here and are put beside the fields
they name (`put_errors`), so the page and the API and the sheet importer say the same thing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import MISSING
from dataclasses import fields as dataclass_fields
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.core.divisions import Level

from ..choices import (
    DEFAULT_PRICE_UNIT,
    ClassType,
    DemonstrationLevel,
    Ownership,
    PriceUnit,
    RegistrationType,
    ServiceModel,
    ServiceType,
    Status,
)
from ..models import CareClass, Institution, ServiceOffering
from ..services import ClassData, InstitutionData, OfferingData

MSG_CHOOSE = _("请选择")
MSG_CLASS_TYPE_REQUIRED = _("请选择班型。")
MSG_CAPACITY_REQUIRED = _("请填写计划托位数。")
MSG_NUMBER = _("请输入数字，如 12.5。")
MSG_WHOLE = _("请输入整数。")
MSG_NOT_NEGATIVE = _("不能为负数。")
MSG_REQUIRED_CHOICE = _("请选择%(label)s。")
MSG_REQUIRED_TEXT = _("请填写%(label)s。")


def _label(model: Any, name: str) -> Any:
    return model._meta.get_field(name).verbose_name


def _choices(choices: Iterable, blank: bool = True) -> list:
    return ([("", MSG_CHOOSE)] if blank else []) + list(choices)


def _decimal(model: Any, name: str, max_digits: int, places: int, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=_label(model, name), required=False, max_digits=max_digits, decimal_places=places,
        error_messages={"invalid": MSG_NUMBER}, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **kwargs,
    )


class InstitutionForm(forms.Form):
    """The institution's own fields. `street_choices` are the streets in the user's scope grouped
    by district; `lead_choices` the demonstration institutions it may be linked to (1+N);
    `readonly` the officers' fields a director sees but cannot change."""

    name = forms.CharField(label=_label(Institution, "name"), max_length=100)
    credit_code = forms.CharField(
        label=_label(Institution, "credit_code"), required=False, max_length=40,
        help_text=_("18位，字母大写；可留空（筹备中的机构）。"),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    registration_type = forms.ChoiceField(label=_label(Institution, "registration_type"), choices=_choices(RegistrationType.choices))
    service_model = forms.ChoiceField(label=_label(Institution, "service_model"), choices=_choices(ServiceModel.choices))
    ownership = forms.ChoiceField(label=_label(Institution, "ownership"), choices=_choices(Ownership.choices))
    status = forms.ChoiceField(label=_label(Institution, "status"), choices=Status.choices, initial=Status.PREPARING)
    street_code = forms.CharField(
        label=_label(Institution, "street"), widget=forms.Select,
    )
    address = forms.CharField(label=_label(Institution, "address"), max_length=200)
    latitude = _decimal(Institution, "latitude", 9, 6, help_text=_("十进制度数，如 30.657；可留空。"))
    longitude = _decimal(Institution, "longitude", 9, 6, help_text=_("十进制度数，如 104.081；可留空。"))
    building_area_m2 = _decimal(Institution, "building_area_m2", 9, 1)
    outdoor_area_m2 = _decimal(Institution, "outdoor_area_m2", 9, 1)
    opens_at = forms.TimeField(label=_label(Institution, "opens_at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    closes_at = forms.TimeField(label=_label(Institution, "closes_at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    open_days = forms.CharField(label=_label(Institution, "open_days"), required=False, max_length=50, help_text=_("如：周一至周五"))
    contact_phone = forms.CharField(
        label=_label(Institution, "contact_phone"), required=False, max_length=20,
        help_text=_("手机号或带区号的固定电话"), widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    puhui = forms.BooleanField(label=_("普惠性托育机构"), required=False)
    puhui_price = _decimal(Institution, "puhui_price", 8, 2)
    demonstration_level = forms.ChoiceField(
        label=_label(Institution, "demonstration_level"), choices=DemonstrationLevel.choices, initial=DemonstrationLevel.NONE,
    )
    filing_number = forms.CharField(label=_label(Institution, "filing_number"), required=False, max_length=50)
    filed_on = forms.DateField(
        label=_label(Institution, "filed_on"), required=False, error_messages={"invalid": _("请输入日期，如 2026-03-01。")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    lead_institution_id = forms.TypedChoiceField(
        label=_label(Institution, "lead_institution"), required=False, coerce=int, empty_value=None,
        help_text=_("社区点位或家庭托育点由哪家示范机构牵头（1+N）。"),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, street_choices: list | None = None, lead_choices: list | None = None,
        readonly: Iterable[str] = (), **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["street_code"].widget.choices = _choices(street_choices or [])
        self.fields["lead_institution_id"].choices = [("", _("无"))] + list(lead_choices or [])
        for name in readonly:
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("由主管部门填写，机构不能修改。")
        for name, field in self.fields.items():
            widget = field.widget
            if field.required:
                # "请选择登记类型。" rather than Django's generic "这个字段是必填项。" (GOV.UK pattern)
                template = MSG_REQUIRED_CHOICE if isinstance(widget, forms.Select) else MSG_REQUIRED_TEXT
                field.error_messages["required"] = template % {"label": field.label}
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")
            if field.help_text and not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("aria-describedby", f"id_{self.add_prefix(name)}_hint")

    def clean_credit_code(self) -> str:
        return self.cleaned_data["credit_code"].strip()


class CareClassForm(forms.Form):
    """One class row; a row left wholly blank (or ticked for removal) is not a class."""

    name = forms.CharField(label=_label(CareClass, "name"), required=False, max_length=50)
    class_type = forms.ChoiceField(label=_label(CareClass, "class_type"), required=False, choices=_choices(ClassType.choices))
    planned_capacity = forms.IntegerField(
        label=_label(CareClass, "planned_capacity"), required=False, min_value=0,
        error_messages={"invalid": MSG_WHOLE, "min_value": MSG_NOT_NEGATIVE}, widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    planned_caregivers = forms.IntegerField(
        label=_label(CareClass, "planned_caregivers"), required=False, min_value=0,
        error_messages={"invalid": MSG_WHOLE, "min_value": MSG_NOT_NEGATIVE}, widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select) else "form-control")

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        if data.get("DELETE"):
            return True
        return not any(data.get(k) not in (None, "") for k in ("name", "class_type", "planned_capacity", "planned_caregivers"))

    def clean(self) -> dict:
        data = super().clean()
        if self.is_blank():
            return data
        if not data.get("class_type") and "class_type" not in self.errors:
            self.add_error("class_type", MSG_CLASS_TYPE_REQUIRED)
        if data.get("planned_capacity") is None and "planned_capacity" not in self.errors:
            self.add_error("planned_capacity", MSG_CAPACITY_REQUIRED)
        return data

    def to_data(self) -> ClassData:
        d = self.cleaned_data
        return ClassData(name=(d.get("name") or "").strip(), class_type=d.get("class_type") or "",
                         planned_capacity=d.get("planned_capacity"), planned_caregivers=d.get("planned_caregivers"))


class BaseClassFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("删除")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def used_forms(self) -> list[CareClassForm]:
        """The rows that are classes, in order: index i here is `classes.i` in the service's errors."""
        return [f for f in self.forms if not f.is_blank()]


ClassFormSet = forms.formset_factory(CareClassForm, formset=BaseClassFormSet, extra=1, can_delete=True, max_num=60)


class OfferingForm(forms.Form):
    """One row per service type: offered or not, and its price."""

    service_type = forms.ChoiceField(choices=ServiceType.choices, widget=forms.HiddenInput)
    offered = forms.BooleanField(label=_("提供"), required=False)
    price = _decimal(ServiceOffering, "price", 8, 2)
    price_unit = forms.ChoiceField(label=_label(ServiceOffering, "price_unit"), required=False, choices=PriceUnit.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offered"].widget.attrs["class"] = "form-check-input"
        self.fields["price"].widget.attrs["class"] = "form-control"
        self.fields["price_unit"].widget.attrs["class"] = "form-select"

    @property
    def type_label(self) -> str:
        value = self["service_type"].value()
        return ServiceType(value).label if value in ServiceType.values else str(value)

    def is_used(self) -> bool:
        d = getattr(self, "cleaned_data", {})
        return bool(d.get("offered") or d.get("price") is not None)

    def to_data(self) -> OfferingData:
        d = self.cleaned_data
        service_type = d.get("service_type") or ""
        return OfferingData(service_type=service_type, price=d.get("price"),
                            price_unit=d.get("price_unit") or DEFAULT_PRICE_UNIT.get(service_type, ""))


class BaseOfferingFormSet(forms.BaseFormSet):
    def used_forms(self) -> list[OfferingForm]:
        return [f for f in self.forms if f.is_used()]


OfferingFormSet = forms.formset_factory(OfferingForm, formset=BaseOfferingFormSet, extra=0, max_num=len(ServiceType.values))


def offering_initial(offerings: Iterable[OfferingData] = ()) -> list[dict]:
    """One row per service type, filled from what the institution offers."""
    by_type = {o.service_type: o for o in offerings}
    rows = []
    for st in ServiceType.values:
        o = by_type.get(st)
        rows.append({"service_type": st, "offered": o is not None, "price": o.price if o else None,
                     "price_unit": (o.price_unit if o else "") or DEFAULT_PRICE_UNIT[st]})
    return rows


def street_choices(streets: Iterable[Any]) -> list:
    """Streets grouped by district for a <select> with <optgroup>s."""
    groups: dict[str, list] = {}
    for s in streets:
        if s.level != Level.STREET:
            continue
        district = s.parent.name if s.parent_id else ""
        groups.setdefault(district, []).append((s.code, s.name if s.is_active else f"{s.name}（{_('已撤销')}）"))
    return [(district, options) for district, options in groups.items()]


def _summary_label(label: Any, message: Any) -> str:
    """The field's name before its message in the summary, unless the message already says it."""
    label, message = str(label), str(message)
    return "" if message.startswith(label.split(" ")[-1]) else label


class InstitutionForms:
    """The institution form and its two formsets, bound or not, as one unit for the views."""

    def __init__(self, data: Any = None, *, initial: dict | None = None, classes: list[dict] | None = None,
                 offerings: list[dict] | None = None, **form_kwargs: Any) -> None:
        self.form = InstitutionForm(data, initial=initial, **form_kwargs)
        # Bound formsets get no initial rows: a posted class row is a class whether or not it
        # differs from what was stored (the main form keeps its initial for read-only fields).
        bound = data is not None
        self.classes = ClassFormSet(data, initial=None if bound else classes, prefix="classes")
        self.offerings = OfferingFormSet(data, initial=None if bound else (offerings or offering_initial()),
                                         prefix="offerings")
        self.general_errors: list[str] = []

    def is_valid(self) -> bool:
        # Evaluate all three so every error shows at once.
        results = [self.form.is_valid(), self.classes.is_valid(), self.offerings.is_valid()]
        return all(results)

    def to_data(self, *, partial: bool = False) -> InstitutionData:
        """The typed data as the service takes it. `partial`: from forms that have errors, with
        the fields that failed left empty, so the service's rules can still check the rest and
        every error shows at once."""
        d = getattr(self.form, "cleaned_data", {})
        values: dict[str, Any] = {}
        for f in dataclass_fields(InstitutionData):
            if f.name in ("classes", "offerings"):
                continue
            if f.name in d:
                values[f.name] = d[f.name]
            elif not partial:
                raise KeyError(f.name)
            elif f.default is not MISSING:
                values[f.name] = f.default
            else:
                values[f.name] = ""
        for key in ("credit_code", "open_days", "contact_phone", "filing_number"):
            values[key] = values.get(key) or ""
        return InstitutionData(
            classes=[f.to_data() for f in self.classes.used_forms()],
            offerings=[f.to_data() for f in self.offerings.used_forms()],
            **values,
        )

    def put_errors(self, field_errors: dict[str, list[str]], message: str = "", *, only_new: bool = False) -> None:
        """Place the service's errors beside their fields: `classes.2.planned_capacity` on the
        third class row in use, `street_code` on the street select; anything else on top.
        `only_new`: add to fields that have no error yet, and nothing on top (a rule check of
        partial data, where a field's own error already says what is wrong)."""
        class_forms = self.classes.used_forms()
        offering_forms = self.offerings.used_forms()
        for key, messages in field_errors.items():
            target, field = self.form, key
            parts = key.split(".")
            if parts[0] in ("classes", "offerings") and len(parts) == 3 and parts[1].isdigit():
                rows = class_forms if parts[0] == "classes" else offering_forms
                idx = int(parts[1])
                target = rows[idx] if idx < len(rows) else None
                field = parts[2]
            elif key == "lead_institution":
                field = "lead_institution_id"
            elif key in ("street", "region_code"):
                field = "street_code"
            for m in messages:
                if target is not None and field in target.fields:
                    if only_new and target.errors.get(field):
                        continue
                    target.add_error(field, m)
                elif not only_new:
                    self.general_errors.append(m)
        if not field_errors and message and not only_new:
            self.general_errors.append(str(message))

    def summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, label, message) for the error summary at the top of the page."""
        out: list[tuple[str, str, str]] = [("", "", m) for m in self.general_errors]
        out += [("", "", str(m)) for m in self.form.non_field_errors()]
        for name, errors in self.form.errors.items():
            if name == "__all__":
                continue
            bf = self.form[name]
            out += [(bf.auto_id, _summary_label(bf.label, m), str(m)) for m in errors]
        for prefix_label, formset in ((_("班级"), self.classes), (_("服务类型"), self.offerings)):
            out += [("", str(prefix_label), str(m)) for m in formset.non_form_errors()]
            for i, f in enumerate(formset.forms, start=1):
                for name, errors in f.errors.items():
                    if name == "__all__":
                        out += [("", f"{prefix_label}{i}", str(m)) for m in errors]
                        continue
                    bf = f[name]
                    row = f.type_label if isinstance(f, OfferingForm) else f"{prefix_label}{i}"
                    out += [(bf.auto_id, _summary_label(f"{row} {bf.label}", m), str(m)) for m in errors]
        return out

    @property
    def has_errors(self) -> bool:
        return bool(self.summary())


def form_data_for(data: InstitutionData, *, version: int | None = None) -> dict[str, Any]:
    """The POST body these forms send for `data`: the page tests, the role matrix and anyone
    scripting the pages build requests with it, so they follow the form when it changes."""
    body: dict[str, Any] = {}
    for key, value in vars(data).items():
        if key in ("classes", "offerings"):
            continue
        if isinstance(value, bool):
            if value:
                body[key] = "on"
            continue
        body[key] = "" if value is None else str(value)
    if version is not None:
        body["version"] = str(version)
    body["classes-TOTAL_FORMS"] = str(len(data.classes))
    body["classes-INITIAL_FORMS"] = "0"
    for i, c in enumerate(data.classes):
        body[f"classes-{i}-name"] = c.name
        body[f"classes-{i}-class_type"] = c.class_type
        body[f"classes-{i}-planned_capacity"] = "" if c.planned_capacity is None else str(c.planned_capacity)
        body[f"classes-{i}-planned_caregivers"] = "" if c.planned_caregivers is None else str(c.planned_caregivers)
    offered = {o.service_type: o for o in data.offerings}
    body["offerings-TOTAL_FORMS"] = str(len(ServiceType.values))
    body["offerings-INITIAL_FORMS"] = str(len(ServiceType.values))
    for i, st in enumerate(ServiceType.values):
        body[f"offerings-{i}-service_type"] = st
        o = offered.get(st)
        if o is not None:
            body[f"offerings-{i}-offered"] = "on"
            body[f"offerings-{i}-price"] = "" if o.price is None else str(o.price)
        body[f"offerings-{i}-price_unit"] = (o.price_unit if o and o.price_unit else DEFAULT_PRICE_UNIT[st])
    return body

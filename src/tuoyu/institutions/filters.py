"""The one filter set for institution lists: the list page, the API and the Excel export all
filter with it, so a shared URL means the same rows everywhere. Values are glossary codes and
division codes (shared/design.md)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuoyu.core.divisions import DivisionCodeError, normalize_code, prefix_of

from .choices import DemonstrationLevel, Ownership, ServiceModel, Status
from .models import Institution


class InstitutionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称、地址或信用代码"), method="filter_q")
    district = django_filters.CharFilter(label=_("区县代码"), method="filter_region")
    street = django_filters.CharFilter(label=_("街道代码"), method="filter_region")
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=Status.choices)
    service_model = django_filters.MultipleChoiceFilter(label=_("服务模式"), choices=ServiceModel.choices)
    ownership = django_filters.MultipleChoiceFilter(label=_("举办性质"), choices=Ownership.choices)
    puhui = django_filters.BooleanFilter(label=_("普惠性"))
    demonstration_level = django_filters.MultipleChoiceFilter(label=_("示范等级"), choices=DemonstrationLevel.choices)

    class Meta:
        model = Institution
        fields = ["q", "district", "street", "status", "service_model", "ownership", "puhui", "demonstration_level"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value) | Q(credit_code=value.upper()))

    def filter_region(self, queryset, name, value):
        """A district or street by its division code (6, 9 or 12 digits): a prefix match."""
        try:
            code = normalize_code(value)
        except DivisionCodeError:
            return queryset.none()
        return queryset.filter(region_code__startswith=prefix_of(code))

"""The institution registry: institutions, their classes and services, 1+N links and alliances."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuoyu.core.permissions import Action
from tuoyu.core.scoping import ScopedManager, ScopedQuerySet, scope_of
from tuoyu.core.validators import validate_latitude, validate_longitude, validate_uscc

from .choices import (
    ClassType,
    DemonstrationLevel,
    Ownership,
    PriceUnit,
    RegistrationType,
    ServiceModel,
    ServiceType,
    Status,
)


class Institution(models.Model):
    """A childcare provider in the city's registry (托育机构).

    `region_code` is the code of its street (or community), kept on the row so scoping is one
    indexed prefix match; only the services that set `street` update it."""

    name = models.CharField(_("机构名称"), max_length=100)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True, validators=[validate_uscc]
    )
    registration_type = models.CharField(_("登记类型"), max_length=24, choices=RegistrationType.choices)
    service_model = models.CharField(_("服务模式"), max_length=24, choices=ServiceModel.choices)
    ownership = models.CharField(_("举办性质"), max_length=32, choices=Ownership.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PREPARING)
    street = models.ForeignKey(
        "regions.Region", verbose_name=_("所属街道/镇"), on_delete=models.PROTECT, related_name="institutions"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    address = models.CharField(_("地址"), max_length=200)
    latitude = models.DecimalField(
        _("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_latitude]
    )
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_longitude]
    )
    building_area_m2 = models.DecimalField(_("建筑面积(㎡)"), max_digits=9, decimal_places=1, null=True, blank=True)
    outdoor_area_m2 = models.DecimalField(_("户外场地面积(㎡)"), max_digits=9, decimal_places=1, null=True, blank=True)
    opens_at = models.TimeField(_("开园时间"), null=True, blank=True)
    closes_at = models.TimeField(_("离园时间"), null=True, blank=True)
    open_days = models.CharField(_("服务日"), max_length=50, blank=True, help_text=_("如：周一至周五"))
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    puhui = models.BooleanField(_("普惠性"), default=False)
    puhui_price = models.DecimalField(
        _("普惠核定价格(元/月)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    demonstration_level = models.CharField(
        _("示范等级"), max_length=12, choices=DemonstrationLevel.choices, default=DemonstrationLevel.NONE
    )
    filing_number = models.CharField(_("备案编号"), max_length=50, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    # 1+N: a demonstration institution leads community and home-based points.
    lead_institution = models.ForeignKey(
        "self", verbose_name=_("牵头示范机构（1+N）"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="led_points",
    )
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock for edits
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager()
    scope_region_field = "region_code"
    scope_institution_field = "pk"
    scope_public_q = Q(status=Status.FILED)  # noqa: DJ012 - the public sees only filed institutions

    class Meta:
        ordering = ["region_code", "name", "id"]
        verbose_name = _("托育机构")
        verbose_name_plural = _("托育机构")
        indexes = [models.Index(fields=["status", "region_code"], name="inst_status_region")]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def audit_institution_id(self) -> int:
        return self.pk


class CareClass(models.Model):
    """A class (班级) with its type and planned capacity; the setting standard limits its size and
    the caregivers it needs."""

    institution = models.ForeignKey(Institution, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(_("班级名称"), max_length=50)
    class_type = models.CharField(_("班型"), max_length=16, choices=ClassType.choices)
    planned_capacity = models.PositiveSmallIntegerField(_("计划托位数"))
    # Bounded so a typo is a field error on every database (SQLite has no smallint range).
    planned_caregivers = models.PositiveSmallIntegerField(
        _("计划保育人员数"), null=True, blank=True, validators=[MaxValueValidator(999)]
    )

    objects = ScopedManager()
    scope_region_field = "institution__region_code"
    scope_institution_field = "institution_id"

    class Meta:
        ordering = ["institution", "class_type", "name"]
        verbose_name = _("班级")
        verbose_name_plural = _("班级")
        constraints = [models.UniqueConstraint(fields=["institution", "name"], name="class_name_unique_in_institution")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_class_type_display()}）"


class ServiceOffering(models.Model):
    """A service type an institution offers, with its price."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="offerings"
    )
    service_type = models.CharField(_("服务类型"), max_length=16, choices=ServiceType.choices)
    price = models.DecimalField(_("收费标准"), max_digits=8, decimal_places=2, null=True, blank=True)
    price_unit = models.CharField(_("计价单位"), max_length=8, choices=PriceUnit.choices)

    objects = ScopedManager()
    scope_region_field = "institution__region_code"
    scope_institution_field = "institution_id"

    class Meta:
        ordering = ["institution", "service_type"]
        verbose_name = _("服务类型")
        verbose_name_plural = _("服务类型")
        constraints = [models.UniqueConstraint(fields=["institution", "service_type"], name="one_offering_per_type")]

    def __str__(self) -> str:
        return self.get_service_type_display()


class AllianceQuerySet(ScopedQuerySet):
    """An alliance is managed by the officers of its region (`region_code`), and seen by them and
    by everyone who can see one of its members: a street officer or a director sees the
    alliances its institutions belong to."""

    def restrict(self, user: object, action: str = Action.VIEW_INSTITUTION) -> ScopedQuerySet:
        by_region = super().restrict(user, action)
        if action != Action.VIEW_INSTITUTION:
            return by_region
        scope = scope_of(user, action)
        if scope.is_empty or "" in scope.region_prefixes:
            return by_region
        visible = Institution.objects.restrict(user, action).values("pk")
        via_members = Alliance.members.through.objects.filter(institution_id__in=visible).values("alliance_id")
        region_q = Q()
        for prefix in sorted(scope.region_prefixes):
            region_q |= Q(region_code__startswith=prefix)
        return self.filter(region_q | Q(pk__in=via_members)) if scope.region_prefixes else self.filter(pk__in=via_members)


class Alliance(models.Model):
    """A childcare alliance or consortium (托育联盟/联合体) of institutions (and kindergartens)."""

    name = models.CharField(_("联盟名称"), max_length=100, unique=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="alliances"
    )
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    description = models.TextField(_("简介"), blank=True)
    members = models.ManyToManyField(Institution, verbose_name=_("成员机构"), related_name="alliances", blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = models.Manager.from_queryset(AllianceQuerySet)()
    scope_region_field = "region_code"

    class Meta:
        ordering = ["name"]
        verbose_name = _("托育联盟")
        verbose_name_plural = _("托育联盟")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_region_code(self) -> str:
        return self.region_code

"""The administrative hierarchy (city → district → street → community) and its population."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.core.divisions import LEVEL_DEPTH, Level, prefix_of
from tuoyu.core.scoping import ScopedManager


class Region(models.Model):
    """A division keyed by its 12-digit statistical code. A division that disappears from a newly
    loaded file is marked inactive, never deleted with its data (issue #9)."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(_("有效"), default=True)
    # Region centre, for "near me" distances in the finder (shared/ui.md); optional.
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager()
    scope_region_field = "code"

    class Meta:
        ordering = ["code"]
        verbose_name = _("区域")
        verbose_name_plural = _("区域")

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return prefix_of(self.code, self.level)

    @property
    def depth(self) -> int:
        return LEVEL_DEPTH[self.level]

    @property
    def audit_region_code(self) -> str:
        return self.code


class RegionPopulation(models.Model):
    """Population figures of one region in one year: indicators divide by these."""

    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("年份"))
    resident_population = models.PositiveIntegerField(_("常住人口"))
    births = models.PositiveIntegerField(_("出生人口"), null=True, blank=True)
    children_under_3 = models.PositiveIntegerField(_("3岁以下婴幼儿数"), null=True, blank=True)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager()
    scope_region_field = "region__code"

    class Meta:
        ordering = ["region__code", "-year"]
        verbose_name = _("人口数据")
        verbose_name_plural = _("人口数据")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_population_per_region_year"),
            models.CheckConstraint(
                condition=models.Q(children_under_3__isnull=True)
                | models.Q(children_under_3__lte=models.F("resident_population")),
                name="under3_not_above_population",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"

    @property
    def audit_region_code(self) -> str:
        return self.region.code

"""Registry choice lists: English codes in code and API (shared/domain/glossary.md), Chinese on screen."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.core.rules.setting_standard import ClassType

__all__ = [
    "ClassType", "DemonstrationLevel", "Ownership", "PriceUnit", "RegistrationType",
    "ServiceModel", "ServiceType", "Status",
]


class RegistrationType(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    SOCIAL_ORGANIZATION = "social_organization", _("社会服务机构")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    OTHER = "other", _("其他")


class ServiceModel(models.TextChoices):
    HOME_BASED = "home_based", _("家庭托育点")
    COMMUNITY_EMBEDDED = "community_embedded", _("社区嵌入式")
    KINDERGARTEN_INTEGRATED = "kindergarten_integrated", _("托幼一体")
    EMPLOYER_SPONSORED = "employer_sponsored", _("单位福利/职工福利")
    STANDALONE = "standalone", _("独立托育机构")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("公办")
    PUBLIC_BUILT_PRIVATE_RUN = "public_built_private_run", _("公建民营")
    PRIVATE_PUBLIC_AIDED = "private_public_aided", _("民办公助")
    PRIVATE = "private", _("民办")
    STATE_OWNED_ENTERPRISE = "state_owned_enterprise", _("国企")
    UNIVERSITY = "university", _("高校")
    EMPLOYER = "employer", _("用人单位")


class ServiceType(models.TextChoices):
    FULL_DAY = "full_day", _("全日托")
    HALF_DAY = "half_day", _("半日托")
    HOURLY = "hourly", _("计时托")
    TEMPORARY = "temporary", _("临时托")


class PriceUnit(models.TextChoices):
    MONTH = "month", _("元/月")
    DAY = "day", _("元/天")
    HOUR = "hour", _("元/小时")


DEFAULT_PRICE_UNIT = {
    ServiceType.FULL_DAY: PriceUnit.MONTH,
    ServiceType.HALF_DAY: PriceUnit.MONTH,
    ServiceType.HOURLY: PriceUnit.HOUR,
    ServiceType.TEMPORARY: PriceUnit.DAY,
}


class DemonstrationLevel(models.TextChoices):
    NONE = "none", _("无")
    DISTRICT = "district", _("区级示范")
    CITY = "city", _("市级示范")
    PROVINCE = "province", _("省级示范")
    NATIONAL = "national", _("国家级示范")


class Status(models.TextChoices):
    PREPARING = "preparing", _("筹备")
    REGISTERED = "registered", _("已登记")
    FILED = "filed", _("已备案")
    SUSPENDED = "suspended", _("暂停")
    DEREGISTERED = "deregistered", _("注销")


# Statuses counted as "providing care" for indicators (shared/domain/rules.md §6).
PROVIDING_CARE = (Status.REGISTERED, Status.FILED, Status.SUSPENDED)

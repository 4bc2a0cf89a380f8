"""The roles of the platform. A role is granted on a scope: a region (by division code) or one
institution. Which role may do which action lives in `permissions.py`, nowhere else."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .divisions import Level


class Role(models.TextChoices):
    CITY_OFFICER = "city_officer", _("市级管理员")
    DISTRICT_OFFICER = "district_officer", _("区县管理员")
    STREET_OFFICER = "street_officer", _("街道管理员")
    INSTITUTION_DIRECTOR = "institution_director", _("机构负责人")
    INSTITUTION_STAFF = "institution_staff", _("机构工作人员")
    HEALTH_MANAGER = "health_manager", _("健康管理员")
    ASSESSMENT_EXPERT = "assessment_expert", _("评估专家")
    TRAINER = "trainer", _("培训讲师")
    PARENT = "parent", _("家长")


class ScopeKind(models.TextChoices):
    REGION = "region", _("区域")
    INSTITUTION = "institution", _("机构")
    NONE = "none", _("无（仅本人）")


# Which kind of scope each role is granted on. A city/district/street officer on a region; staff,
# health managers and experts on one institution each (an expert gets one grant per assigned
# institution for the campaign's dates); trainers on a region; parents on nothing but themselves.
ROLE_SCOPE_KIND: dict[str, str] = {
    Role.CITY_OFFICER: ScopeKind.REGION,
    Role.DISTRICT_OFFICER: ScopeKind.REGION,
    Role.STREET_OFFICER: ScopeKind.REGION,
    Role.INSTITUTION_DIRECTOR: ScopeKind.INSTITUTION,
    Role.INSTITUTION_STAFF: ScopeKind.INSTITUTION,
    Role.HEALTH_MANAGER: ScopeKind.INSTITUTION,
    Role.ASSESSMENT_EXPERT: ScopeKind.INSTITUTION,
    Role.TRAINER: ScopeKind.REGION,
    Role.PARENT: ScopeKind.NONE,
}

OFFICER_ROLES = frozenset({Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.STREET_OFFICER})


# The officers' hierarchy: a lower number is a higher level. An officer grants only roles whose
# level is the same as or below its own, inside its own scope.
ROLE_LEVEL: dict[str, int] = {
    Role.CITY_OFFICER: 0,
    Role.DISTRICT_OFFICER: 1,
    Role.STREET_OFFICER: 2,
    Role.INSTITUTION_DIRECTOR: 3,
    Role.INSTITUTION_STAFF: 3,
    Role.HEALTH_MANAGER: 3,
    Role.ASSESSMENT_EXPERT: 3,
    Role.TRAINER: 3,
    Role.PARENT: 3,
}

# The levels of region each region-scoped role is granted on.
ROLE_REGION_LEVELS: dict[str, tuple[str, ...]] = {
    Role.CITY_OFFICER: (Level.CITY,),
    Role.DISTRICT_OFFICER: (Level.DISTRICT,),
    Role.STREET_OFFICER: (Level.STREET,),
    Role.TRAINER: (Level.CITY, Level.DISTRICT, Level.STREET),
}
GRANT_REGION_LEVELS = (Level.CITY, Level.DISTRICT, Level.STREET)

"""The one permission table: which role may do which action (security.md rule 1).

A role is granted on a scope (a region or an institution, see `roles.ROLE_SCOPE_KIND`); an action
allowed here is allowed only inside the scope of the grant that allows it. No other file decides
who may do what: views and routers name an action and call `scoping.restrict`. The table is
written to docs/development/role-matrix.md by a test, which fails when the two differ.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class Action(models.TextChoices):
    VIEW_PUBLIC = "view_public", _("查看公开信息（已备案机构）")
    VIEW_REGION = "view_region", _("查看区域与人口")
    MANAGE_REGIONS = "manage_regions", _("导入区划与人口")
    VIEW_INSTITUTION = "view_institution", _("查看机构档案")
    CREATE_INSTITUTION = "create_institution", _("登记新机构")
    CHANGE_INSTITUTION = "change_institution", _("修改机构信息与班级")
    CHANGE_INSTITUTION_STATUS = "change_institution_status", _("变更机构状态与示范等级")
    DELETE_INSTITUTION = "delete_institution", _("删除误建的机构档案")
    IMPORT_INSTITUTIONS = "import_institutions", _("批量导入机构")
    EXPORT_DATA = "export_data", _("导出数据")
    VIEW_AUDIT = "view_audit", _("查看审计记录")
    MANAGE_ACCOUNTS = "manage_accounts", _("管理账号与角色授权")
    MANAGE_ALLIANCES = "manage_alliances", _("管理托育联盟与1+N网络")


# Actions anyone may do, logged in or not; scoped models say what "public" means for them.
PUBLIC_ACTIONS = frozenset({Action.VIEW_PUBLIC})

_OFFICERS = {Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.STREET_OFFICER}
_INSIDE = {Role.INSTITUTION_DIRECTOR, Role.INSTITUTION_STAFF, Role.HEALTH_MANAGER, Role.ASSESSMENT_EXPERT}

PERMISSIONS: dict[str, frozenset[str]] = {
    Action.VIEW_PUBLIC: frozenset(Role.values),
    Action.VIEW_REGION: frozenset(_OFFICERS | {Role.TRAINER}),
    Action.MANAGE_REGIONS: frozenset({Role.CITY_OFFICER}),
    Action.VIEW_INSTITUTION: frozenset(_OFFICERS | _INSIDE | {Role.TRAINER}),
    # Registration is the district's job (the city may do it too); streets supervise.
    Action.CREATE_INSTITUTION: frozenset({Role.CITY_OFFICER, Role.DISTRICT_OFFICER}),
    # A director keeps its own record current (hours, prices, classes); officers correct it.
    Action.CHANGE_INSTITUTION: frozenset({Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.INSTITUTION_DIRECTOR}),
    Action.CHANGE_INSTITUTION_STATUS: frozenset({Role.CITY_OFFICER, Role.DISTRICT_OFFICER}),
    Action.DELETE_INSTITUTION: frozenset({Role.CITY_OFFICER, Role.DISTRICT_OFFICER}),
    Action.IMPORT_INSTITUTIONS: frozenset({Role.CITY_OFFICER, Role.DISTRICT_OFFICER}),
    Action.EXPORT_DATA: frozenset(_OFFICERS),
    Action.VIEW_AUDIT: frozenset(_OFFICERS),
    # The city creates district accounts, a district its streets' and institutions' accounts;
    # a grant can only be given inside the granting officer's own scope.
    Action.MANAGE_ACCOUNTS: frozenset({Role.CITY_OFFICER, Role.DISTRICT_OFFICER}),
    Action.MANAGE_ALLIANCES: frozenset({Role.CITY_OFFICER, Role.DISTRICT_OFFICER}),
}


def role_may(role: str, action: str) -> bool:
    return role in PERMISSIONS.get(action, frozenset())

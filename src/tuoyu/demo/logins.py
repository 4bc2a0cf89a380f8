"""Demo sign-ins: one user for every role, all with one published password.

They exist only where `settings.TUOYU_DEMO_ALLOWED` is true (demo and development); production
refuses the seed, so it never has them (security.md rule 6). Every scope lies inside the small
city too (its district, its first street, its first city-level demonstration institution), so the
same logins work whichever size was seeded.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password

from tuoyu.accounts.models import RoleGrant, User
from tuoyu.accounts.services import role_grant, user_create
from tuoyu.core.roles import Role

# Published on purpose (README, `tuoyu demo-logins`): at least 10 characters and not on Django's
# common-password list, so it passes the same validators a real password does (security.md rule 8).
DEMO_PASSWORD = "Tuoyu-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    display_name: str
    scope: str  # "city", "district", "street", "institution", "institution+" (two) or "none"


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("city", Role.CITY_OFFICER, "陈静（市卫健委）", "city"),
    DemoUser("district", Role.DISTRICT_OFFICER, "刘洋（区卫健局）", "district"),
    DemoUser("street", Role.STREET_OFFICER, "王芳（街道办）", "street"),
    DemoUser("director", Role.INSTITUTION_DIRECTOR, "李娜（园长）", "institution"),
    DemoUser("staff", Role.INSTITUTION_STAFF, "张敏（保育师）", "institution"),
    DemoUser("health", Role.HEALTH_MANAGER, "赵磊（社区卫生服务中心）", "institution"),
    DemoUser("expert", Role.ASSESSMENT_EXPERT, "孙丽（评估专家）", "institution+"),
    DemoUser("trainer", Role.TRAINER, "周婷（培训讲师）", "district"),
    DemoUser("parent", Role.PARENT, "吴昊（家长）", "none"),
)


@dataclass(frozen=True)
class DemoScopes:
    """The objects the demo users are granted on."""

    city: Any
    district: Any
    street: Any
    institution: Any
    second_institution: Any  # the expert's second assignment


def ensure_demo_users(scopes: DemoScopes, *, actor: Any) -> tuple[int, int]:
    """Create the missing demo users and grants through the account services; returns
    (users created, grants created). Users and grants that exist are left alone."""
    users_created = grants_created = 0
    hashed = ""
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = user_create(actor=actor, username=spec.username, password=None, display_name=spec.display_name)
            # One published password for all: hash it once (a proper hash takes ~0.4 s) and give
            # every demo user the same hash, instead of nine hashes of the same public secret.
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
            user.save(update_fields=["password"])
            users_created += 1
        targets: list[dict[str, Any]]
        if spec.scope in ("city", "district", "street"):
            targets = [{"region": getattr(scopes, spec.scope)}]
        elif spec.scope == "institution":
            targets = [{"institution": scopes.institution}]
        elif spec.scope == "institution+":
            targets = [{"institution": scopes.institution}, {"institution": scopes.second_institution}]
        else:
            targets = [{}]
        for target in targets:
            lookup = {"region": target.get("region"), "institution": target.get("institution")}
            if not RoleGrant.objects.filter(user=user, role=spec.role, **lookup).exists():
                role_grant(actor=actor, user=user, role=spec.role, **target)
                grants_created += 1
    return users_created, grants_created


def display_width(text: str) -> int:
    """Columns a terminal gives the text: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def login_rows() -> list[tuple[str, str, str]]:
    """(username, role, scope) of each demo user as the database has them; a user not seeded yet
    is left out."""
    rows = []
    users = {u.username: u for u in User.objects.filter(username__in=[s.username for s in DEMO_USERS])}
    for spec in DEMO_USERS:
        user = users.get(spec.username)
        if user is None:
            continue
        grants = RoleGrant.objects.filter(user=user, role=spec.role).select_related("region", "institution").order_by("id")
        scopes = [str(g.region or g.institution) for g in grants if g.region_id or g.institution_id]
        rows.append((spec.username, str(Role(spec.role).label), "、".join(scopes) or "—"))
    return rows

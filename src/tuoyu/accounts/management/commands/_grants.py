"""What the account commands share: the SYSTEM actor they run as, and turning --region and
--institution into the objects a grant is made on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser

from tuoyu.accounts import selectors
from tuoyu.accounts.models import User
from tuoyu.core.divisions import DivisionCodeError, normalize_code
from tuoyu.core.errors import DomainError
from tuoyu.core.roles import Role
from tuoyu.core.scoping import SystemActor


def actor(command: str) -> SystemActor:
    """The operator at the console: the whole city, audited as `system:<command>`."""
    return SystemActor(command)


def add_scope_arguments(parser: CommandParser, *, dates: bool = True) -> None:
    parser.add_argument("--role", required=True, choices=Role.values, help="the role's code (see docs/development/role-matrix.md)")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--region", metavar="CODE", help="division code (6, 9 or 12 digits) for officers and trainers")
    scope.add_argument("--institution", metavar="CREDIT_CODE_OR_ID",
                       help="unified social credit code or institution number for institution roles")
    if dates:
        parser.add_argument("--valid-from", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="default: today")
        parser.add_argument("--valid-until", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                            help="last day in force (inclusive); default: open-ended")


def scope_objects(who: Any, options: dict[str, Any]) -> tuple[Any, Any]:
    region = institution = None
    if options.get("region"):
        try:
            code = normalize_code(options["region"])
        except DivisionCodeError as exc:
            raise CommandError(str(exc)) from exc
        region = selectors.grant_region_by_code(who, code)
        if region is None:
            raise CommandError(f"No active region with code {code} (load the divisions first: tuoyu load-regions FILE).")
    if options.get("institution"):
        institution = selectors.grant_institution_by_ref(who, options["institution"])
        if institution is None:
            raise CommandError(f"No institution with credit code or number {options['institution']!r}.")
    return region, institution


def get_user(username: str) -> User:
    user = User.objects.filter(username__iexact=username.strip()).first()
    if user is None:
        raise CommandError(f"No user {username!r}.")
    return user


def domain_error(exc: DomainError) -> CommandError:
    parts = [str(exc.message)]
    for field, messages in exc.field_errors.items():
        parts += [f"{field}: {m}" for m in messages if m != str(exc.message)]
    return CommandError(" ".join(parts))

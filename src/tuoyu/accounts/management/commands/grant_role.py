"""`tuoyu grant-role USERNAME --role ROLE --region CODE | --institution CREDIT_CODE_OR_ID
[--valid-from YYYY-MM-DD] [--valid-until YYYY-MM-DD]`: grant a role, as the operator (SYSTEM)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tuoyu.accounts import services
from tuoyu.core.errors import DomainError

from ._grants import actor, add_scope_arguments, domain_error, get_user, scope_objects


class Command(BaseCommand):
    help = "Grant a role on a region or an institution (runs as the system operator)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        add_scope_arguments(parser)

    def handle(self, *args, **options):
        who = actor("grant-role")
        user = get_user(options["username"])
        region, institution = scope_objects(who, options)
        try:
            grant = services.role_grant(actor=who, user=user, role=options["role"], region=region, institution=institution,
                                        valid_from=options.get("valid_from"), valid_until=options.get("valid_until"))
        except DomainError as exc:
            raise domain_error(exc) from exc
        until = grant.valid_until.isoformat() if grant.valid_until else "open-ended"
        self.stdout.write(self.style.SUCCESS(
            f"Granted {grant.role} on {grant.scope_label or '—'} to {user.username} "
            f"(grant {grant.pk}, {grant.valid_from.isoformat()} to {until})."))

"""`tuoyu revoke-role USERNAME --role ROLE [--region CODE | --institution CREDIT_CODE_OR_ID]`
or `tuoyu revoke-role USERNAME --grant ID`: end a live grant, as the operator (SYSTEM). The grant
is kept as history; it stops being in force today."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tuoyu.accounts import services
from tuoyu.accounts.models import live_grant_q
from tuoyu.core.errors import DomainError
from tuoyu.core.roles import Role

from ._grants import actor, domain_error, get_user, scope_objects


class Command(BaseCommand):
    help = "Revoke a live role grant (kept as history; runs as the system operator)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--grant", type=int, metavar="ID", help="the grant's number (see `--role` matches)")
        parser.add_argument("--role", choices=Role.values)
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--region", metavar="CODE")
        scope.add_argument("--institution", metavar="CREDIT_CODE_OR_ID")

    def handle(self, *args, **options):
        who = actor("revoke-role")
        user = get_user(options["username"])
        grants = user.grants.filter(live_grant_q()).select_related("region", "institution").order_by("pk")
        if options["grant"] is not None:
            grants = grants.filter(pk=options["grant"])
        elif options["role"]:
            grants = grants.filter(role=options["role"])
            region, institution = scope_objects(who, options)
            if region is not None:
                grants = grants.filter(region=region)
            if institution is not None:
                grants = grants.filter(institution=institution)
        else:
            raise CommandError("Say which grant: --grant ID, or --role ROLE (with --region or --institution).")
        found = list(grants)
        if not found:
            raise CommandError(f"{user.username} has no live grant like that.")
        if len(found) > 1:
            listing = "; ".join(f"{g.pk}: {g.role} on {g.scope_label or '—'}" for g in found)
            raise CommandError(f"Several live grants match, name one with --grant: {listing}")
        try:
            grant = services.role_revoke(actor=who, grant=found[0])
        except DomainError as exc:
            raise domain_error(exc) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Revoked {grant.role} on {grant.scope_label or '—'} for {user.username} (grant {grant.pk}, kept as history)."))

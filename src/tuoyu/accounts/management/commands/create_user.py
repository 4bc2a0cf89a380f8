"""`tuoyu create-user USERNAME --role ROLE --region CODE | --institution CREDIT_CODE_OR_ID`

Creates an account with its first grant, as the operator (SYSTEM). This is how the first city
officer of a new installation is made; everyone else can then be created on the pages:

    tuoyu create-user chen.jing --display-name "陈静" --role city_officer --region 510100

The password is asked for twice on the terminal (never on the command line, where the shell's
history and the process list would keep it), or read from one line of standard input with
--password-stdin for provisioning scripts.
"""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from tuoyu.accounts import services
from tuoyu.core.errors import DomainError

from ._grants import actor, add_scope_arguments, domain_error, scope_objects


class Command(BaseCommand):
    help = "Create an account with its first role grant (runs as the system operator)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--display-name", default="", help="the person's name as pages show it (default: the username)")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from one line of standard input")
        add_scope_arguments(parser)

    def _password(self, options) -> str:
        if options["password_stdin"]:
            line = sys.stdin.readline()
            password = line.rstrip("\r\n")
            if not password:
                raise CommandError("--password-stdin: no password on standard input.")
            return password
        if not sys.stdin.isatty():
            raise CommandError("No terminal to ask for the password: use --password-stdin.")
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password (again): ")
        if first != second:
            raise CommandError("The two passwords differ.")
        return first

    def handle(self, *args, **options):
        who = actor("create-user")
        region, institution = scope_objects(who, options)
        password = self._password(options)
        grant = services.GrantData(role=options["role"], region=region, institution=institution,
                                   valid_from=options.get("valid_from"), valid_until=options.get("valid_until"))
        try:
            user = services.user_create(actor=who, username=options["username"], password=password,
                                        display_name=options["display_name"] or options["username"], grant=grant)
        except DomainError as exc:
            raise domain_error(exc) from exc
        scope = region or institution or "—"
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} ({user.display_name}): {options['role']} on {scope}."))

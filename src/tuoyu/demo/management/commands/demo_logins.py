"""`tuoyu demo-logins`: print the demo users, their roles and scopes, and the shared password."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tuoyu.demo.logins import DEMO_PASSWORD, display_width, login_rows, pad
from tuoyu.demo.seed import MSG_NOT_ALLOWED, demo_allowed


class Command(BaseCommand):
    help = "列出演示账号（用户名、角色、范围）和统一的演示密码。"

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        if not demo_allowed():
            raise CommandError(str(MSG_NOT_ALLOWED))
        rows = login_rows()
        if not rows:
            raise CommandError(_("还没有演示账号：请先运行 tuoyu seed-demo。"))
        header = (_("用户名"), _("角色"), _("范围"))
        widths = [max(display_width(str(r[i])) for r in [header, *rows]) + 2 for i in range(2)]
        self.stdout.write("")
        self.stdout.write(_("演示账号（密码均为 %(password)s）") % {"password": DEMO_PASSWORD})
        self.stdout.write(f"  {pad(header[0], widths[0])}{pad(header[1], widths[1])}{header[2]}")
        for username, role, scope in rows:
            self.stdout.write(f"  {pad(username, widths[0])}{pad(role, widths[1])}{scope}")
        self.stdout.write(_("登录：http://%(addrport)s/ （仅演示与开发环境；生产环境没有这些账号）") % {"addrport": addrport})
        self.stdout.write("")

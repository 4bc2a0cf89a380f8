"""`tuoyu demo`: everything `make demo` does after installing — migrate, seed the demo city,
print the logins and serve on http://127.0.0.1:8000 — for people without make."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from tuoyu.demo.plan import DEFAULT_SEED, SIZES
from tuoyu.demo.seed import MSG_NOT_ALLOWED, demo_allowed


class Command(BaseCommand):
    help = "迁移数据库、生成演示城市、列出演示账号并在 127.0.0.1:8000 启动演示服务。"

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=SIZES, default="city")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务。")

    def handle(self, *args, size, seed, addrport, no_serve, **options):
        if not demo_allowed():
            raise CommandError(str(MSG_NOT_ALLOWED))
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", size=size, seed=seed, stdout=self.stdout)
        call_command("demo_logins", addrport=addrport, stdout=self.stdout)
        if not no_serve:
            # No autoreloader: it would start this command again in a child process (and seed again).
            call_command("runserver", addrport, use_reloader=False)

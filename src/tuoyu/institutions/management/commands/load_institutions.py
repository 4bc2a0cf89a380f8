"""`tuoyu load-institutions FILE`: load the city's existing institution list (.xlsx or .csv)."""

from django.core.management.base import BaseCommand

from tuoyu.core.sheets import run_load_command
from tuoyu.institutions.services import institutions_load_file


class Command(BaseCommand):
    help = "导入托育机构名单（.xlsx 或 .csv）；有任何错误则一行也不写入，退出码为1。"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        run_load_command(self, institutions_load_file, options["file"])

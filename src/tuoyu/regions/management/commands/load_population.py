"""`tuoyu load-population FILE`: load population figures by region and year."""

from django.core.management.base import BaseCommand

from tuoyu.core.sheets import run_load_command
from tuoyu.regions.services import populations_load_file


class Command(BaseCommand):
    help = "导入人口数据（.xlsx 或 .csv）；有任何错误则一行也不写入，退出码为1。"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        run_load_command(self, populations_load_file, options["file"])

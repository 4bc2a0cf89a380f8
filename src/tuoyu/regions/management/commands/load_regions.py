"""`tuoyu load-regions FILE [--deactivate-missing]`: load the division tree from .xlsx or .csv."""

from django.core.management.base import BaseCommand

from tuoyu.core.sheets import run_load_command
from tuoyu.regions.services import regions_load_file


class Command(BaseCommand):
    help = "导入行政区划（.xlsx 或 .csv）；有任何错误则一行也不写入，退出码为1。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--deactivate-missing", action="store_true",
                            help="把文件中没有的下级区划标记为停用（从不删除）")

    def handle(self, *args, **options):
        run_load_command(self, regions_load_file, options["file"], deactivate_missing=options["deactivate_missing"])

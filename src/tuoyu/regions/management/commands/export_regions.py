"""`tuoyu export-regions OUT.xlsx|OUT.csv`: the active division tree, loadable again as is."""

from django.core.management.base import BaseCommand

from tuoyu.core.sheets import run_export_command
from tuoyu.regions.services import regions_export


class Command(BaseCommand):
    help = "导出行政区划（按文件后缀为 .xlsx 或 .csv），可直接再导入。"

    def add_arguments(self, parser):
        parser.add_argument("out")

    def handle(self, *args, **options):
        run_export_command(self, regions_export, options["out"])

"""`tuoyu export-population OUT.xlsx|OUT.csv [--year N]`: population figures, loadable again."""

from django.core.management.base import BaseCommand

from tuoyu.core.sheets import run_export_command
from tuoyu.regions.services import populations_export


class Command(BaseCommand):
    help = "导出人口数据（按文件后缀为 .xlsx 或 .csv），可直接再导入。"

    def add_arguments(self, parser):
        parser.add_argument("out")
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, **options):
        run_export_command(self, populations_export, options["out"], year=options["year"])

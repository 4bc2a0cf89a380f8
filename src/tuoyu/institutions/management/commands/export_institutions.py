"""`tuoyu export-institutions OUT.xlsx|OUT.csv`: every institution, loadable again as is."""

from django.core.management.base import BaseCommand

from tuoyu.core.permissions import Action
from tuoyu.core.scoping import SYSTEM
from tuoyu.core.sheets import run_export_command
from tuoyu.institutions.selectors import institution_list
from tuoyu.institutions.services import institutions_export


class Command(BaseCommand):
    help = "导出托育机构（按文件后缀为 .xlsx 或 .csv），可直接再导入。"

    def add_arguments(self, parser):
        parser.add_argument("out")

    def handle(self, *args, **options):
        queryset = institution_list(SYSTEM, action=Action.EXPORT_DATA)
        run_export_command(self, institutions_export, options["out"], queryset=queryset)

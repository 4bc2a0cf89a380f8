"""`tuoyu audit-verify`: walk the audit hash chain and report the first changed or missing row."""

from django.core.management.base import BaseCommand, CommandError

from tuoyu.core.audit import verify_chain
from tuoyu.core.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain (security.md rule 20)."

    def handle(self, *args, **options):
        ok, bad_id = verify_chain()
        if not ok:
            raise CommandError(f"审计链校验失败：记录 #{bad_id} 被修改或其前一条记录缺失。Audit chain broken at row {bad_id}.")
        self.stdout.write(f"审计链完整：{AuditEntry.objects.count()} 条记录。Audit chain intact.")

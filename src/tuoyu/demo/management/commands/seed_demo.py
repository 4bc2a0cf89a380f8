"""`tuoyu seed-demo --size small|city --seed N`: build the deterministic demo city (issue #2 item 9)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.core.sheets import LoadRejected
from tuoyu.demo.plan import DEFAULT_SEED, SIZES
from tuoyu.demo.seed import DemoNotAllowed, seed_demo

LOAD_LABELS = {
    "regions": gettext_lazy("区划"),
    "populations": gettext_lazy("人口"),
    "demonstration_institutions": gettext_lazy("示范机构"),
    "institutions": gettext_lazy("其他机构"),
}


class Command(BaseCommand):
    help = "生成演示城市（蓉城市）：--size small 为一个区8个街道40家机构，--size city 为约2000万人口、1600家机构。"

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=SIZES, default="city")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args, size, seed, verbosity=1, **options):
        def progress(message):
            if verbosity >= 2:
                self.stdout.write(f"  {message}")

        try:
            report = seed_demo(seed=seed, size=size, progress=progress)
        except DemoNotAllowed as exc:
            raise CommandError(str(exc)) from exc
        except LoadRejected as exc:
            lines = [str(exc)] + [str(e) for e in exc.result.errors[:20]]
            raise CommandError("\n".join(lines)) from exc
        if verbosity < 1:
            return
        self.stdout.write(_("演示城市 size=%(size)s seed=%(seed)s（摘要 %(digest)s）") % {
            "size": size, "seed": seed, "digest": report.digest[:12]})
        for key, result in report.loads.items():
            self.stdout.write(_("  %(what)s：%(rows)s行，新增%(created)s，更新%(updated)s，未变%(unchanged)s") % {
                "what": LOAD_LABELS.get(key, key), "rows": result.rows, "created": result.created,
                "updated": result.updated, "unchanged": result.unchanged})
            if result.warning_count:
                self.stdout.write(_("    提示%(n)s条（多为设置标准：部分演示机构有意配置不足，供规则检查展示），例如：") % {
                    "n": result.warning_count})
                for warning in result.warnings[:2]:
                    self.stdout.write(f"    {warning}")
        self.stdout.write(_("  联盟：新增%(a)s；演示账号：新增%(u)s，授权%(g)s") % {
            "a": report.alliances_created, "u": report.users_created, "g": report.grants_created})
        if report.alliances_short:
            self.stdout.write(_("  注意：联盟%(names)s已存在且成员少于计划（先生成了small）；如需完整成员，请换用新数据库。") % {
                "names": "、".join(report.alliances_short)})
        verdict = _("已写入") if report.changed else _("数据已是最新，未作改动")
        self.stdout.write(self.style.SUCCESS(_("%(verdict)s，用时%(s).1f秒。") % {"verdict": verdict, "s": report.seconds}))

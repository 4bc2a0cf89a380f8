"""The `tuoyu` console command: Django's management commands under the project's own name.

    tuoyu migrate · tuoyu demo · tuoyu seed-demo --size small · tuoyu load-regions FILE …

Commands spelled with dashes map to their underscore module names (seed-demo → seed_demo).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuoyu.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "tuoyu"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()

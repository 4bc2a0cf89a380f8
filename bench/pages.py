"""Benchmark: server time of the main pages on the city-size demo (1,600 institutions), signed
in as the city officer (who sees everything), on a fresh SQLite database in a temp directory.

    .venv/bin/python bench/pages.py

Prints the mean of 5 renders per page (after one warm-up) in milliseconds. Figures in the README.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PAGES = [
    "/", "/institutions/", "/institutions/?page=20", "/institutions/?status=filed&puhui=true",
    "/regions/", "/regions/510100000000/", "/institutions/1/", "/audit/", "/stats/network/",
    "/accounts/users/", "/institutions/alliances/", "/api/v1/institutions?limit=50",
]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tuoyu-pages-") as tmp:
        os.environ["TUOYU_DATA_DIR"] = tmp
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuoyu.settings")
        os.environ.setdefault("TUOYU_LOG_LEVEL", "ERROR")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        call_command("migrate", verbosity=0)
        t = time.perf_counter()
        call_command("seed_demo", size="city", seed=2026, verbosity=0, stdout=io.StringIO())
        print(f"seed-demo --size city                   {time.perf_counter() - t:7.1f} s")

        from tuoyu.accounts.models import User

        client = Client()
        client.force_login(User.objects.get(username="city"))
        for path in PAGES:
            client.get(path)
            start, n = time.perf_counter(), 5
            for _ in range(n):
                status = client.get(path).status_code
            print(f"{path:40s} {status} {(time.perf_counter() - start) / n * 1000:7.1f} ms")
        start = time.perf_counter()
        status = client.get("/institutions/export/").status_code
        print(f"{'/institutions/export/ (1,600 rows .xlsx)':40s} {status} {(time.perf_counter() - start) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()

"""Benchmark (issue #9): load a province's divisions, their population and 20,000 institutions
through the same services the upload pages and `tuoyu load-…` commands use, on a fresh SQLite
database in a temporary directory, and print the seconds each phase takes.

    .venv/bin/python bench/load_city.py                 # the issue's sizes
    .venv/bin/python bench/load_city.py --small         # a quick run (≈ 5,000 divisions, 2,000 institutions)
    .venv/bin/python bench/load_city.py --files         # also write and read the sheets as .xlsx files

Goal: the whole load under 60 s on SQLite. Results are in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def setup_django(tmp: Path) -> None:
    os.environ["TUOYU_DATA_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuoyu.settings")
    os.environ.setdefault("TUOYU_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


TIMES: list[tuple[str, float]] = []


@contextmanager
def phase(name: str):
    start, cpu = time.perf_counter(), time.process_time()
    yield
    seconds = time.perf_counter() - start
    TIMES.append((name, seconds))
    print(f"{name:<48} {seconds:8.2f} s  (cpu {time.process_time() - cpu:6.2f} s)", flush=True)


def build_divisions(cities: int, districts: int, streets: int, communities: int):
    """A province of the given shape: 51 (四川) with cities 5101…, codes as the statistics use them."""
    from tuoyu.regions.services import DivisionRow

    rows = [DivisionRow(code="510000000000", name="四川省", level="省")]
    for c in range(1, cities + 1):
        city = f"51{c:02d}"
        rows.append(DivisionRow(code=f"{city}00000000", name=f"第{c}市", level="市"))
        for d in range(1, districts + 1):
            district = f"{city}{d:02d}"
            rows.append(DivisionRow(code=district, name=f"第{c}市第{d}区", level="区"))
            for s in range(1, streets + 1):
                street = f"{district}{s:03d}"
                rows.append(DivisionRow(code=street, name=f"{c}-{d}区第{s}街道", level="街道"))
                for m in range(1, communities + 1):
                    rows.append(DivisionRow(code=f"{street}{m:03d}", name=f"{c}-{d}-{s}街道第{m}社区", level="社区"))
    return rows


def build_population(divisions, year: int = 2024):
    from tuoyu.core.divisions import level_of, normalize_code
    from tuoyu.regions.services import PopulationRow

    base = {"province": 83_000_000, "city": 3_800_000, "district": 420_000, "street": 26_000, "community": 1_600}
    rows = []
    for d in divisions:
        code = normalize_code(d.code)
        pop = base[level_of(code)]
        rows.append(PopulationRow(code=code, year=year, resident_population=pop, births=pop * 6 // 1000,
                                  children_under_3=pop * 21 // 1000))
    return rows


def build_institutions(n: int, street_codes: list[str], seed: int = 2026):
    from tuoyu.core.validators import uscc_check_char
    from tuoyu.institutions.choices import (
        ClassType,
        Ownership,
        RegistrationType,
        ServiceModel,
        ServiceType,
        Status,
    )
    from tuoyu.institutions.services import ClassData, InstitutionData, InstitutionRow, OfferingData

    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        body = f"91{street_codes[i % len(street_codes)][:6]}MA{i:07d}"[:17]
        street = street_codes[i % len(street_codes)]
        model = rnd.choice([ServiceModel.STANDALONE, ServiceModel.COMMUNITY_EMBEDDED, ServiceModel.KINDERGARTEN_INTEGRATED])
        classes = [
            ClassData(f"托小{k + 1}班", ClassType.TODDLER, rnd.randint(10, 15), 3) for k in range(rnd.randint(1, 2))
        ] + [ClassData(f"托大{k + 1}班", ClassType.OLDER_TODDLER, rnd.randint(14, 20), 3) for k in range(rnd.randint(1, 2))]
        filed = rnd.random() < 0.3
        data = InstitutionData(
            name=f"第{i + 1}号托育中心", street_code=street, address=f"幸福路{i + 1}号",
            registration_type=RegistrationType.ENTERPRISE, service_model=model, ownership=Ownership.PRIVATE,
            credit_code=body + uscc_check_char(body), status=Status.FILED if filed else Status.REGISTERED,
            filing_number=f"BA-{i + 1:05d}" if filed else "", building_area_m2=Decimal(600), outdoor_area_m2=Decimal(150),
            contact_phone=f"138{i:08d}", classes=classes,
            offerings=[OfferingData(ServiceType.FULL_DAY, Decimal(rnd.randrange(1800, 4200, 100)))],
        )
        rows.append(InstitutionRow(data=data, row=i + 2))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="a quick run at a tenth of the size")
    parser.add_argument("--files", action="store_true", help="also write and read the sheets as .xlsx files")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--dir", default=None, help="where to put the temporary database (default: the system temp dir)")
    args = parser.parse_args()
    shape = (22, 9, 16, 15) if not args.small else (4, 6, 12, 15)
    n_institutions = 20_000 if not args.small else 2_000

    tmp = Path(tempfile.mkdtemp(prefix="tuoyu-bench-", dir=args.dir))
    setup_django(tmp)
    from tuoyu.core.scoping import SYSTEM
    from tuoyu.institutions.models import Institution
    from tuoyu.institutions.services import institutions_load
    from tuoyu.regions.models import Region
    from tuoyu.regions.services import populations_load, regions_load

    divisions = build_divisions(*shape)
    population = build_population(divisions)
    print(f"SQLite in {tmp}: {len(divisions):,} divisions, {len(population):,} population rows, "
          f"{n_institutions:,} institutions", flush=True)

    with phase("load divisions (regions_load)"):
        result = regions_load(actor=SYSTEM, rows=divisions, source="bench")
    assert result.created == len(divisions), result.counts()
    with phase("load population (populations_load)"):
        result = populations_load(actor=SYSTEM, rows=population, source="bench")
    assert result.created == len(population), result.counts()
    streets = list(Region.objects.filter(level="street").order_by("code").values_list("code", flat=True))
    institutions = build_institutions(n_institutions, streets)
    with phase("load institutions (institutions_load)"):
        result = institutions_load(actor=SYSTEM, rows=institutions, source="bench")
    assert result.created == n_institutions, result.counts()
    load_total = sum(s for _n, s in TIMES)
    print(f"{'TOTAL load':<48} {load_total:8.2f} s   (goal < 60 s)", flush=True)

    with phase("reload divisions again (all unchanged)"):
        result = regions_load(actor=SYSTEM, rows=build_divisions(*shape), source="bench")
    assert result.unchanged == len(divisions), result.counts()
    with phase("reload institutions again (all unchanged)"):
        result = institutions_load(actor=SYSTEM, rows=build_institutions(n_institutions, streets), source="bench")
    assert result.unchanged == n_institutions, result.counts()

    if args.files:
        from tuoyu.core.permissions import Action
        from tuoyu.institutions.selectors import institution_list
        from tuoyu.institutions.services import institutions_export, institutions_load_file

        with phase("export institutions to .xlsx"):
            file = institutions_export(actor=SYSTEM, queryset=institution_list(SYSTEM, action=Action.EXPORT_DATA))
        print(f"  {file.rows:,} rows, {len(file.content) / 1e6:.1f} MB")
        with phase("read + check + reload the .xlsx (all unchanged)"):
            result = institutions_load_file(actor=SYSTEM, data=file.content, file_name=file.file_name)
        assert result.unchanged == n_institutions, result.counts()
    print(f"institutions in the database: {Institution.objects.count():,}")
    if not args.keep:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

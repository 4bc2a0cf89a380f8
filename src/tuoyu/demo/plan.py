"""The demo city as plain data, before anything touches the database.

`build_plan(seed=…, size=…)` is a pure function of its arguments: the same seed gives the same city
on every machine (Faker is pinned exactly in pyproject.toml for that reason; a Faker release could
otherwise change the names). `--size small` is a slice of the same city — its first district, that
district's first eight streets and forty of their institutions — so everything in the small city is
also, identically, in the big one, and seeding `city` after `small` only adds.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

from faker import Faker

from tuoyu.institutions.choices import DemonstrationLevel, ServiceModel, Status

from .geography import CITY_NAME, Division, build_city, walk
from .registry import InstitutionPlan, build_institutions

SIZES = ("small", "city")
SMALL_STREETS = 8
SMALL_INSTITUTIONS = 40
DEFAULT_SEED = 2026


@dataclass(frozen=True)
class AlliancePlan:
    name: str
    region_code: str
    description: str
    member_credit_codes: tuple[str, ...]


@dataclass
class CityPlan:
    size: str
    seed: int
    city: Division
    divisions: list[Division]  # parents before children: city, districts, streets, communities
    institutions: list[InstitutionPlan]
    alliances: list[AlliancePlan] = field(default_factory=list)

    @property
    def districts(self) -> list[Division]:
        return [d for d in self.divisions if d.level == "district"]

    @property
    def streets(self) -> list[Division]:
        return [d for d in self.divisions if d.level == "street"]

    def digest(self) -> str:
        """SHA-256 over every code, name, figure and credit code: equal digests, equal cities."""
        h = hashlib.sha256()
        for d in self.divisions:
            h.update(f"{d.code}|{d.name}|{sorted(d.population.items())}\n".encode())
        for i in self.institutions:
            h.update(f"{i.credit_code}|{i.name}|{i.status}|{i.street.code}|{i.places}|{i.lead_credit_code}|"
                     f"{i.address}|{i.contact_phone}|{i.filing_number}\n".encode())
        for a in self.alliances:
            h.update(f"{a.name}|{a.member_credit_codes}\n".encode())
        return h.hexdigest()


def _alliances(institutions: list[InstitutionPlan], city: Division) -> list[AlliancePlan]:
    """One alliance per district (its demonstration institutions and integrated kindergartens)
    and one city-wide alliance of the city-level and higher demonstration institutions."""
    higher = (DemonstrationLevel.CITY, DemonstrationLevel.PROVINCE, DemonstrationLevel.NATIONAL)
    out = [AlliancePlan(
        f"{CITY_NAME}示范性托育机构联盟", city.code, "市级及以上示范性托育机构组成，统一管理规范、服务流程、服务内容、人员培训、家庭指导、亲子活动（“六统一”）。",
        tuple(i.credit_code for i in institutions if i.demonstration_level in higher))]
    for district in city.children:
        members = [i for i in institutions if i.district is district and (
            i.demonstration_level != DemonstrationLevel.NONE
            or (i.service_model == ServiceModel.KINDERGARTEN_INTEGRATED and i.status == Status.FILED))]
        out.append(AlliancePlan(
            f"{district.name}托育服务联盟", district.code, f"{district.name}示范性托育机构与托幼一体幼儿园组成的托育联盟。",
            tuple(i.credit_code for i in members)))
    return out


def _small(plan: CityPlan) -> CityPlan:
    """The first district, its first SMALL_STREETS streets and SMALL_INSTITUTIONS institutions of
    them: demonstration institutions first, then the others street by street, skipping points whose
    1+N leader is not in the slice."""
    district = plan.city.children[0]
    streets = district.children[:SMALL_STREETS]
    street_codes = {s.code for s in streets}
    divisions = [plan.city, district] + [d for s in streets for d in walk(s)]
    here = [i for i in plan.institutions if i.street.code in street_codes]
    chosen = [i for i in here if i.demonstration_level != DemonstrationLevel.NONE]
    leaders = {i.credit_code for i in chosen}
    rest = [i for i in here if i.demonstration_level == DemonstrationLevel.NONE
            and (not i.lead_credit_code or i.lead_credit_code in leaders)]
    by_street = [[i for i in rest if i.street is s] for s in streets]
    while len(chosen) < SMALL_INSTITUTIONS and any(by_street):
        for queue in by_street:
            if queue and len(chosen) < SMALL_INSTITUTIONS:
                chosen.append(queue.pop(0))
    chosen.sort(key=lambda i: i.key)
    codes = {i.credit_code for i in chosen}
    alliances = [
        AlliancePlan(a.name, a.region_code, a.description, tuple(c for c in a.member_credit_codes if c in codes))
        for a in plan.alliances if a.region_code in (plan.city.code, district.code)
    ]
    return CityPlan("small", plan.seed, plan.city, divisions, chosen, alliances)


def build_plan(*, seed: int = DEFAULT_SEED, size: str = "city") -> CityPlan:
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}")
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    city = build_city(rng)
    institutions = build_institutions(rng, fake, city)
    plan = CityPlan("city", seed, city, walk(city), institutions, _alliances(institutions, city))
    return plan if size == "city" else _small(plan)

"""The demo city's institutions: about 1,600, mixed the way Chengdu's are (shared/domain/city-figures.md).

- About half registered (已登记) and a fifth filed (已备案); some preparing, a few suspended or
  deregistered (Chengdu: 1,609 institutions, 804 registered, 341 filed).
- 47 city-level demonstration institutions (Chengdu's figure), a few provincial and national ones
  and more district-level ones; each city-level or higher one leads several community-embedded or
  home-based points of its district (1+N).
- About a third of filed institutions are 普惠, at 1,000–2,000 元/月.
- Places: the classes' planned capacity, calibrated so the institutions providing care hold about
  3.5 places per 1,000 residents (Chengdu 3.56; its target 4.74).
- Class sizes always within the national maximum (the registry refuses more); a few percent of
  institutions plan too few caregivers or too little space, so the rule check has something to show.

Everything is drawn from one `random.Random` and one seeded Faker, in a fixed order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from faker import Faker

from tuoyu.core.rules import setting_standard as std
from tuoyu.core.validators import USCC_ALPHABET, uscc_check_char
from tuoyu.institutions.choices import (
    DEFAULT_PRICE_UNIT,
    PROVIDING_CARE,
    ClassType,
    DemonstrationLevel,
    Ownership,
    RegistrationType,
    ServiceModel,
    ServiceType,
    Status,
)

from .geography import CITY_NAME, CITY_SHORT, Division, split_total

CITY_INSTITUTIONS = 1_600
CITY_DEMONSTRATION = 47  # Chengdu's city-level demonstration institutions
PROVINCE_DEMONSTRATION = 6
NATIONAL_DEMONSTRATION = 2
DISTRICT_DEMONSTRATION_PER_DISTRICT = 8
PLACES_PER_1000 = 3.5  # Chengdu 3.56 (2023)
PUHUI_PRICE_RANGE = (1_000, 2_000)  # 元/月

# Status of ordinary institutions (demonstration ones are filed), chosen so the whole city comes
# out at about 50 % registered and 21 % filed.
STATUS_WEIGHTS = {
    Status.REGISTERED: 0.535, Status.FILED: 0.145, Status.PREPARING: 0.215,
    Status.SUSPENDED: 0.055, Status.DEREGISTERED: 0.05,
}
MODEL_WEIGHTS = {
    "urban": {ServiceModel.STANDALONE: 0.40, ServiceModel.COMMUNITY_EMBEDDED: 0.26,
              ServiceModel.KINDERGARTEN_INTEGRATED: 0.15, ServiceModel.HOME_BASED: 0.10,
              ServiceModel.EMPLOYER_SPONSORED: 0.09},
    "suburban": {ServiceModel.STANDALONE: 0.34, ServiceModel.COMMUNITY_EMBEDDED: 0.25,
                 ServiceModel.KINDERGARTEN_INTEGRATED: 0.20, ServiceModel.HOME_BASED: 0.15,
                 ServiceModel.EMPLOYER_SPONSORED: 0.06},
}
OWNERSHIP_WEIGHTS = {
    ServiceModel.STANDALONE: {Ownership.PRIVATE: 0.62, Ownership.PUBLIC_BUILT_PRIVATE_RUN: 0.13,
                              Ownership.PRIVATE_PUBLIC_AIDED: 0.10, Ownership.PUBLIC: 0.10,
                              Ownership.STATE_OWNED_ENTERPRISE: 0.05},
    ServiceModel.COMMUNITY_EMBEDDED: {Ownership.PUBLIC_BUILT_PRIVATE_RUN: 0.45, Ownership.PRIVATE_PUBLIC_AIDED: 0.20,
                                      Ownership.PRIVATE: 0.25, Ownership.PUBLIC: 0.10},
    ServiceModel.KINDERGARTEN_INTEGRATED: {Ownership.PUBLIC: 0.45, Ownership.PRIVATE: 0.45,
                                           Ownership.PUBLIC_BUILT_PRIVATE_RUN: 0.10},
    ServiceModel.EMPLOYER_SPONSORED: {Ownership.EMPLOYER: 0.50, Ownership.STATE_OWNED_ENTERPRISE: 0.20,
                                      Ownership.UNIVERSITY: 0.20, Ownership.PUBLIC: 0.10},
    ServiceModel.HOME_BASED: {Ownership.PRIVATE: 1.0},
}
# Who registers what, and the first two characters of its credit code (GB 32100: registration
# authority 1 = 机构编制 (事业单位 12), 5 = 民政 (社会服务机构 52), 9 = 市场监管 (企业 91, 个体工商户 92)).
USCC_PREFIX = {
    RegistrationType.PUBLIC_INSTITUTION: "12",
    RegistrationType.SOCIAL_ORGANIZATION: "52",
    RegistrationType.ENTERPRISE: "91",
    RegistrationType.INDIVIDUAL_BUSINESS: "92",
}
# Monthly full-day price ranges (元/月) by ownership, before 普惠.
FULL_DAY_PRICE = {
    Ownership.PUBLIC: (1_500, 2_600), Ownership.PUBLIC_BUILT_PRIVATE_RUN: (1_800, 3_400),
    Ownership.PRIVATE_PUBLIC_AIDED: (1_800, 3_200), Ownership.PRIVATE: (2_600, 6_500),
    Ownership.STATE_OWNED_ENTERPRISE: (1_600, 3_000), Ownership.UNIVERSITY: (1_500, 2_600),
    Ownership.EMPLOYER: (1_500, 2_800),
}
HOURLY_PRICE = (30, 80)  # 元/小时
TEMPORARY_PRICE = (150, 300)  # 元/天
# Shares breaking a rule on purpose (per institution).
TOO_FEW_CAREGIVERS = 0.035
TOO_LITTLE_BUILDING = 0.03
TOO_LITTLE_OUTDOOR = 0.02

BRANDS = (
    "贝乐 童趣 小橡树 爱宝 星宝 乐成 启蒙 暖阳 禾苗 小牛顿 蒲公英 小海豚 彩虹桥 小蜜蜂 向日葵 "
    "七色花 小太阳 知更鸟 小树苗 萌芽 童年树 花骨朵 金宝贝 小天鹅 森林屋 小脚丫 嘟嘟 乐贝 "
    "优贝 艾米 蓓蕾 小书虫 童梦 小星星"
).split()
STANDALONE_SUFFIX = ("托育中心", "托育园", "婴幼儿照护中心", "托育服务中心", "早期发展中心")
HOME_SUFFIX = ("家庭托育点", "家庭托育园", "邻里托育点")
KINDERGARTEN_ADJ = ("实验", "第一", "第二", "第三", "机关", "中心", "新城", "育才", "启明", "明德", "博雅", "春晓")
EMPLOYERS = (
    ("{city}第{n}人民医院", Ownership.PUBLIC, RegistrationType.PUBLIC_INSTITUTION),
    ("{city}妇女儿童医院", Ownership.PUBLIC, RegistrationType.PUBLIC_INSTITUTION),
    ("{city}{adj}大学", Ownership.UNIVERSITY, RegistrationType.PUBLIC_INSTITUTION),
    ("{city}{adj}职业技术学院", Ownership.UNIVERSITY, RegistrationType.PUBLIC_INSTITUTION),
    ("{city}轨道交通集团", Ownership.STATE_OWNED_ENTERPRISE, RegistrationType.ENTERPRISE),
    ("{city}供电公司", Ownership.STATE_OWNED_ENTERPRISE, RegistrationType.ENTERPRISE),
    ("{city}航空港物流集团", Ownership.STATE_OWNED_ENTERPRISE, RegistrationType.ENTERPRISE),
    ("{prefix}科技有限公司", Ownership.EMPLOYER, RegistrationType.ENTERPRISE),
    ("{prefix}电子股份有限公司", Ownership.EMPLOYER, RegistrationType.ENTERPRISE),
    ("{prefix}软件园", Ownership.EMPLOYER, RegistrationType.ENTERPRISE),
    ("{district}人民政府机关", Ownership.EMPLOYER, RegistrationType.PUBLIC_INSTITUTION),
)
UNIVERSITY_ADJ = ("理工", "师范", "医学", "财经", "农业", "工业", "外国语", "体育")
NUMERALS = "一二三四五六七八九十"
CLASS_PREFIX = {ClassType.INFANT: "乳儿", ClassType.TODDLER: "托小", ClassType.OLDER_TODDLER: "托大",
                ClassType.MIXED: "混龄"}


@dataclass
class ClassPlan:
    class_type: str
    planned_capacity: int
    planned_caregivers: int
    name: str = ""


@dataclass
class OfferingPlan:
    service_type: str
    price: Decimal
    price_unit: str


@dataclass
class InstitutionPlan:
    """One institution as the demo city wants it; the seeder turns it into an InstitutionData."""

    key: int  # position in the city's list: the order institutions are generated in
    name: str
    credit_code: str
    registration_type: str
    service_model: str
    ownership: str
    status: str
    district: Division
    street: Division
    community: Division
    address: str
    latitude: Decimal
    longitude: Decimal
    building_area_m2: Decimal
    outdoor_area_m2: Decimal
    opens_at: time
    closes_at: time
    open_days: str
    contact_phone: str
    demonstration_level: str = DemonstrationLevel.NONE
    puhui: bool = False
    puhui_price: Decimal | None = None
    filing_number: str = ""
    filed_on: date | None = None
    lead_credit_code: str = ""  # 1+N: the demonstration institution leading this point
    classes: list[ClassPlan] = field(default_factory=list)
    offerings: list[OfferingPlan] = field(default_factory=list)

    @property
    def places(self) -> int:
        return sum(c.planned_capacity for c in self.classes)

    @property
    def is_point(self) -> bool:
        """Community and home-based points are the N of 1+N (shared/domain/rules.md §6)."""
        return self.service_model in (ServiceModel.COMMUNITY_EMBEDDED, ServiceModel.HOME_BASED)


# Decimals carry exactly the places their model field stores, so a value read back from the
# database compares equal to the plan's and a second seed reports every row unchanged.
MONEY = Decimal("0.01")
AREA = Decimal("0.1")
DEGREES = Decimal("0.000001")


def money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(MONEY)


def degrees(value: float) -> Decimal:
    return Decimal(str(round(value, 6))).quantize(DEGREES)


def _pick(rng: random.Random, weights: dict) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def org_code_check(body8: str) -> str:
    """GB 11714 organisation-code check character (the 9th character of the organisation code
    that makes up positions 9–17 of a credit code): weights 3 7 9 10 5 8 4 2, mod 11."""
    values = [int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in body8]
    remainder = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def make_credit_code(rng: random.Random, registration_type: str, district_code: str) -> str:
    """A valid unified social credit code (GB 32100): authority and category, the registering
    district's 6-digit code, a 9-character organisation code with its own check, the check char."""
    if registration_type == RegistrationType.SOCIAL_ORGANIZATION:
        body = "MJ" + "".join(rng.choice("0123456789") for _ in range(6))  # civil-affairs numbering
    elif registration_type == RegistrationType.PUBLIC_INSTITUTION:
        body = "4" + "".join(rng.choice("0123456789") for _ in range(7))
    else:
        letters = USCC_ALPHABET[10:]
        body = "MA" + "".join(rng.choice("0123456789" + letters) for _ in range(6))
    first17 = USCC_PREFIX[registration_type] + district_code[:6] + body + org_code_check(body)
    return first17 + uscc_check_char(first17)


def _registration_type(rng: random.Random, model: str, ownership: str) -> str:
    if model == ServiceModel.HOME_BASED:
        return RegistrationType.INDIVIDUAL_BUSINESS if rng.random() < 0.8 else RegistrationType.ENTERPRISE
    if ownership in (Ownership.PUBLIC, Ownership.UNIVERSITY):
        return RegistrationType.PUBLIC_INSTITUTION
    if model == ServiceModel.KINDERGARTEN_INTEGRATED:
        return RegistrationType.SOCIAL_ORGANIZATION  # private kindergartens are 民办非企业单位
    if ownership in (Ownership.STATE_OWNED_ENTERPRISE, Ownership.EMPLOYER):
        return RegistrationType.ENTERPRISE
    return RegistrationType.ENTERPRISE if rng.random() < 0.75 else RegistrationType.SOCIAL_ORGANIZATION


def _class(rng: random.Random, class_type: str, capacity: int) -> ClassPlan:
    needed = std.caregivers_needed(class_type, capacity)
    return ClassPlan(class_type, capacity, needed + (1 if rng.random() < 0.4 else 0))


def _classes(rng: random.Random, model: str) -> list[ClassPlan]:
    """Classes with realistic sizes, never above the national maximum for their type."""
    mx = std.max_children
    plan: list[tuple[str, int]] = []
    if model == ServiceModel.HOME_BASED:
        cap = std.HOME_BASED_MAX_CHILDREN.current()
        # A home point takes at most 5 children of mixed ages (mixed class, from 18 months).
        return [_class(rng, ClassType.MIXED, rng.randint(3, cap))]
    if model == ServiceModel.STANDALONE:
        plan = [(ClassType.INFANT, rng.choice((0, 1, 1, 2)))] + [
            (ClassType.TODDLER, rng.randint(1, 3)), (ClassType.OLDER_TODDLER, rng.randint(1, 3)),
            (ClassType.MIXED, rng.choice((0, 0, 1)))]
    elif model == ServiceModel.COMMUNITY_EMBEDDED:
        plan = [(ClassType.INFANT, rng.choice((0, 0, 1))), (ClassType.TODDLER, rng.randint(1, 2)),
                (ClassType.OLDER_TODDLER, rng.randint(1, 2)), (ClassType.MIXED, rng.choice((0, 1)))]
    elif model == ServiceModel.KINDERGARTEN_INTEGRATED:
        # A kindergarten's 托班 mostly takes 2–3-year-olds.
        plan = [(ClassType.TODDLER, rng.choice((0, 0, 1))), (ClassType.OLDER_TODDLER, rng.randint(1, 3))]
    else:  # employer-sponsored
        plan = [(ClassType.INFANT, rng.choice((0, 1))), (ClassType.TODDLER, rng.randint(1, 2)),
                (ClassType.OLDER_TODDLER, rng.randint(1, 2))]
    out = []
    for class_type, count in plan:
        top = mx(class_type)
        for _ in range(count):
            out.append(_class(rng, class_type, rng.randint(max(1, top * 2 // 3), top)))
    return out


def name_classes(classes: list[ClassPlan]) -> None:
    """乳儿一班, 托小一班, 托小二班 …: unique within the institution, in a stable order."""
    order = list(ClassType.values)
    classes.sort(key=lambda c: order.index(c.class_type))
    counters: dict[str, int] = {}
    for c in classes:
        counters[c.class_type] = counters.get(c.class_type, 0) + 1
        c.name = f"{CLASS_PREFIX[c.class_type]}{NUMERALS[counters[c.class_type] - 1]}班"


def _round_to(value: float, step: int) -> int:
    return int(round(value / step)) * step


def _offerings(rng: random.Random, inst: InstitutionPlan) -> list[OfferingPlan]:
    lo, hi = FULL_DAY_PRICE[inst.ownership]
    if inst.service_model == ServiceModel.HOME_BASED:
        lo, hi = 2_000, 3_600
    full = inst.puhui_price if inst.puhui and inst.puhui_price else money(_round_to(rng.uniform(lo, hi), 100))
    out = [OfferingPlan(ServiceType.FULL_DAY, full, DEFAULT_PRICE_UNIT[ServiceType.FULL_DAY])]
    if inst.service_model != ServiceModel.HOME_BASED and rng.random() < 0.3:
        out.append(OfferingPlan(ServiceType.HALF_DAY, money(_round_to(float(full) * 0.6, 50)), DEFAULT_PRICE_UNIT[ServiceType.HALF_DAY]))
    if rng.random() < 0.35:
        out.append(OfferingPlan(ServiceType.HOURLY, money(_round_to(rng.uniform(*HOURLY_PRICE), 5)), DEFAULT_PRICE_UNIT[ServiceType.HOURLY]))
    if rng.random() < 0.25:
        out.append(OfferingPlan(ServiceType.TEMPORARY, money(_round_to(rng.uniform(*TEMPORARY_PRICE), 10)), DEFAULT_PRICE_UNIT[ServiceType.TEMPORARY]))
    return out


class _Namer:
    """Names and credit codes, each unique across the city."""

    def __init__(self, rng: random.Random, fake: Faker) -> None:
        self.rng, self.fake = rng, fake
        self.used: set[str] = set()
        self.codes: set[str] = set()

    def credit_code(self, registration_type: str, district_code: str) -> str:
        while (code := make_credit_code(self.rng, registration_type, district_code)) in self.codes:
            pass
        self.codes.add(code)
        return code

    def unique(self, candidates: list[str]) -> str:
        """The first candidate not taken yet; else the first with a branch number (（二部）…)."""
        name = next((c for c in candidates if c not in self.used), None)
        n = 2
        while name is None or name in self.used:
            name, n = f"{candidates[0]}（{NUMERALS[(n - 1) % 10]}部{'' if n <= 10 else n}）", n + 1
        self.used.add(name)
        return name

    def brand(self) -> str:
        """A two-character trade name from Faker's company prefixes (longer ones read as IT firms)."""
        while len(prefix := self.fake.company_prefix()) != 2:
            pass
        return prefix

    def make(self, model: str, ownership: str, district: Division, street: Division, community: Division,
             ) -> tuple[str, str | None, str | None]:
        """(name, ownership override, registration override) — employers decide their own."""
        rng = self.rng
        short = street.name.removesuffix("街道").removesuffix("镇")
        comm = community.name.removesuffix("社区").removesuffix("村")
        if model == ServiceModel.HOME_BASED:
            names = [f"{comm}{self.fake.last_name()}{rng.choice(('阿姨', '老师', '妈妈'))}{rng.choice(HOME_SUFFIX)}"]
        elif model == ServiceModel.COMMUNITY_EMBEDDED:
            kinds = ["托育服务站", "智慧托育中心", "嵌入式托育点", "托育中心"]
            rng.shuffle(kinds)
            names = [f"{short}{community.name}{k}" for k in kinds]
        elif model == ServiceModel.KINDERGARTEN_INTEGRATED:
            adjectives = list(KINDERGARTEN_ADJ)
            rng.shuffle(adjectives)
            names = [f"{district.name}{adj}幼儿园（{short}园）托班" for adj in adjectives]
        elif model == ServiceModel.EMPLOYER_SPONSORED:
            pattern, own, reg = rng.choice(EMPLOYERS)
            employer = pattern.format(city=CITY_NAME, n=NUMERALS[rng.randrange(9)], adj=rng.choice(UNIVERSITY_ADJ),
                                      prefix=self.fake.company_prefix(), district=district.name)
            return self.unique([f"{employer}职工托育中心", f"{employer}{short}职工托育中心"]), own, reg
        elif ownership == Ownership.PUBLIC:
            names = [f"{district.name}{short}公办托育服务中心", f"{district.name}{comm}公办托育园",
                     f"{district.name}妇幼保健院{short}托育服务中心"]
        else:
            names = [f"{self.brand()}{rng.choice(BRANDS)}{rng.choice(STANDALONE_SUFFIX)}（{short}店）"]
        return self.unique(names), None, None


def _jitter(rng: random.Random, centre: float, spread: float) -> Decimal:
    return degrees(centre + rng.uniform(-spread, spread))


def _phone(rng: random.Random, fake: Faker) -> str:
    if rng.random() < 0.55:
        return fake.phone_number()
    return f"028-8{rng.randint(0, 9_999_999):07d}"  # 028: the demo city borrows Chengdu's area code


def _address(rng: random.Random, fake: Faker, district: Division, community: Division, model: str) -> str:
    road = fake.street_name()
    number = rng.randint(1, 399)
    where = f"{CITY_NAME}{district.name}{road}{number}号"
    if model in (ServiceModel.COMMUNITY_EMBEDDED, ServiceModel.HOME_BASED):
        return f"{where}{community.name.removesuffix('社区').removesuffix('村')}小区{rng.randint(1, 24)}栋{rng.randint(1, 3)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}"
    if rng.random() < 0.4:
        return f"{where}附{rng.randint(1, 20)}号"
    return where


def _build_one(rng: random.Random, fake: Faker, namer: _Namer, key: int, district: Division, street: Division,
               demo_level: str = DemonstrationLevel.NONE) -> InstitutionPlan:
    community = rng.choice(street.children)
    if demo_level != DemonstrationLevel.NONE:
        model = rng.choice((ServiceModel.STANDALONE, ServiceModel.STANDALONE, ServiceModel.COMMUNITY_EMBEDDED,
                            ServiceModel.KINDERGARTEN_INTEGRATED))
        ownership = rng.choice((Ownership.PUBLIC, Ownership.PUBLIC_BUILT_PRIVATE_RUN, Ownership.PRIVATE_PUBLIC_AIDED))
        status = Status.FILED if demo_level != DemonstrationLevel.DISTRICT or rng.random() < 0.85 else Status.REGISTERED
    else:
        model = _pick(rng, MODEL_WEIGHTS[district.kind])
        ownership = _pick(rng, OWNERSHIP_WEIGHTS[model])
        status = _pick(rng, STATUS_WEIGHTS)
    name, own, reg = namer.make(model, ownership, district, street, community)
    ownership = own or ownership
    registration_type = reg or _registration_type(rng, model, ownership)
    classes = _classes(rng, model)
    if model == ServiceModel.HOME_BASED:
        opens, closes = time(8, 0), time(17, 30)
    else:
        opens, closes = rng.choice(((time(7, 30), time(17, 30)), (time(8, 0), time(18, 0)), (time(7, 45), time(17, 45)),
                                    (time(8, 0), time(17, 30))))
    inst = InstitutionPlan(
        key=key, name=name, credit_code=namer.credit_code(registration_type, district.code),
        registration_type=registration_type, service_model=model, ownership=ownership, status=status,
        district=district, street=street, community=community,
        address=_address(rng, fake, district, community, model),
        latitude=_jitter(rng, community.latitude, 0.006), longitude=_jitter(rng, community.longitude, 0.006),
        building_area_m2=Decimal(0), outdoor_area_m2=Decimal(0), opens_at=opens, closes_at=closes,
        open_days="周一至周五" if rng.random() < 0.8 else "周一至周六", contact_phone=_phone(rng, fake),
        demonstration_level=demo_level, classes=classes,
    )
    return inst


def _set_areas(rng: random.Random, inst: InstitutionPlan) -> None:
    """Areas per child against the city's setting (rules.setting_standard), a few short on purpose."""
    per_building = float(std.BUILDING_AREA_PER_CHILD_M2.current())
    per_outdoor = float(std.OUTDOOR_AREA_PER_CHILD_M2.current())
    places = inst.places
    if inst.service_model == ServiceModel.HOME_BASED:
        building = rng.uniform(max(60, places * per_building * 1.3), 140)
        outdoor = rng.uniform(places * per_outdoor * 1.2, 40)
    else:
        building = places * per_building * rng.uniform(1.05, 1.8)
        outdoor = places * per_outdoor * rng.uniform(1.1, 2.6)
    if rng.random() < TOO_LITTLE_BUILDING:
        building = places * per_building * rng.uniform(0.6, 0.92)
    if rng.random() < TOO_LITTLE_OUTDOOR:
        outdoor = places * per_outdoor * rng.uniform(0.3, 0.85)
    inst.building_area_m2 = Decimal(str(round(building, 1))).quantize(AREA)
    inst.outdoor_area_m2 = Decimal(str(round(outdoor, 1))).quantize(AREA)


def _short_of_caregivers(rng: random.Random, inst: InstitutionPlan) -> None:
    candidates = [c for c in inst.classes if c.planned_caregivers >= 2]
    if candidates:
        c = rng.choice(candidates)
        c.planned_caregivers = std.caregivers_needed(c.class_type, c.planned_capacity) - 1


def _calibrate(rng: random.Random, institutions: list[InstitutionPlan], population: int) -> None:
    """Add or drop whole classes at centres until the places of institutions providing care come
    to PLACES_PER_1000 per 1,000 residents (within one class)."""
    target = round(population * PLACES_PER_1000 / 1000)
    adjustable = [i for i in institutions if i.status in PROVIDING_CARE and i.service_model in (
        ServiceModel.STANDALONE, ServiceModel.COMMUNITY_EMBEDDED)]
    rng.shuffle(adjustable)
    total = sum(i.places for i in institutions if i.status in PROVIDING_CARE)
    k = 0
    while total < target - 10 and adjustable:
        inst = adjustable[k % len(adjustable)]
        k += 1
        if len(inst.classes) >= 8:
            continue
        class_type = rng.choice((ClassType.TODDLER, ClassType.OLDER_TODDLER))
        top = std.max_children(class_type)
        c = _class(rng, class_type, rng.randint(top * 2 // 3, top))
        inst.classes.append(c)
        total += c.planned_capacity
    while total > target + 10 and adjustable:
        inst = adjustable[k % len(adjustable)]
        k += 1
        if len(inst.classes) <= 2:
            continue
        total -= inst.classes.pop().planned_capacity


def _file(rng: random.Random, institutions: list[InstitutionPlan]) -> None:
    """Filing dates and numbers, numbered per district and year in date order."""
    filed = [i for i in institutions if i.status == Status.FILED]
    for inst in filed:
        first = 2020 if inst.demonstration_level != DemonstrationLevel.NONE else 2021
        start = date(first, 3, 1)
        inst.filed_on = start + timedelta(days=rng.randrange((date(2025, 10, 31) - start).days))
    seq: dict[tuple[str, int], int] = {}
    for inst in sorted(filed, key=lambda i: (i.district.code, i.filed_on, i.key)):
        year = inst.filed_on.year  # type: ignore[union-attr]
        seq[(inst.district.code, year)] = seq.get((inst.district.code, year), 0) + 1
        short = inst.district.name.removesuffix("区")
        inst.filing_number = f"川{CITY_SHORT}{short}托备〔{year}〕{seq[(inst.district.code, year)]:03d}号"


def _puhui(rng: random.Random, institutions: list[InstitutionPlan]) -> None:
    """About a third of filed institutions are 普惠 (more of the publicly owned), at an approved price."""
    public_like = {Ownership.PUBLIC, Ownership.PUBLIC_BUILT_PRIVATE_RUN, Ownership.PRIVATE_PUBLIC_AIDED,
                   Ownership.UNIVERSITY, Ownership.STATE_OWNED_ENTERPRISE}
    for inst in institutions:
        if inst.status != Status.FILED:
            continue
        chance = 0.42 if inst.ownership in public_like else 0.15
        if inst.demonstration_level != DemonstrationLevel.NONE:
            chance = 0.55
        if rng.random() < chance:
            inst.puhui = True
            inst.puhui_price = money(_round_to(rng.uniform(*PUHUI_PRICE_RANGE), 50))


def _link_points(rng: random.Random, institutions: list[InstitutionPlan]) -> None:
    """1+N: each city-level or higher demonstration institution leads 3–8 points of its district."""
    leaders = [i for i in institutions if i.demonstration_level in (
        DemonstrationLevel.CITY, DemonstrationLevel.PROVINCE, DemonstrationLevel.NATIONAL)]
    by_district: dict[str, list[InstitutionPlan]] = {}
    for inst in institutions:
        if inst.is_point and inst.demonstration_level == DemonstrationLevel.NONE and inst.status != Status.DEREGISTERED:
            by_district.setdefault(inst.district.code, []).append(inst)
    for leader in leaders:
        pool = [p for p in by_district.get(leader.district.code, []) if not p.lead_credit_code]
        # Points of the leader's own street first: the 1+N network is a neighbourhood.
        pool.sort(key=lambda p: (p.street.code != leader.street.code, rng.random()))
        for point in pool[: rng.randint(3, 8)]:
            point.lead_credit_code = leader.credit_code


def build_institutions(rng: random.Random, fake: Faker, city: Division) -> list[InstitutionPlan]:
    """The city's ~1,600 institutions, demonstration ones first in each district."""
    districts = city.children
    namer = _Namer(rng, fake)
    weights = [d.resident_population * (1.15 if d.kind == "urban" else 0.9) for d in districts]
    per_district = split_total(CITY_INSTITUTIONS, weights)
    city_demos = split_total(CITY_DEMONSTRATION, [d.resident_population for d in districts])
    higher = [DemonstrationLevel.NATIONAL] * NATIONAL_DEMONSTRATION + [DemonstrationLevel.PROVINCE] * PROVINCE_DEMONSTRATION
    institutions: list[InstitutionPlan] = []
    for di, district in enumerate(districts):
        streets = district.children
        # Demonstration institutions: the first in the district's first street (so the small city
        # has one), the others spread over its streets.
        levels = [DemonstrationLevel.CITY] * city_demos[di] + [DemonstrationLevel.DISTRICT] * DISTRICT_DEMONSTRATION_PER_DISTRICT
        if di < len(higher):
            levels.insert(1, higher[di])
        for n, level in enumerate(levels):
            street = streets[0] if n == 0 else rng.choice(streets)
            institutions.append(_build_one(rng, fake, namer, len(institutions), district, street, level))
        ordinary = per_district[di] - len(levels)
        street_counts = split_total(ordinary, [s.resident_population * rng.uniform(0.8, 1.2) for s in streets])
        for street, count in zip(streets, street_counts, strict=True):
            for _ in range(count):
                institutions.append(_build_one(rng, fake, namer, len(institutions), district, street))
    for inst in institutions:
        if inst.service_model != ServiceModel.HOME_BASED and rng.random() < TOO_FEW_CAREGIVERS:
            _short_of_caregivers(rng, inst)
    _calibrate(rng, institutions, city.resident_population)
    for inst in institutions:
        name_classes(inst.classes)
        _set_areas(rng, inst)
    _file(rng, institutions)
    _puhui(rng, institutions)
    for inst in institutions:
        inst.offerings = _offerings(rng, inst)
    _link_points(rng, institutions)
    return institutions

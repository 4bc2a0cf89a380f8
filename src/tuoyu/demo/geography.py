"""The demo city's divisions and population: 蓉城市, a fictional city the size of Chengdu.

Codes have the national 12-digit structure (县 6 + 乡镇街道 3 + 村社区 3 digits). The city borrows
Chengdu's real prefecture code 510100, because the demo imitates Chengdu's figures
(shared/domain/city-figures.md) and a made-up prefecture code would look like a typo; its ten
districts are numbered 510151–510160, a block none of Chengdu's real districts or counties uses, so
a demo code is never mistaken for a real district and loading Chengdu's published codes beside the
demo renames nothing. Every name below the city is invented.

Within a district, streets (街道) are numbered 001–0NN and towns (镇) 101–1NN; within a street,
communities (社区) 001–0NN and villages (村) 201–2NN, as the national scheme does.

Population (2025, then 2024 derived from it) adds up the way statistics offices publish it: the
city is the sum of its districts; a district is a little more than the sum of its streets, and a
street a little more than the sum of its communities (some residents are counted only at the upper
level), so the loader's "district below the sum of its streets" warning stays quiet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tuoyu.core.divisions import Level

CITY_CODE = "510100000000"
CITY_NAME = "蓉城市"
CITY_SHORT = "蓉"
CITY_CENTRE = (30.660, 104.063)  # latitude, longitude (CGCS2000/WGS-84)
YEARS = (2024, 2025)

# Shares of the resident population, from the brief for the demo city (Chengdu-like): children
# under 3 about 2.2 %, births about 0.65 % a year; a little higher in the suburbs.
UNDER3_SHARE = {"urban": 0.0205, "suburban": 0.0238}
BIRTH_RATE = {"urban": 0.0061, "suburban": 0.0069}
# Residents counted at the upper level only (collective households, unassigned addresses).
UNASSIGNED_SHARE = 0.03


@dataclass(frozen=True)
class DistrictSpec:
    number: str  # the 5th–6th digits of the code
    name: str
    kind: str  # "urban" (streets only) or "suburban" (streets and towns)
    population_2025: int
    streets: int
    offset: tuple[float, float]  # centre relative to the city centre, degrees
    growth: float  # population growth 2024 → 2025


# Ten districts, about 19.8 million residents (Chengdu: 21.4 million, 1,609 institutions).
DISTRICT_SPECS: tuple[DistrictSpec, ...] = (
    DistrictSpec("51", "锦华区", "urban", 1_420_000, 12, (0.018, 0.032), 0.002),
    DistrictSpec("52", "浣花区", "urban", 1_250_000, 11, (0.012, -0.041), 0.001),
    DistrictSpec("53", "望江区", "urban", 1_580_000, 12, (-0.043, 0.038), 0.003),
    DistrictSpec("54", "金沙区", "urban", 1_790_000, 13, (0.052, -0.018), 0.004),
    DistrictSpec("55", "蜀锦区", "urban", 2_150_000, 13, (-0.051, -0.034), 0.006),
    DistrictSpec("56", "桂溪区", "suburban", 2_840_000, 14, (-0.176, 0.021), 0.021),
    DistrictSpec("57", "白鹭区", "suburban", 2_680_000, 12, (0.203, 0.098), 0.012),
    DistrictSpec("58", "岷江区", "suburban", 2_210_000, 11, (0.021, -0.247), 0.014),
    DistrictSpec("59", "玉垒区", "suburban", 2_060_000, 10, (0.276, -0.221), 0.008),
    DistrictSpec("60", "西岭区", "suburban", 1_840_000, 9, (-0.102, -0.398), 0.005),
)

# Two-character stems for street, town and community names. Invented combinations of common
# place-name words; any likeness to a real street is chance.
STREET_STEMS = (
    "玉沙 芳草 锦官 百花 青龙 白果 桃源 清水 石羊 银杏 黄龙 金桥 柳城 永宁 万春 凤凰 梧桐 莲花 "
    "和平 新华 东升 福田 长乐 丰乐 安仁 宝林 琴台 梨花 紫薇 荷塘 竹林 杏林 松柏 樱桃 槐树 文昌 "
    "崇文 兴隆 太平 乐善 永丰 清源 玉泉 龙潭 河畔 锦绣 翠竹 望丛 浣溪 蜀风 芙蓉 枇杷 海棠 "
    "石桥 沙湾 草堂 双林 红光 青杠 白马 柏合 三圣 银河 云锦 明月 星辰 彩虹 春晖 秋实 "
    "文殊 青衣 府河 南河 北湖 西林 东湖 江安 沙河 桂湖 锦里 花溪 雪峰 茶店 "
    "观音 桂花 石马 仁和 广福 太和 长生 兴福 瑞丰 华兴 永乐 福兴 大丰 同心 凤鸣 "
    "金马 玉林 石室 柳荫 杜鹃 兰亭 梅林 菊园 荷风 藕塘 鹭洲 鹤鸣 鸿福 麒麟 岷山 "
    "蜀都 天府 宝光 青莲 羊西 光华 蔡桥 苏坡 清波 晨辉 朝阳 新城 旭日 平安 吉祥 如意"
).split()

COMMUNITY_STEMS = (
    "南苑 北苑 东苑 西苑 新村 花园 春苑 秋苑 桂苑 竹苑 柳岸 枫林 锦苑 翠苑 金港 银港 "
    "阳光 星光 和美 康乐 幸福 团结 友谊 光明 胜利 建设 前进 红旗 新风 新桥 老街 古井 "
    "水井 石牌 双楠 紫荆 金色 半岛 滨江 湖畔 书香 文苑 学府 华府 雅居 怡园 悦园 "
    "安居 乐居 丽景 嘉园 盛景 御景 锦城 蓉华 蜀华 川华 荷花 莲池 竹溪 清溪 玉带 "
    "金带 环城 二环 三环 东街 西街 南街 北街 中街 上街 下街 河坝 马道 石板 小关 "
    "大院 草市 盐市 米市 骡马 铁路 机场 航空 钢铁 纺织 电子 科技 创新 创业 "
    "青年 育才 实验 新兴 兴隆 丰收 永兴 长青 常乐 安宁 福寿 百福 金鱼 银杏 桂香"
).split()


@dataclass
class Division:
    code: str
    name: str
    level: str
    parent_code: str | None
    kind: str = ""  # urban / suburban, for districts and what lies under them
    latitude: float = 0.0
    longitude: float = 0.0
    # year → (resident population, births, children under 3)
    population: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    children: list[Division] = field(default_factory=list)

    @property
    def resident_population(self) -> int:
        return self.population[YEARS[-1]][0]


def split_total(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder), so the parts add up exactly."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _figures(population_2025: int, kind: str, growth: float, rng: random.Random) -> dict[int, tuple[int, int, int]]:
    """2025 and 2024 figures for one region: residents, births, children under 3."""
    births_2025 = round(population_2025 * BIRTH_RATE[kind] * rng.uniform(0.93, 1.07))
    under3_2025 = round(population_2025 * UNDER3_SHARE[kind] * rng.uniform(0.95, 1.05))
    population_2024 = round(population_2025 / (1 + growth))
    # Births fell year on year in Chinese cities through 2024; children under 3 follow with a lag.
    return {
        2024: (population_2024, round(births_2025 * 1.045), round(under3_2025 * 1.035)),
        2025: (population_2025, births_2025, under3_2025),
    }


def _sum_figures(parts: list[Division]) -> dict[int, tuple[int, int, int]]:
    return {y: tuple(sum(p.population[y][i] for p in parts) for i in range(3)) for y in YEARS}  # type: ignore[misc]


def build_city(rng: random.Random) -> Division:
    """The whole division tree with population, deterministic for a given random state."""
    city = Division(CITY_CODE, CITY_NAME, Level.CITY, None, latitude=CITY_CENTRE[0], longitude=CITY_CENTRE[1])
    street_stems = rng.sample(STREET_STEMS, sum(d.streets for d in DISTRICT_SPECS))
    for spec in DISTRICT_SPECS:
        d_code = f"5101{spec.number}000000"
        d_lat, d_lng = CITY_CENTRE[0] + spec.offset[0], CITY_CENTRE[1] + spec.offset[1]
        district = Division(d_code, spec.name, Level.DISTRICT, CITY_CODE, spec.kind, d_lat, d_lng)
        district.population = _figures(spec.population_2025, spec.kind, spec.growth, rng)
        # Urban districts are all streets; suburban ones keep streets near the centre, towns outside.
        n_towns = 0 if spec.kind == "urban" else spec.streets // 2
        spread = 0.035 if spec.kind == "urban" else 0.075
        weights = [rng.uniform(0.6, 1.5) for _ in range(spec.streets)]
        assigned = round(spec.population_2025 * (1 - UNASSIGNED_SHARE))
        for i, people in enumerate(split_total(assigned, weights)):
            is_town = i >= spec.streets - n_towns
            number = 101 + i - (spec.streets - n_towns) if is_town else i + 1
            stem = street_stems.pop()
            street = Division(
                f"{d_code[:6]}{number:03d}000", f"{stem}镇" if is_town else f"{stem}街道", Level.STREET, d_code,
                spec.kind, round(d_lat + rng.uniform(-spread, spread), 6), round(d_lng + rng.uniform(-spread, spread), 6),
            )
            street.population = _figures(people, spec.kind, spec.growth, rng)
            n_comm = rng.randint(7, 10) if not is_town else rng.randint(6, 9)
            stems = rng.sample(COMMUNITY_STEMS, n_comm)
            c_weights = [rng.uniform(0.5, 1.5) for _ in range(n_comm)]
            n_villages = n_comm // 2 if is_town else 0
            for j, c_people in enumerate(split_total(round(people * (1 - UNASSIGNED_SHARE)), c_weights)):
                is_village = j >= n_comm - n_villages
                c_number = 201 + j - (n_comm - n_villages) if is_village else j + 1
                community = Division(
                    f"{street.code[:9]}{c_number:03d}", f"{stems[j]}村" if is_village else f"{stems[j]}社区",
                    Level.COMMUNITY, street.code, spec.kind,
                    round(street.latitude + rng.uniform(-0.01, 0.01), 6), round(street.longitude + rng.uniform(-0.01, 0.01), 6),
                )
                community.population = _figures(c_people, spec.kind, spec.growth, rng)
                street.children.append(community)
            # A street's figures are not below the sum of its communities' (the loader warns otherwise).
            street.population = _at_least(street.population, _sum_figures(street.children))
            district.children.append(street)
        district.population = _at_least(district.population, _sum_figures(district.children))
        city.children.append(district)
    city.population = _sum_figures(city.children)
    return city


def _at_least(own: dict[int, tuple[int, int, int]], parts: dict[int, tuple[int, int, int]]) -> dict[int, tuple[int, int, int]]:
    return {y: tuple(max(a, b) for a, b in zip(own[y], parts[y], strict=True)) for y in YEARS}  # type: ignore[misc]


def walk(division: Division) -> list[Division]:
    """The division and everything under it, parents before children."""
    out = [division]
    for child in division.children:
        out.extend(walk(child))
    return out

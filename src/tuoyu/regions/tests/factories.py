import factory

from tuoyu.core.divisions import Level
from tuoyu.regions.models import Region, RegionPopulation


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "510100000000"
    name = "测试市"
    level = Level.CITY
    parent = None


def city(code="510100000000", name="蓉城市"):
    return RegionFactory(code=code, name=name, level=Level.CITY)


def district(parent, code, name):
    return RegionFactory(code=code.ljust(12, "0"), name=name, level=Level.DISTRICT, parent=parent)


def street(parent, code, name):
    return RegionFactory(code=code.ljust(12, "0"), name=name, level=Level.STREET, parent=parent)


class RegionPopulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionPopulation

    region = factory.SubFactory(RegionFactory)
    year = 2025
    resident_population = 100_000
    births = 700
    children_under_3 = 2_400

import factory

from tuoyu.core.divisions import Level, prefix_of
from tuoyu.core.permissions import role_may
from tuoyu.core.scoping import Scope
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


class Officer:
    """An officer with one role on one division (regions sits below accounts, so its tests stand in
    for accounts.User with the same small interface the scoping helper asks for)."""

    is_authenticated = True
    pk = None

    def __init__(self, username, role, code):
        self.username, self.role, self.prefix = username, role, prefix_of(code)

    def scope_for(self, action):
        return Scope(frozenset({self.prefix})) if role_may(self.role, action) else Scope()

    def may(self, action):
        return role_may(self.role, action)

    def role_codes(self):
        return {self.role}

    def get_username(self):
        return self.username

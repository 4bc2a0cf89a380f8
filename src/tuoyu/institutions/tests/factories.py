import factory

from tuoyu.core.validators import uscc_check_char
from tuoyu.institutions.choices import (
    ClassType,
    Ownership,
    RegistrationType,
    ServiceModel,
    ServiceType,
    Status,
)
from tuoyu.institutions.models import CareClass, Institution, ServiceOffering


def make_uscc(n: int) -> str:
    """A valid unified social credit code (GB 32100) for test number n."""
    body = f"52510100MJ{n:07d}"[:17]
    return body + uscc_check_char(body)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"小太阳托育中心{n}号")
    credit_code = factory.Sequence(make_uscc)
    registration_type = RegistrationType.SOCIAL_ORGANIZATION
    service_model = ServiceModel.STANDALONE
    ownership = Ownership.PRIVATE
    status = Status.REGISTERED
    address = factory.Sequence(lambda n: f"幸福路{n}号")
    region_code = factory.LazyAttribute(lambda o: o.street.code)
    building_area_m2 = 600
    outdoor_area_m2 = 150


class CareClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareClass

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"托小{n}班")
    class_type = ClassType.TODDLER
    planned_capacity = 15
    planned_caregivers = 3


class ServiceOfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceOffering

    institution = factory.SubFactory(InstitutionFactory)
    service_type = ServiceType.FULL_DAY
    price = 2800
    price_unit = "month"

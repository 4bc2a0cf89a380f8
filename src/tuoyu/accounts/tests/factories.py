import factory

from tuoyu.accounts.models import RoleGrant, User

PASSWORD = "tuoyu-test-pass-2026"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password(PASSWORD)


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)


def user_with_role(username, role, *, region=None, institution=None):
    user = UserFactory(username=username)
    RoleGrantFactory(user=user, role=role, region=region, institution=institution)
    return user

"""factory_boy factories: synthetic people only (Faker sv_SE, valid check digits)."""

import datetime
import random

import factory
from factory.django import DjangoModelFactory

from kaa.accounts.models import Membership, Role, User
from kaa.demo.identity import personnummer_for
from kaa.organisations.models import Municipality, Team
from kaa.register.models import Enrolment, Youth


def make_personnummer(birth: datetime.date, serial: int | None = None, coordination: bool = False) -> str:
    """A synthetic 12-digit personnummer with a valid check digit."""
    serial = random.randint(0, 999) if serial is None else serial
    return personnummer_for(birth, serial, coordination=coordination)


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{9000 + n % 999:04d}")
    name = factory.Sequence(lambda n: f"Testkommun {n}")
    # The KAA's own contact details, printed on letters in place of a missing coach's (fictional range).
    kaa_phone = "08-465 004 10"
    kaa_email = "kaa@example.invalid"


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", "test-password-123")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = Role.COORDINATOR


def staff(role: str, municipality: Municipality, *, team: Team | None = None,
          may_see_protected: bool = False, username: str | None = None) -> User:
    """A user with one role in one municipality."""
    user = UserFactory(**({"username": username} if username else {}))
    MembershipFactory(user=user, municipality=municipality, role=role, team=team,
                      may_see_protected=may_see_protected)
    return user


class YouthFactory(DjangoModelFactory):
    class Meta:
        model = Youth

    municipality = factory.SubFactory(MunicipalityFactory)
    birth_date = factory.LazyFunction(
        lambda: datetime.date(2008, 1, 1) + datetime.timedelta(days=random.randint(0, 900)))
    personnummer = factory.LazyAttributeSequence(
        lambda y, n: make_personnummer(y.birth_date, serial=n % 1000))
    given_name = factory.Faker("first_name", locale="sv_SE")
    family_name = factory.Faker("last_name", locale="sv_SE")
    in_population = True
    municipality_code = factory.LazyAttribute(lambda y: y.municipality.code)
    # A postal address on a made-up street: a letter to the youth can be printed.
    address = factory.Sequence(lambda n: f"Exempelgatan {n % 90 + 1}")
    postal_code = "611 30"
    city = "Nyköping"


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    youth = factory.SubFactory(YouthFactory)
    school_type = "GY"
    programme = "NA"
    start_date = datetime.date(2024, 8, 19)
    source_key = factory.Sequence(lambda n: f"k{n}")

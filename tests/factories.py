"""factory_boy factories for the portal's models."""

import importlib

import factory
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.models import Group

from stakeholders.models import (
    Country,
    FocalPoint,
    Membership,
    Organisation,
    Profile,
    Region,
    StakeholderGroup,
    User,
)
from stakeholders.services import organisation_normalize_name

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A stakeholder whose e-mail address is verified, with the password PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


def staff_role(name: str) -> Group:
    """A staff role as its migration creates it.

    A transactional test (browser, worker) empties the database when it ends, data made by
    migrations included: the role is then made again by the migration's own function.
    """
    group = Group.objects.filter(name=name).first()
    if group is None:
        importlib.import_module("reviews.migrations.0002_staff_roles").create_roles(apps, None)
        importlib.import_module("reviews.migrations.0004_report_roles_and_sweeper").grant(
            apps, None
        )
        group = Group.objects.get(name=name)
    return group


class ModeratorFactory(UserFactory):
    """A staff member in one of the staff roles the migrations create (Moderator by default)."""

    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted is not False:
            self.groups.add(staff_role(extracted or "Moderator"))


class StakeholderGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StakeholderGroup
        django_get_or_create = ["code"]

    code = "civil_society"
    name = "Civil society"
    kind = StakeholderGroup.Kind.CONSTITUENCY


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["code"]

    code = "SN"
    is_un_member_state = True


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "ECE"
    name = factory.LazyAttribute(lambda r: f"Region {r.code}")
    commission = factory.LazyAttribute(lambda r: f"Economic Commission {r.code}")
    headquarters = "Geneva"


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Person {n}")
    stakeholder_group = factory.SubFactory(StakeholderGroupFactory)
    country = factory.SubFactory(CountryFactory)
    preferred_language = "en"
    terms_version = "2026-11"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Migrant Rights Network {n}")
    normalized_name = factory.LazyAttribute(lambda o: organisation_normalize_name(o.name))
    stakeholder_group = factory.SubFactory(StakeholderGroupFactory)
    headquarters_country = factory.SubFactory(CountryFactory)
    verification_status = "verified"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER
    state = Membership.State.ACTIVE


class FocalPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocalPoint

    user = factory.SubFactory(UserFactory)
    country = factory.SubFactory(CountryFactory)
    position = "Director, Department of Migration, Ministry of the Interior"
    verification_status = "pending"
    verification_reason = factory.LazyAttribute(
        lambda fp: "Not confirmed." if fp.verification_status == "rejected" else ""
    )

"""factory_boy factories shared by every test."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.roles import MembershipStatus, Role
from entities.models import BuyerMembership, PublicCategory, PublicStructure, Service
from entities.normalize import search_key
from suppliers.models import IdentifierType, SupplierMembership, SupplierStructure

PASSWORD = "Mot-de-passe-de-test-2026"


def luhn_siret(prefix: str) -> str:
    """A 14-digit SIRET starting with ``prefix`` whose Luhn key is valid."""
    digits = prefix.ljust(13, "0")[:13]
    for last in range(10):
        candidate = digits + str(last)
        total = 0
        for i, ch in enumerate(reversed(candidate)):
            n = int(ch) * (2 if i % 2 else 1)
            total += n - 9 if n > 9 else n
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")
    first_name = "Camille"
    last_name = "Durand"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class SupplierStructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierStructure

    identifier_type = IdentifierType.SIRET
    identifier = factory.Sequence(lambda n: luhn_siret(f"4{n:08d}"))
    name = factory.Sequence(lambda n: f"Entreprise {n}")
    city = "Nantes"
    postcode = "44000"


class SupplierMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierMembership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(SupplierStructureFactory)
    role = Role.PRINCIPAL
    status = MembershipStatus.ACTIVE


class PublicStructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicStructure

    siret = factory.Sequence(lambda n: luhn_siret(f"2{n:08d}"))
    name = factory.Sequence(lambda n: f"Commune numéro {n}")
    search_name = factory.LazyAttribute(lambda o: search_key(o.name))
    search_city = factory.LazyAttribute(lambda o: search_key(o.city))
    category = PublicCategory.COLLECTIVITE
    city = "Rennes"
    postcode = "35000"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    structure = factory.SubFactory(PublicStructureFactory)
    code = factory.Sequence(lambda n: f"SERVICE{n}")
    name = factory.Sequence(lambda n: f"Service {n}")
    active = True


class BuyerMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuyerMembership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(PublicStructureFactory)
    role = Role.PRINCIPAL
    status = MembershipStatus.ACTIVE

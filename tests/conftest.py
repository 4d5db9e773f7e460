"""The fixed cast of every story: two suppliers, two buyers of different structures, an admin.

- ``alice``: principal manager of ``acme`` (ACME Fournitures, SIRET 81234567600017).
- ``bob``: principal manager of ``bakery`` (Boulangerie Martin), must see nothing of ACME.
- ``carla``: buyer of ``beaufort`` (Commune de Beaufort-en-Anjou, service code required,
  services FINANCES and TECHNIQUE active, ARCHIVES inactive).
- ``david``: buyer of ``quimper`` (Centre hospitalier de Quimper, engagement required,
  50-day payment delay), must see nothing addressed to Beaufort.
- ``admin``: staff and superuser.
"""

from __future__ import annotations

import pytest

from entities.models import PublicCategory
from tests.factories import (
    BuyerMembershipFactory,
    PublicStructureFactory,
    ServiceFactory,
    SupplierMembershipFactory,
    SupplierStructureFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache (rate limits, lock-outs, e-mail batch marks keyed by user id) never carries one
    test's state into the next, whose rows reuse the same ids."""
    from django.core.cache import cache

    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def acme(db):
    return SupplierStructureFactory(
        identifier="81234567600017",
        name="ACME Fournitures",
        vat_number="FR19812345676",
        headcount=120,
        size_category="PME",
    )


@pytest.fixture
def bakery(db):
    return SupplierStructureFactory(identifier="73282932000074", name="Boulangerie Martin")


@pytest.fixture
def beaufort(db):
    structure = PublicStructureFactory(
        siret="21490244700017",
        name="Commune de Beaufort-en-Anjou",
        search_name="COMMUNE DE BEAUFORT EN ANJOU",
        category=PublicCategory.COLLECTIVITE,
        service_code_required=True,
        postcode="49250",
        city="Beaufort-en-Anjou",
    )
    ServiceFactory(structure=structure, code="FINANCES", name="Service des finances")
    ServiceFactory(structure=structure, code="TECHNIQUE", name="Services techniques")
    ServiceFactory(structure=structure, code="ARCHIVES", name="Archives municipales", active=False)
    return structure


@pytest.fixture
def quimper(db):
    return PublicStructureFactory(
        siret="26290001200010",
        name="Centre hospitalier de Quimper",
        search_name="CENTRE HOSPITALIER DE QUIMPER",
        category=PublicCategory.SANTE,
        engagement_required=True,
        postcode="29000",
        city="Quimper",
    )


@pytest.fixture
def alice(acme):
    user = UserFactory(email="alice@acme.test", first_name="Alice", last_name="Martin")
    SupplierMembershipFactory(user=user, structure=acme)
    return user


@pytest.fixture
def bob(bakery):
    user = UserFactory(email="bob@boulangerie.test", first_name="Bob", last_name="Leroy")
    SupplierMembershipFactory(user=user, structure=bakery)
    return user


@pytest.fixture
def carla(beaufort):
    user = UserFactory(email="carla@beaufort.test", first_name="Carla", last_name="Petit")
    BuyerMembershipFactory(user=user, structure=beaufort)
    return user


@pytest.fixture
def david(quimper):
    user = UserFactory(email="david@ch-quimper.test", first_name="David", last_name="Morel")
    BuyerMembershipFactory(user=user, structure=quimper)
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(email="admin@exemple.test", is_staff=True, is_superuser=True)

"""The works cast: the maître d'œuvre Atelier Moreau Architectes (SIRET 51234567900017) with its
user Maxime and its technical account, on top of the fixed cast of ``tests/conftest.py``."""

from __future__ import annotations

import pytest

from accounts.services import technical_account_create
from tests.api.conftest import TECH_PASSWORD, _fresh_rate_limit, api, oauth_app, tech_accounts
from tests.factories import SupplierMembershipFactory, SupplierStructureFactory, UserFactory

# The API cast of tests/api (one OAuth application, a technical account per structure).
__all__ = ["_fresh_rate_limit", "api", "oauth_app", "tech_accounts"]

MOE_SIRET = "51234567900017"


@pytest.fixture
def moreau(db):
    return SupplierStructureFactory(identifier=MOE_SIRET, name="Atelier Moreau Architectes")


@pytest.fixture
def maxime(moreau):
    user = UserFactory(email="maxime@moreau.test", first_name="Maxime", last_name="Moreau")
    SupplierMembershipFactory(user=user, structure=moreau)
    return user


@pytest.fixture
def moe_account(moreau):
    account, _ = technical_account_create(
        structure=moreau, actor=None, login="TECH-MOREAU", password=TECH_PASSWORD
    )
    return account

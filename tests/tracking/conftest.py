"""Fixtures of the lifecycle stories, on top of the fixed cast of ``tests/conftest.py``."""

from __future__ import annotations

import pytest

from entities.models import Service
from tests.factories import BuyerMembershipFactory, UserFactory

from .factories import make_invoice


@pytest.fixture
def finances(beaufort):
    return Service.objects.get(structure=beaufort, code="FINANCES")


@pytest.fixture
def technique(beaufort):
    return Service.objects.get(structure=beaufort, code="TECHNIQUE")


@pytest.fixture
def invoice(alice, acme, beaufort, finances, carla):
    """ACME's invoice to the Commune de Beaufort (FINANCES), just deposited by ACME's software
    (the API's technical account, no person): every member hears of each change (a person is not
    notified of their own action, issue #18 §5 — see test_notification_count.py)."""
    return make_invoice(supplier=acme, recipient=beaufort, service=finances, actor=None)


@pytest.fixture
def eric(beaufort, technique):
    """A buyer of Beaufort restricted to the TECHNIQUE service."""
    from accounts.roles import Role

    user = UserFactory(email="eric@beaufort.test", first_name="Éric", last_name="Roux")
    membership = BuyerMembershipFactory(user=user, structure=beaufort, role=Role.USER)
    membership.services.add(technique)
    return user

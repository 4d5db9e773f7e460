"""`make run` seeds the demo accounts every time: the command must be idempotent and keep the
exact documented values (acceptance checks outside this repository log in with them)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import User
from entities.models import BuyerMembership, PublicStructure
from suppliers.models import SupplierMembership, SupplierStructure

pytestmark = pytest.mark.django_db

DEMO_LOGINS = [
    ("admin@chorus.test", "Demo-Admin-2026!"),
    ("fournisseur@chorus.test", "Demo-Fournisseur-2026!"),
    ("acheteur@chorus.test", "Demo-Acheteur-2026!"),
]


def _snapshot() -> dict[str, int]:
    from django.apps import apps

    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label
        in {
            "accounts",
            "suppliers",
            "entities",
            "invoices",
            "tracking",
            "cpro",
            "compliance",
            "helpcentre",
            "account",
        }
    }


def test_seed_demo_creates_the_documented_accounts_and_structures(client):
    call_command("seed_demo")
    for email, password in DEMO_LOGINS:
        assert client.login(email=email, password=password), email
        client.logout()
    admin = User.objects.get(email="admin@chorus.test")
    assert admin.is_staff and admin.is_superuser
    acme = SupplierStructure.objects.get(identifier="81234567600017")
    assert acme.name == "ACME Fournitures"
    assert SupplierMembership.objects.get(structure=acme).user.email == "fournisseur@chorus.test"
    assert SupplierMembership.objects.get(structure=acme).role == "GESTIONNAIRE_PRINCIPAL"
    beaufort = PublicStructure.objects.get(siret="21490244700017")
    assert beaufort.name == "Commune de Beaufort-en-Anjou"
    assert BuyerMembership.objects.get(structure=beaufort).user.email == "acheteur@chorus.test"
    assert PublicStructure.objects.get(siret="26290001200010").name == "Centre hospitalier de Quimper"
    assert (
        PublicStructure.objects.get(siret="13000123300019").name
        == "Direction départementale des finances publiques du Finistère"
    )


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first


def test_seed_demo_restores_a_changed_demo_password(client):
    call_command("seed_demo")
    user = User.objects.get(email="fournisseur@chorus.test")
    user.set_password("autre-chose-2026")
    user.save()
    call_command("seed_demo")
    assert client.login(email="fournisseur@chorus.test", password="Demo-Fournisseur-2026!")

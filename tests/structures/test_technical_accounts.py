"""Technical accounts for the API: created and renewed by a manager, password shown once and
stored hashed, with an expiry date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import TechnicalAccount
from accounts.roles import Role
from accounts.selectors import technical_account_authenticate
from accounts.services import technical_account_create, technical_account_deactivate, technical_account_renew
from tests.factories import SupplierMembershipFactory

pytestmark = pytest.mark.django_db


def test_manager_creates_the_account_and_gets_the_password_once(alice, acme):
    account, password = technical_account_create(structure=acme, actor=alice)
    # The login defaults to TECH-<identifier>; the password is random and only its hash is kept
    assert account.login == "TECH-81234567600017"
    assert len(password) >= 20
    assert password not in account.password and account.password.startswith(("md5$", "pbkdf2", "argon2"))
    assert account.supplier_structure == acme and account.public_structure is None
    assert timedelta(days=364) < account.expires_at - timezone.now() <= timedelta(days=365)
    assert technical_account_authenticate(login=account.login, password=password) == account


def test_buyer_structure_gets_one_too(carla, beaufort):
    account, password = technical_account_create(
        structure=beaufort, actor=carla, login="TECH-BEAUFORT", validity_days=30
    )
    assert account.public_structure == beaufort
    assert technical_account_authenticate(login="TECH-BEAUFORT", password=password) == account


def test_wrong_password_unknown_login_expired_or_inactive_are_refused(alice, acme):
    account, password = technical_account_create(structure=acme, actor=alice, validity_days=10)
    assert technical_account_authenticate(login=account.login, password=password + "x") is None
    assert technical_account_authenticate(login="INCONNU", password=password) is None
    with freeze_time(timezone.now() + timedelta(days=11)):
        assert technical_account_authenticate(login=account.login, password=password) is None
    technical_account_deactivate(account=account, actor=alice)
    assert technical_account_authenticate(login=account.login, password=password) is None


def test_account_of_an_inactive_structure_is_refused(alice, acme):
    account, password = technical_account_create(structure=acme, actor=alice)
    acme.active = False
    acme.save(update_fields=["active"])
    assert technical_account_authenticate(login=account.login, password=password) is None


def test_renewal_replaces_the_password_and_the_expiry(alice, acme):
    account, old = technical_account_create(structure=acme, actor=alice, validity_days=5)
    with freeze_time(timezone.now() + timedelta(days=4)):
        renewed, new = technical_account_renew(account=account, actor=alice, validity_days=365)
        assert new != old
        assert technical_account_authenticate(login=account.login, password=old) is None
        assert technical_account_authenticate(login=account.login, password=new) == account
        assert renewed.renewed_at is not None
    with freeze_time(timezone.now() + timedelta(days=300)):
        assert technical_account_authenticate(login=account.login, password=new) == account


def test_only_managers_create_or_renew(acme, alice, bob):
    user = SupplierMembershipFactory(structure=acme, role=Role.USER).user
    for actor in (user, bob):
        with pytest.raises(PermissionDenied):
            technical_account_create(structure=acme, actor=actor)
    account, _password = technical_account_create(structure=acme, actor=alice)
    with pytest.raises(PermissionDenied):
        technical_account_renew(account=account, actor=bob)


def test_one_account_per_structure_and_unique_logins(alice, acme, bob, bakery):
    technical_account_create(structure=acme, actor=alice, login="TECH-ACME")
    with pytest.raises(ValidationError, match="déjà un compte technique"):
        technical_account_create(structure=acme, actor=alice)
    with pytest.raises(ValidationError, match="L'identifiant TECH-ACME est déjà utilisé"):
        technical_account_create(structure=bakery, actor=bob, login="TECH-ACME")
    with pytest.raises(ValidationError, match="est invalide"):
        technical_account_create(structure=bakery, actor=bob, login="a b")
    with pytest.raises(ValidationError, match="entre 1 et 730 jours"):
        technical_account_create(structure=bakery, actor=bob, validity_days=0)
    assert TechnicalAccount.objects.count() == 1


def test_demo_style_account_with_a_documented_password(acme):
    account, password = technical_account_create(
        structure=acme, actor=None, login="TECH-ACME", password="Demo-Tech-2026!"
    )
    assert password == "Demo-Tech-2026!"
    assert technical_account_authenticate(login="TECH-ACME", password="Demo-Tech-2026!") == account


def test_page_shows_the_password_on_the_answer_only(as_user, alice, acme):
    client = as_user(alice, f"fournisseur:{acme.pk}")
    response = client.post(reverse("suppliers:technical_account"), {"login": "", "validity_days": "365"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert password and password in response.content.decode()
    account = TechnicalAccount.objects.get(supplier_structure=acme)
    assert technical_account_authenticate(login=account.login, password=password) == account
    # Never again
    assert password not in client.get(reverse("suppliers:technical_account")).content.decode()
    assert password not in client.get(reverse("suppliers:structure_detail")).content.decode()
    # Renewal from the same page
    response = client.post(reverse("suppliers:technical_account"), {"validity_days": "90"})
    new = response.context["password"]
    assert new != password
    assert technical_account_authenticate(login=account.login, password=new) == account


def test_buyer_manager_page(as_user, carla, beaufort):
    client = as_user(carla, f"acheteur:{beaufort.pk}")
    response = client.post(
        reverse("entities:technical_account"), {"login": "TECH-BEAUFORT", "validity_days": "365"}
    )
    assert response.context["password"]
    assert TechnicalAccount.objects.get(public_structure=beaufort).login == "TECH-BEAUFORT"

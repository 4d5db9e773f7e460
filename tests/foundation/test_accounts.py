"""A person creates an account, confirms their e-mail, logs in, forgets their password; repeated
failed logins lock the account out for a while."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _link_in_last_mail() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"http://testserver(/\S+)", body)
    assert match, body
    return match.group(1)


def test_sign_up_requires_email_confirmation_then_logs_in(client):
    # When a visitor signs up
    response = client.post(
        "/compte/signup/",
        {
            "first_name": "Jeanne",
            "last_name": "Robert",
            "email": "Jeanne.Robert@Exemple.fr",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
        },
    )
    # Then they are asked to confirm their address, and cannot use the portal yet
    assert response.status_code == 302
    assert response["Location"] == "/compte/confirm-email/"
    user = User.objects.get(email__iexact="jeanne.robert@exemple.fr")
    assert user.first_name == "Jeanne" and user.last_name == "Robert"
    assert len(mail.outbox) == 1
    assert client.get("/tableau-de-bord/").status_code == 302
    # When they follow the link of the e-mail and confirm
    link = _link_in_last_mail()
    assert client.get(link).status_code == 200
    response = client.post(link)
    # Then the address is verified and they are logged in on their dashboard
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified
    assert client.get("/tableau-de-bord/").status_code == 200


def test_sign_up_rejects_weak_password_with_french_message(client):
    response = client.post(
        "/compte/signup/",
        {
            "first_name": "Jean",
            "last_name": "Petit",
            "email": "jean@exemple.fr",
            "password1": "123456",
            "password2": "123456",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "trop court" in body or "trop courant" in body
    assert not User.objects.filter(email="jean@exemple.fr").exists()


def test_login_with_email_and_password_reaches_dashboard(client):
    UserFactory(email="marie@exemple.fr")
    response = client.post("/compte/login/", {"login": "marie@exemple.fr", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/tableau-de-bord/"


def test_wrong_password_is_refused_with_a_french_message(client):
    UserFactory(email="marie@exemple.fr")
    response = client.post("/compte/login/", {"login": "marie@exemple.fr", "password": "faux"})
    assert response.status_code == 200
    assert "incorrect" in response.content.decode()


def test_repeated_failed_logins_lock_the_account_out(client):
    # Given five failed attempts on the same account
    UserFactory(email="cible@exemple.fr")
    for _ in range(5):
        client.post("/compte/login/", {"login": "cible@exemple.fr", "password": "mauvais"})
    # When the right password comes next
    response = client.post("/compte/login/", {"login": "cible@exemple.fr", "password": PASSWORD})
    # Then the login is still refused for now
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives de connexion échouées" in response.content.decode()


def test_password_reset_by_email(client):
    # Given a user who forgot their password
    UserFactory(email="oubli@exemple.fr")
    # When they ask for a reset link
    response = client.post("/compte/password/reset/", {"email": "oubli@exemple.fr"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    # and follow it to choose a new password
    response = client.get(_link_in_last_mail())
    assert response.status_code == 302  # allauth moves the key into the session
    response = client.post(
        response["Location"],
        {
            "password1": "Nouveau-mot-de-passe-2026",
            "password2": "Nouveau-mot-de-passe-2026",
        },
    )
    assert response.status_code == 302
    # Then the new password works and the old one does not
    client.logout()
    assert client.login(email="oubli@exemple.fr", password="Nouveau-mot-de-passe-2026")
    assert not client.login(email="oubli@exemple.fr", password=PASSWORD)


def test_two_factor_authentication_can_be_enabled(client):
    user = UserFactory(email="prudent@exemple.fr")
    client.force_login(user)
    response = client.get("/compte/2fa/totp/activate/")
    # allauth asks for the password again before sensitive changes; either way the page exists
    assert response.status_code in (200, 302)

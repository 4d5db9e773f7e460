"""Small things that looked broken to a new user (issue 18, point 7)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_confirmation_email_names_the_portal_not_the_host(client):
    # When a visitor signs up
    client.post(
        "/compte/signup/",
        {
            "first_name": "Jeanne",
            "last_name": "Robert",
            "email": "jeanne@exemple.fr",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
        },
    )
    # Then the confirmation e-mail greets from « Chorus », never from the server's address
    body = mail.outbox[-1].body
    assert "Chorus" in body and "testserver" not in body.split("http://testserver")[0]


def test_the_confirmation_message_is_shown_at_once_not_later(client):
    response = client.post(
        "/compte/signup/",
        {
            "first_name": "Paul",
            "last_name": "Durand",
            "email": "paul.message@exemple.fr",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
        },
    )
    # The « e-mail sent » message is on allauth's page that follows the sign-up
    assert "E-mail de confirmation envoyé" in client.get(response["Location"]).content.decode()
    # and is not left over for a later page (next to « Vous avez confirmé »)
    assert "E-mail de confirmation envoyé" not in client.get("/").content.decode()


def test_password_rules_are_separate_lines():
    from django.template import Context, Template

    html = Template("{{ h|hint_lines }}").render(Context({"h": "<ul><li>Un.</li><li>Deux.</li></ul>"}))
    assert html == "Un.<br>Deux."


def test_the_signup_page_lists_the_password_rules_one_per_line(client):
    page = client.get("/compte/signup/").content.decode()
    assert "informations personnelles.<br>" in page


def test_footer_pages_and_accessibility_statement(client):
    home = client.get("/").content.decode()
    for name, title in (
        ("legal_notice", "Mentions légales"),
        ("privacy", "Données personnelles"),
        ("cookies", "Gestion des cookies"),
        ("accessibility", "Déclaration d'accessibilité"),
    ):
        url = reverse(name)
        assert f'href="{url}"' in home
        assert title in client.get(url).content.decode()


def test_an_unknown_address_shows_the_portal_404_even_in_debug(client, settings):
    settings.DEBUG = True
    response = client.get("/cette-page-n-existe-pas/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page non trouvée" in body and "URLconf" not in body


def test_the_403_page_is_the_portals(rf):
    from chorus.views import error_403

    request = rf.get("/")
    request.user = UserFactory()
    response = error_403(request)
    assert response.status_code == 403 and "Accès refusé" in response.content.decode()


def test_the_admin_lands_on_an_overview(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Administration du portail" in page and "aucune structure" not in page
    assert reverse("helpcentre:staff_requests") in page

"""A new user signs up, creates a structure with a SIRET and sees it; a second user asks to join
it and the manager approves.

The sign-up goes through the real e-mail confirmation: the test reads allauth's message from
``django.core.mail.outbox`` (the live server runs in this process, with the in-memory e-mail
backend of the test settings) and opens the link it contains.
"""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail

from accounts.roles import MembershipStatus, Role
from suppliers.models import SupplierMembership, SupplierStructure
from tests.browser.conftest import login
from tests.factories import PASSWORD, UserFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.browser

EVE_PASSWORD = "Un-mot-de-passe-solide-2026"


def sign_up(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/compte/signup/")
    page.fill("input[name=first_name]", "Ève")
    page.fill("input[name=last_name]", "Marchand")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", EVE_PASSWORD)
    page.fill("input[name=password2]", EVE_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/compte/confirm-email/$"))
    # The confirmation e-mail, sent by the live server
    message = next(m for m in mail.outbox if email in m.to)
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()


@pytest.mark.django_db(transaction=True)
def test_new_user_creates_a_structure_and_approves_a_second_user(live_server, browser_page, browser):
    page = browser_page
    # Given a visitor who signs up and confirms her address
    sign_up(page, live_server, "eve@acme.test")
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
    # When she creates her structure, first with a mistyped SIRET
    page.get_by_role("link", name="Créer une structure").first.click()
    page.select_option("select[name=identifier_type]", "SIRET")
    page.fill("input[name=identifier]", "81234567600018")
    page.fill("input[name=name]", "ACME Fournitures")
    page.fill("input[name=headcount]", "120")
    page.get_by_role("button", name="Créer la structure").click()
    # Then the error is shown next to the SIRET field, in French
    error = page.locator("#id_identifier-desc-error")
    assert "Le SIRET 81234567600018 est invalide : la clé de contrôle ne correspond pas" in error.inner_text()
    # When she corrects it
    page.fill("input[name=identifier]", "812 345 676 00017")
    page.get_by_role("button", name="Créer la structure").click()
    # Then she sees her structure, as its principal manager
    page.wait_for_url(f"{live_server.url}/fournisseur/structure/")
    assert page.get_by_role("heading", name="ACME Fournitures", level=1).is_visible()
    assert "81234567600017" in page.locator("main").inner_text()
    assert "Gestionnaire principal" in page.locator("main").inner_text()
    assert "Petite ou moyenne entreprise" in page.locator("main").inner_text()

    # Given a second user with an account
    frank = UserFactory(email="frank@acme.test", first_name="Frank", last_name="Roux")
    other = browser.new_context(locale="fr-FR")
    frank_page = other.new_page()
    frank_page.set_default_timeout(15_000)
    login(frank_page, live_server, frank.email, PASSWORD)
    frank_page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
    # When he asks to join ACME by its SIRET
    frank_page.get_by_role("link", name="Rejoindre une structure").first.click()
    frank_page.fill("input[name=identifier]", "81234567600017")
    frank_page.get_by_role("button", name="Envoyer la demande").click()
    assert (
        "Votre demande pour rejoindre ACME Fournitures est envoyée" in frank_page.locator("body").inner_text()
    )

    # Then Eve finds the request in her approvals and approves it
    page.goto(f"{live_server.url}/fournisseur/structure/")
    page.get_by_role("link", name="Voir les demandes").click()
    assert "frank@acme.test" in page.locator("main").inner_text()
    page.get_by_role("button", name="Approuver frank@acme.test").click()
    assert "Frank Roux est maintenant membre de la structure." in page.locator("body").inner_text()

    # And Frank now works for ACME
    frank_page.goto(f"{live_server.url}/tableau-de-bord/")
    assert "ACME Fournitures" in frank_page.locator("main").inner_text()
    frank_page.goto(f"{live_server.url}/fournisseur/structure/")
    assert "Utilisateur" in frank_page.locator("main").inner_text()
    other.close()

    structure = SupplierStructure.objects.get(identifier="81234567600017")
    roles = dict(SupplierMembership.objects.filter(structure=structure).values_list("user__email", "role"))
    assert roles == {"eve@acme.test": Role.PRINCIPAL, "frank@acme.test": Role.USER}
    assert not SupplierMembership.objects.exclude(status=MembershipStatus.ACTIVE).exists()

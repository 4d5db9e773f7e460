"""A visitor discovers the portal."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_visitor_sees_home_page_in_french_with_dsfr_header(client):
    # When a visitor opens the home page
    response = client.get("/")
    # Then it answers in French with the State header and the obligation calendar
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="fr"' in body
    assert "République<br>Française" in body
    assert "fr-header" in body and "fr-footer" in body
    assert "fr-skiplinks" in body
    for year in ("2017", "2018", "2019", "2020"):
        assert year in body


@pytest.mark.django_db
def test_page_needing_login_redirects_to_login(client):
    response = client.get("/tableau-de-bord/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/?next=/tableau-de-bord/")


@pytest.mark.django_db
def test_unknown_page_answers_a_dsfr_404(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


@pytest.mark.django_db
def test_supplier_dashboard_shows_their_structure(client, alice, acme):
    client.force_login(alice)
    response = client.get("/tableau-de-bord/")
    assert response.status_code == 200
    assert "ACME Fournitures" in response.content.decode()


@pytest.mark.django_db
def test_portal_stays_french_for_an_english_browser_until_the_user_switches(client):
    # Given a browser that prefers English
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    # Then the portal still answers in French
    assert "1er janvier 2017" in response.content.decode()  # French ordinal (issue 18)
    # When the user picks English in the footer
    client.post("/langue/", {"language": "en", "next": "/"})
    # Then dates and translated texts switch to English
    assert "1 January 2017" in client.get("/").content.decode()

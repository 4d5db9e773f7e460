"""ACME names its maître d'œuvre on the invoice form by searching it as it types, by name or by
the start of its SIRET: only companies (SIRET) are listed, never private persons, and only to a
signed-in user."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from common.identifiers import IdentifierType
from invoices.choices import Framework
from suppliers.selectors import SEARCH_LIMIT, supplier_structures_search
from tests.factories import SupplierStructureFactory

from .conftest import MOE_SIRET

pytestmark = pytest.mark.django_db
URL = reverse("suppliers:structure_search_json")


def names(response) -> list[str]:
    assert response.status_code == 200
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def others(moreau):
    """A private person and a closed company of the same name, beside Atelier Moreau."""
    SupplierStructureFactory(
        identifier_type=IdentifierType.PARTICULIER, identifier="MOREAU-JEAN-1970", name="Jean Moreau"
    )
    SupplierStructureFactory(identifier="51234567900025", name="Moreau Démolition", active=False)


def test_acme_finds_its_moe_by_name_and_by_siret_prefix(client, alice, moreau, others):
    # Given Alice of ACME is signed in
    client.force_login(alice)
    # When she types part of the name, in any case, or two words of it
    for query in ("moreau", "MOREAU", "atelier mor"):
        # Then Atelier Moreau is found, with what the form fills in
        assert names(client.get(URL, {"q": query})) == ["Atelier Moreau Architectes"]
    row = client.get(URL, {"q": "moreau"}).json()["results"][0]
    assert row["siret"] == MOE_SIRET
    # When she types the start of its SIRET, spaces included
    assert names(client.get(URL, {"q": "512 345"})) == ["Atelier Moreau Architectes"]
    assert names(client.get(URL, {"q": MOE_SIRET})) == ["Atelier Moreau Architectes"]
    # Then neither the private person nor the closed company is ever listed
    assert "Jean Moreau" not in names(client.get(URL, {"q": "jean"}))
    assert names(client.get(URL, {"q": "démolition"})) == []


def test_the_search_leaves_out_the_callers_own_structure(client, alice, acme, moreau):
    client.force_login(alice)
    assert names(client.get(URL, {"q": "acme"})) == []
    assert names(client.get(URL, {"q": "812345"})) == []


def test_the_search_needs_a_signed_in_user(client, moreau):
    response = client.get(URL, {"q": "moreau"})
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))


def test_short_or_odd_queries_find_nothing(client, alice, moreau):
    client.force_login(alice)
    assert names(client.get(URL, {"q": "m"})) == []
    assert names(client.get(URL, {"q": ""})) == []
    assert names(client.get(URL, {"q": "5" * 15})) == []  # longer than a SIRET


def test_at_most_ten_results_sorted_by_name(db):
    # Given 12 companies whose names share a word
    for n in range(12):
        SupplierStructureFactory(identifier=f"7000000000{n:04d}", name=f"Bâtiment Durand {11 - n:02d}")
    # When one searches that word, ten are listed, in name order
    found = supplier_structures_search(query="durand")
    assert len(found) == SEARCH_LIMIT == 10
    assert [s.name for s in found] == sorted(s.name for s in found)
    # And by a SIRET prefix, in SIRET order
    by_siret = supplier_structures_search(query="700000")
    assert [s.identifier for s in by_siret] == [f"7000000000{n:04d}" for n in range(10)]


def test_the_form_offers_the_search_for_the_moe_field(client, alice):
    # Without JavaScript the SIRET field stays; the page tells the script where to search
    client.force_login(alice)
    page = client.get(reverse("invoices:create")).content.decode()
    assert re.search(r'data-validator-search-url="([^"]+)"', page).group(1) == URL
    assert 'name="validator_identifier"' in page and 'id="validator-results"' in page
    assert Framework.A4 in re.search(r'data-validator-frameworks="([^"]*)"', page).group(1)

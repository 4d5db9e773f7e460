"""The public directory: indexed, bounded search; what each recipient requires; the JSON search
used by the invoice form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from entities import selectors
from entities.models import PAYMENT_DELAY_DAYS, PublicCategory
from tests.factories import PublicStructureFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ddfip(db):
    return PublicStructureFactory(
        siret="13000123300019",
        name="Direction départementale des finances publiques du Finistère",
        category=PublicCategory.ETAT,
        postcode="29000",
        city="Quimper",
        search_city="QUIMPER",
    )


def names(rows) -> list[str]:
    return [s.name for s in rows]


def test_payment_delay_follows_the_category(beaufort, quimper, ddfip):
    # Délai global de paiement: 30 days for the State and local authorities, 50 for public hospitals
    assert (beaufort.payment_delay_days, quimper.payment_delay_days, ddfip.payment_delay_days) == (30, 50, 30)
    assert PAYMENT_DELAY_DAYS[PublicCategory.ENTREPRISE_PUBLIQUE] == 60


def test_search_by_siret_prefix_name_words_postcode_and_city(beaufort, quimper, ddfip):
    assert names(selectors.directory_search(query="21490244700017")) == ["Commune de Beaufort-en-Anjou"]
    assert names(selectors.directory_search(query="2629 0001")) == ["Centre hospitalier de Quimper"]
    assert names(selectors.directory_search(siret="1300")) == [ddfip.name]
    # Words of the name, in any order, without accents or case
    assert names(selectors.directory_search(query="beaufort")) == ["Commune de Beaufort-en-Anjou"]
    assert names(selectors.directory_search(query="finistere finances")) == [ddfip.name]
    assert names(selectors.directory_search(query="hospitalier quimper")) == ["Centre hospitalier de Quimper"]
    assert names(selectors.directory_search(postcode="290")) == ["Centre hospitalier de Quimper", ddfip.name]
    assert names(selectors.directory_search(query="centre", postcode="29")) == [
        "Centre hospitalier de Quimper"
    ]
    assert selectors.directory_search(query="introuvable") == []


def test_search_by_city(beaufort, ddfip):
    beaufort.search_city = "BEAUFORT EN ANJOU"
    beaufort.save(update_fields=["search_city"])
    assert names(selectors.directory_search(city="Beaufort-en")) == ["Commune de Beaufort-en-Anjou"]
    assert names(selectors.directory_search(city="quimper")) == [ddfip.name]


def test_inactive_structures_are_left_out_but_still_found_by_their_detail(client, beaufort):
    beaufort.active = False
    beaufort.save(update_fields=["active"])
    assert selectors.directory_search(query="beaufort") == []
    assert selectors.public_structure_get_active(siret=beaufort.siret) is None
    page = client.get(reverse("entities:directory_detail", args=[beaufort.siret])).content.decode()
    assert "n&#x27;est plus active" in page or "n'est plus active" in page


def test_results_are_bounded_and_paged(db):
    for i in range(30):
        PublicStructureFactory(name=f"Commune numéro {i:02d}")
    first = selectors.directory_search(query="commune", limit=20)
    second = selectors.directory_search(query="commune", limit=20, offset=20)
    assert len(first) == 20 and len(second) == 10
    assert not set(names(first)) & set(names(second))
    assert len(selectors.directory_search(query="commune", limit=10_000)) == 30  # capped at MAX_LIMIT (100)
    assert len(selectors.directory_search(limit=10_000)) <= selectors.MAX_LIMIT


def test_active_services_are_active_and_within_their_validity_dates(beaufort):
    today = timezone.localdate()
    ServiceFactory(structure=beaufort, code="FUTUR", valid_from=today + timedelta(days=1))
    ServiceFactory(structure=beaufort, code="ECHU", valid_to=today - timedelta(days=1))
    ServiceFactory(structure=beaufort, code="BORNE", valid_from=today, valid_to=today)
    codes = list(selectors.services_active(structure=beaufort).values_list("code", flat=True))
    assert codes == ["BORNE", "FINANCES", "TECHNIQUE"]
    archives = selectors.service_get(structure=beaufort, code="ARCHIVES")
    assert archives is not None and not selectors.service_is_active(service=archives)
    assert selectors.service_get(structure=beaufort, code="INCONNU") is None


def test_public_structure_get_active(beaufort):
    assert selectors.public_structure_get_active(siret="214 902 447 00017") == beaufort
    assert selectors.public_structure_get_active(siret="") is None


# --- Pages -------------------------------------------------------------------------------------


def test_directory_page_is_public_and_shows_what_to_provide(
    client, beaufort, quimper, ddfip, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("entities:directory"), {"q": "quimper"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Centre hospitalier de Quimper" in page and "N° d'engagement obligatoire" in page
    assert "Commune de Beaufort" not in page
    response = client.get(reverse("entities:directory"), {"q": "beaufort"})
    assert "Code service obligatoire" in response.content.decode()


def test_directory_pages_without_count(client, db, django_assert_max_num_queries):
    for i in range(45):
        PublicStructureFactory(name=f"Mairie {i:02d}")
    with django_assert_max_num_queries(4):
        response = client.get(reverse("entities:directory"), {"q": "mairie", "page": "2"})
    assert response.context["has_next"] and response.context["has_previous"]
    assert len(response.context["results"]) == 20
    last = client.get(reverse("entities:directory"), {"q": "mairie", "page": "3"})
    assert not last.context["has_next"] and len(last.context["results"]) == 5


def test_detail_page_lists_active_services(client, beaufort):
    response = client.get(reverse("entities:directory_detail", args=[beaufort.siret]))
    page = response.content.decode()
    assert "FINANCES" in page and "TECHNIQUE" in page and "ARCHIVES" not in page
    assert "Le code service est obligatoire" in page and "30 jours" in page
    assert client.get(reverse("entities:directory_detail", args=["21490244700018"])).status_code == 404


def test_json_search_for_the_invoice_form(client, beaufort, quimper, django_assert_max_num_queries):
    url = reverse("entities:directory_search_json")
    assert url == "/annuaire/recherche.json"
    with django_assert_max_num_queries(3):
        data = client.get(url, {"q": "beaufort"}).json()
    assert data == {
        "results": [
            {
                "id": beaufort.pk,
                "siret": "21490244700017",
                "name": "Commune de Beaufort-en-Anjou",
                "postcode": "49250",
                "city": "Beaufort-en-Anjou",
                "service_code_required": True,
                "engagement_required": False,
                "engagement_or_service_required": False,
                "services": [
                    {"code": "FINANCES", "name": "Service des finances", "engagement_required": False},
                    {"code": "TECHNIQUE", "name": "Services techniques", "engagement_required": False},
                ],
                "services_truncated": False,
            }
        ]
    }
    by_siret = client.get(url, {"q": "26290001200010"}).json()["results"]
    assert [r["name"] for r in by_siret] == ["Centre hospitalier de Quimper"]
    assert by_siret[0]["engagement_required"] is True


def test_json_search_returns_only_active_structures_at_most_20(client, beaufort, db):
    beaufort.active = False
    beaufort.save(update_fields=["active"])
    for i in range(25):
        PublicStructureFactory(name=f"Syndicat {i:02d}")
    url = reverse("entities:directory_search_json")
    assert client.get(url, {"q": "beaufort"}).json() == {"results": []}
    assert len(client.get(url, {"q": "syndicat"}).json()["results"]) == 20
    assert client.get(url, {"q": "s"}).json() == {"results": []}  # too short: nothing, at no cost


def test_json_search_caps_services_per_structure(client, db, django_assert_max_num_queries):
    structure = PublicStructureFactory(name="Ministère géant")
    for i in range(60):
        ServiceFactory(structure=structure, code=f"S{i:03d}")
    with django_assert_max_num_queries(3):
        result = client.get(reverse("entities:directory_search_json"), {"q": "geant"}).json()["results"][0]
    assert len(result["services"]) == selectors.SERVICES_PER_STRUCTURE and result["services_truncated"]
    services = client.get(
        reverse("entities:directory_services_json", args=[structure.siret]), {"q": "S05"}
    ).json()
    assert [s["code"] for s in services["results"]] == [f"S05{i}" for i in range(10)]


def test_reserved_public_invoices_service_is_offered_to_public_senders_only(
    client, as_user, beaufort, alice, acme
):
    ServiceFactory(structure=beaufort, code="FACTURES_PUBLIQUES", name="Service des factures publiques")
    url = reverse("entities:directory_search_json")
    # A visitor or a private supplier is not offered it
    codes = [s["code"] for s in client.get(url, {"q": "beaufort"}).json()["results"][0]["services"]]
    assert codes == ["FINANCES", "TECHNIQUE"]
    as_user(alice, f"fournisseur:{acme.pk}")
    codes = [s["code"] for s in client.get(url, {"q": "beaufort"}).json()["results"][0]["services"]]
    assert "FACTURES_PUBLIQUES" not in codes
    # A public body invoicing another one is
    acme.is_public = True
    acme.save(update_fields=["is_public"])
    codes = [s["code"] for s in client.get(url, {"q": "beaufort"}).json()["results"][0]["services"]]
    assert codes == ["FACTURES_PUBLIQUES", "FINANCES", "TECHNIQUE"]
    page = client.get(reverse("entities:directory_detail", args=[beaufort.siret])).content.decode()
    assert "Réservé aux factures entre entités publiques" in page

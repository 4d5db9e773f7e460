"""The maître d'œuvre's dashboard (issue 14, point 2 « Web »): its tabs (to process, processed,
all), its filters (titulaire, contract or engagement, framework, overdue, number), all kept by
the keyset pagination, in a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from invoices.choices import Framework
from tests.factories import SupplierStructureFactory
from tracking.selectors import MOE_REVIEW_DAYS, TAB_ALL, TAB_PROCESSED, ValidatorFilters, validator_invoices

from .moe_documents import decide, to_moe

pytestmark = pytest.mark.django_db
URL = reverse("tracking:validations")


def listed(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [row.number for row in response.context["invoices"]]


@pytest.fixture
def cast(acme, bakery, beaufort, moreau, maxime):
    """ACME's three documents and the bakery's one, all naming Atelier Moreau."""
    return {
        "gym": to_moe(
            supplier=acme, recipient=beaufort, moe=moreau, number="PDM-GYM-01", market="MT-2026-017"
        ),
        "school": to_moe(
            supplier=acme, recipient=beaufort, moe=moreau, number="PDM-ECOLE-01", engagement="EJ-4400"
        ),
        "final": to_moe(
            supplier=acme, recipient=beaufort, moe=moreau, number="DGD-GYM-01", framework=Framework.A7
        ),
        "bread": to_moe(supplier=bakery, recipient=beaufort, moe=moreau, number="PDM-FOUR-01"),
    }


def test_the_dashboard_lists_what_waits_for_the_moe_by_default(client, cast, maxime):
    # Given four documents waiting for Atelier Moreau, one of them already refused
    decide(cast["bread"], by=maxime, refuse="Métrés absents")
    client.force_login(maxime)
    # When the MOE opens its dashboard
    # Then it sees the three still waiting, newest first, under « À traiter »
    assert listed(client) == ["DGD-GYM-01", "PDM-ECOLE-01", "PDM-GYM-01"]
    page = client.get(URL).content.decode()
    assert 'data-tab="a_traiter" aria-current="true"' in page
    assert "Valider la sélection" in page and "Refuser la sélection" in page


def test_the_processed_tab_shows_each_decision_its_date_and_reason(client, cast, maxime):
    # Given the MOE validated one document and refused another
    decide(cast["gym"], by=maxime, comment="Acompte arrêté à 9 800 € HT")
    decide(cast["bread"], by=maxime, refuse="Métrés absents : joignez l'attachement")
    client.force_login(maxime)
    # When it opens « Traités »
    response = client.get(URL, {"onglet": TAB_PROCESSED})
    # Then both are there with the decision, its date and the reason; nothing to tick
    rows = {row.number: row for row in response.context["invoices"]}
    assert set(rows) == {"PDM-GYM-01", "PDM-FOUR-01"}
    assert rows["PDM-GYM-01"].decision.status == "TRANSMISE_MOA"
    assert rows["PDM-FOUR-01"].decision.comment == "Métrés absents : joignez l'attachement"
    html = response.content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Refusé le {today}" in html and f"Validé le {today}" in html
    assert "Métrés absents : joignez l&#x27;attachement" in html
    assert 'name="factures"' not in html
    # And « Tous » lists the four documents, waiting or decided
    assert len(listed(client, onglet=TAB_ALL)) == 4


def test_filter_by_supplier_name_or_siret(client, cast, maxime, bakery):
    client.force_login(maxime)
    # When the MOE types part of a name, or the start of a SIRET
    assert listed(client, fournisseur="boulangerie") == ["PDM-FOUR-01"]
    assert listed(client, fournisseur=bakery.identifier[:9]) == ["PDM-FOUR-01"]
    assert set(listed(client, fournisseur="ACME")) == {"PDM-GYM-01", "PDM-ECOLE-01", "DGD-GYM-01"}
    # Then a supplier it does not work with finds nothing
    SupplierStructureFactory(name="Boulangerie Dupont", identifier="55512345600011")
    assert listed(client, fournisseur="Dupont") == []


def test_filter_by_contract_or_engagement_number(client, cast, maxime):
    client.force_login(maxime)
    assert listed(client, marche="MT-2026-017") == ["PDM-GYM-01"]
    assert listed(client, marche="ej-4400") == ["PDM-ECOLE-01"]
    assert listed(client, marche="MT-2026") == []  # the exact number, not a part


def test_filter_by_framework_and_number(client, cast, maxime):
    client.force_login(maxime)
    assert listed(client, cadre=Framework.A7) == ["DGD-GYM-01"]
    assert listed(client, numero="gym") == ["DGD-GYM-01", "PDM-GYM-01"]
    # A framework a validator never receives is refused with a message next to the field
    response = client.get(URL, {"cadre": Framework.A1})
    assert response.context["invoices"] is None
    assert "Corrigez les critères de recherche signalés." in response.content.decode()


def test_filter_overdue_only(client, cast, maxime):
    # Given one document received just past the MOE's delay, one received on its last day
    from invoices.models import Invoice

    now = timezone.now()
    Invoice.objects.filter(pk=cast["gym"].pk).update(
        status_changed_at=now - timedelta(days=MOE_REVIEW_DAYS + 1)
    )
    Invoice.objects.filter(pk=cast["school"].pk).update(
        status_changed_at=now - timedelta(days=MOE_REVIEW_DAYS)
    )
    client.force_login(maxime)
    # When the MOE keeps « Délai dépassé » only
    response = client.get(URL, {"hors_delai": "on"})
    # Then only the overdue one is listed, flagged like on the full list
    assert [r.number for r in response.context["invoices"]] == ["PDM-GYM-01"]
    assert all(r.moe_overdue for r in response.context["invoices"])
    assert "Délai dépassé" in response.content.decode()
    # And the filter agrees with the row indicator for every document
    every = client.get(URL).context["invoices"]
    assert {r.number for r in every if r.moe_overdue} == {"PDM-GYM-01"}


def test_filters_and_tab_combine_with_the_keyset_pages(client, acme, beaufort, moreau, maxime):
    # Given 53 ACME documents waiting for the MOE
    for i in range(53):
        to_moe(supplier=acme, recipient=beaufort, moe=moreau, number=f"PDM-{i:03d}")
    client.force_login(maxime)
    # When the MOE filters on ACME
    first = client.get(URL, {"fournisseur": "ACME", "onglet": "a_traiter"})
    rows = first.context["invoices"]
    assert len(rows) == 50 and first.context["next_cursor"] == rows[-1].pk
    # Then the « Plus anciennes » link keeps the filter and the tab
    html = first.content.decode()
    link = re.search(r'href="\?([^"]*)">Plus anciennes', html).group(1).replace("&amp;", "&")
    assert QueryDict(link).dict() == {"onglet": "a_traiter", "fournisseur": "ACME", "avant": str(rows[-1].pk)}
    second = client.get(f"{URL}?{link}")
    numbers = [r.number for r in rows] + [r.number for r in second.context["invoices"]]
    assert len(numbers) == 53 == len(set(numbers)) and second.context["next_cursor"] is None
    # And the tab links keep the filter too
    assert 'href="?fournisseur=ACME&amp;onglet=traites"' in html


def test_another_moes_documents_are_never_listed(client, cast, acme, beaufort, bob, bakery):
    # Given a document naming the bakery as its validator (another structure)
    theirs = to_moe(supplier=acme, recipient=beaufort, moe=bakery, number="PDM-AUTRE")
    # When the bakery's user opens its dashboard, it sees only its document, under every tab
    client.force_login(bob)
    for tab in ("a_traiter", "traites", "tous"):
        assert set(listed(client, onglet=tab)) <= {"PDM-AUTRE"}
    assert listed(client) == ["PDM-AUTRE"]
    # And the MOE's dashboard never shows it
    assert theirs.pk not in [r.pk for r in validator_invoices(structure_id=cast["gym"].validator_id)]
    assert theirs.pk not in [
        r.pk
        for r in validator_invoices(
            structure_id=cast["gym"].validator_id, filters=ValidatorFilters(tab=TAB_ALL)
        )
    ]


def test_the_list_costs_the_same_queries_for_3_or_30_rows(
    client, acme, beaufort, moreau, maxime, django_assert_max_num_queries
):
    # Given 3 documents decided, then 30 (validated and refused)
    def make(n: int) -> None:
        for i in range(n):
            invoice = to_moe(supplier=acme, recipient=beaufort, moe=moreau)
            decide(invoice, by=maxime, refuse="Métrés absents" if i % 2 else "")

    client.force_login(maxime)
    make(3)
    client.get(URL, {"onglet": TAB_ALL})  # session, workspace caches warm
    with django_assert_max_num_queries(12) as few:
        assert len(client.get(URL, {"onglet": TAB_ALL, "fournisseur": "ACME"}).context["invoices"]) == 3
    make(27)
    # When the MOE lists them all, filtered, on « Tous » and « Traités »
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL, {"onglet": TAB_ALL, "fournisseur": "ACME"}).context["invoices"]) == 30
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL, {"onglet": TAB_PROCESSED}).context["invoices"]) == 30

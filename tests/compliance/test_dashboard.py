"""The compliance dashboard on the data set of ``conftest.world``: every expected figure is worked
out by hand from the invoices listed there."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from compliance.aggregates import statistics_refresh
from compliance.models import PaperInvoice, SupplierCompliance
from compliance.selectors import (
    DashboardFilters,
    compliance_categories,
    compliance_category_share,
    compliance_channel_deposits,
    compliance_monthly_share,
    compliance_structures,
    compliance_suppliers,
)
from tests.factories import SupplierStructureFactory

pytestmark = pytest.mark.django_db


def refresh(when: str = "2020-07-01 02:30:00") -> None:
    with freeze_time(when):
        statistics_refresh(full=True)


def table(as_of: date, **filters: str) -> dict[str, tuple[int, int, int, int]]:
    return {
        row.category: (row.obliged, row.electronic_only, row.paper_after, row.without_invoice)
        for row in compliance_categories(filters=DashboardFilters(as_of=as_of, **filters))
        if not row.not_yet
    }


def test_category_figures_on_1_march_2019(world):
    # Given the nightly refresh
    refresh()
    # Then on 1 March 2019: GE obliged since 2017, electronic only (its paper predates 2017);
    # ETI sent paper in June 2018; ACME (PME) sent paper on 5 February 2019; the public body
    # sent nothing; micro-enterprises and unknown sizes are not obliged yet.
    assert table(date(2019, 3, 1)) == {
        "GE": (1, 1, 0, 0),
        "ETI": (1, 0, 1, 0),
        "PME": (1, 0, 1, 0),
        "PUBLIC": (1, 0, 0, 1),
    }


def test_category_figures_the_day_before_acmes_paper_invoice(world):
    refresh()
    # On 4 February 2019 ACME had deposited electronically (1 February) and no paper yet.
    assert table(date(2019, 2, 4))["PME"] == (1, 1, 0, 0)


def test_category_figures_once_everybody_is_obliged(world):
    refresh()
    figures = table(date(2020, 6, 30))
    # Micro SARL's paper invoice (May 2019) predates its obligation: it has sent nothing since.
    assert figures["MICRO"] == (1, 0, 0, 1)
    # Unknown sizes: the bakery deposited before 2020 only; the unregistered garage sent paper
    # in March 2020.
    assert figures["INCONNUE"] == (2, 0, 1, 1)
    # ACME's electronic invoice of April 2019 does not make it compliant: paper came first.
    assert figures["PME"] == (1, 0, 1, 0)


def test_filters_by_public_structure_category_and_department(world):
    refresh()
    # Invoices to hospitals only: the ETI (paper and electronic to Quimper) is the only obliged one.
    assert table(date(2019, 3, 1), recipient_category="SANTE") == {
        "GE": (0, 0, 0, 0),
        "ETI": (1, 0, 1, 0),
        "PME": (0, 0, 0, 0),
        "PUBLIC": (0, 0, 0, 0),
    }
    # Suppliers of Paris (75): the large group only.
    assert table(date(2019, 3, 1), department="75")["GE"] == (1, 1, 0, 0)
    assert table(date(2019, 3, 1), department="75")["PME"] == (0, 0, 0, 0)
    # One category only.
    assert list(table(date(2019, 3, 1), category="ETI")) == ["ETI"]


def test_non_compliant_suppliers_with_their_paper_invoices_and_recipients(world):
    refresh()
    page = compliance_suppliers(filters=DashboardFilters(as_of=date(2019, 3, 1)), state="non_conformes")
    assert [row.name for row in page.rows] == ["ACME Fournitures", "Intermédiaire SA"]
    acme = page.rows[0]
    assert acme.category == "PME" and acme.obligation_on == date(2019, 1, 1)
    # Only the invoice dated after the obligation (not the one of October 2018).
    assert acme.paper_count == 1 and acme.paper_amount == Decimal("845.40")
    assert [(p.number, p.recipient_name) for p in acme.paper_invoices] == [
        ("A-P1", "Commune de Beaufort-en-Anjou")
    ]
    # The paper invoice recorded before the supplier was known was linked by its SIRET.
    assert PaperInvoice.objects.get(number="A-P1").supplier == world.acme


def test_structures_share_of_electronic_invoices_year_to_date(world):
    refresh()
    page = compliance_structures(filters=DashboardFilters(as_of=date(2019, 3, 1)))
    # January to March 2019: Beaufort received A-1 electronically and A-P1 on paper (50 %);
    # Quimper received ETI-1 electronically (100 %). Most paper first.
    assert [(row.name, row.electronic, row.paper, row.share) for row in page.rows] == [
        ("Commune de Beaufort-en-Anjou", 1, 1, 0.5),
        ("Centre hospitalier de Quimper", 1, 0, 1.0),
    ]


def test_chart_data(world):
    refresh()
    filters = DashboardFilters(as_of=date(2019, 3, 1))
    monthly = {row.label: (row.electronic, row.paper) for row in compliance_monthly_share(filters=filters)}
    assert len(monthly) == 12 and "04/2018" in monthly and "03/2019" in monthly
    assert monthly["06/2018"] == (0, 1)
    assert monthly["02/2019"] == (1, 1)
    assert monthly["01/2019"] == (1, 0)
    per_category = {
        row.key: (row.electronic, row.paper) for row in compliance_category_share(filters=filters)
    }
    assert per_category["PME"] == (1, 1) and per_category["ETI"] == (1, 0)
    channels = {key: n for key, _label, n in compliance_channel_deposits(filters=filters)}
    assert channels == {"portail": 1, "fichier": 0, "api": 0, "edi": 1, "papier": 1}


def test_refresh_is_idempotent_and_forgets_what_disappeared(world):
    refresh("2020-07-01 02:30:00")
    first = sorted(SupplierCompliance.objects.values_list("key", "recipient_category", "first_paper_on"))
    refresh("2020-07-02 02:30:00")
    assert (
        sorted(SupplierCompliance.objects.values_list("key", "recipient_category", "first_paper_on")) == first
    )
    # When the garage's only paper invoice is deleted, its row goes at the next refresh.
    PaperInvoice.objects.filter(number="G-P1").delete()
    refresh("2020-07-03 02:30:00")
    assert not SupplierCompliance.objects.filter(key="83147592600018").exists()


@freeze_time("2020-07-01 10:00:00")
def test_admin_opens_the_dashboard_as_of_a_date(client, admin_user, world):
    statistics_refresh(full=True)
    client.force_login(admin_user)
    response = client.get(reverse("compliance:dashboard"), {"date": "2019-03-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Situation au 1er mars 2019" in html
    assert "ACME Fournitures" in html and "A-P1" in html and "Intermédiaire SA" in html
    # The SVG charts and their data tables
    assert html.count("<svg") == 3 and "Voir les données du graphique" in html


@freeze_time("2020-07-01 10:00:00")
def test_dashboard_defaults_to_today_and_refuses_a_date_before_2017(client, admin_user, world):
    statistics_refresh(full=True)
    client.force_login(admin_user)
    html = client.get(reverse("compliance:dashboard")).content.decode()
    assert "Situation au 1er juillet 2020" in html
    html = client.get(
        reverse("compliance:dashboard"), {"date": "2016-05-01", "departement": "ZZ"}
    ).content.decode()
    assert "L&#x27;obligation a commencé le 1er janvier 2017" in html
    assert "Département inconnu" in html


def test_dashboard_is_for_staff_only(client, alice, carla):
    url = reverse("compliance:dashboard")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(carla)
    assert client.get(url).status_code == 403
    assert client.get(reverse("compliance:export", args=["fournisseurs"])).status_code == 403
    assert client.post(reverse("compliance:remind"), {"fournisseurs": ["1"]}).status_code == 403


def test_dashboard_queries_do_not_grow_with_the_number_of_suppliers(
    client,
    admin_user,
    world,
    django_assert_max_num_queries,
):
    refresh()
    client.force_login(admin_user)
    url = reverse("compliance:dashboard")
    with django_assert_max_num_queries(25):
        client.get(url, {"date": "2019-03-01", "statut": "tous"})
    # Given 30 more obliged suppliers with paper invoices
    for n in range(30):
        supplier = SupplierStructureFactory(name=f"Fournisseur {n:02d}", size_category="GE")
        PaperInvoice.objects.create(
            recipient=world.beaufort,
            supplier_siret=supplier.identifier,
            number=f"P-{n}",
            invoice_date=date(2018, 5, 1),
            amount_ttc=Decimal("10.00"),
        )
    refresh()
    with django_assert_max_num_queries(25):
        response = client.get(url, {"date": "2019-03-01"})
    # The list is paginated (20 a page) and says there is a next page.
    assert response.context["suppliers"].has_next and len(response.context["suppliers"].rows) == 20

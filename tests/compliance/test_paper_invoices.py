"""A public buyer records the invoices still received on paper: one by one, or from a CSV file of
the accounting software, all or nothing, with every error given by line number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from accounts.roles import Role
from compliance.models import PaperInvoice, PaperInvoiceHistory, PaperSource
from compliance.paper_import import PaperImportError
from compliance.services import paper_invoices_import
from entities.models import Service
from tests.factories import BuyerMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    # Today is 30 June 2024 in every story of this file.
    with freeze_time("2024-06-30 12:00:00"):
        yield


GOOD = (
    "\ufeffsiret_fournisseur;numero_facture;date_facture;montant_ttc;raison_sociale\n"
    "81234567600017;F-2024-001;15/03/2024;1 200,50;ACME Fournitures\n"
    "83147592600018;2024-118;2024-04-02;356.52;\n"
    "\n"
    "832 147 592 00001 8;AV-3;02/05/2024;-20,00;Garage du Steir\n"
)


def upload(client, content: bytes, name: str = "factures.csv"):
    return client.post(
        reverse("compliance:paper_import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_buyer_imports_a_good_file(client, carla, beaufort, acme):
    client.force_login(carla)
    content = GOOD.replace("832 147 592 00001 8", "831 475 926 00018").encode("utf-8")
    response = upload(client, content)
    assert response.status_code == 302
    rows = {p.number: p for p in PaperInvoice.objects.filter(recipient=beaufort)}
    assert set(rows) == {"F-2024-001", "2024-118", "AV-3"}
    assert rows["F-2024-001"].amount_ttc == Decimal("1200.50")
    assert rows["F-2024-001"].supplier == acme  # the SIRET of a registered supplier is linked
    assert rows["2024-118"].invoice_date == date(2024, 4, 2) and rows["2024-118"].supplier is None
    assert rows["AV-3"].amount_ttc == Decimal("-20.00")  # a credit note
    assert rows["AV-3"].supplier_siret == "83147592600018"  # spaces removed
    assert {p.source for p in rows.values()} == {PaperSource.IMPORT}
    assert all(p.recorded_by == carla for p in rows.values())


def test_excel_file_in_windows_encoding_with_commas(beaufort, carla):
    content = (
        "SIRET;N° facture;Date facture;Montant TTC;Raison sociale\n"
        "81234567600017;F-9;01/06/2024;99,90;Société Générale d'Études\n"
    )
    assert paper_invoices_import(recipient=beaufort, content=content.encode("cp1252"), actor=carla) == 1
    assert PaperInvoice.objects.get(number="F-9").supplier_name == "Société Générale d'Études"
    comma = (
        b'siret_fournisseur,numero_facture,date_facture,montant_ttc\n81234567600017,F-10,01/06/2024,"1,50"\n'
    )
    assert paper_invoices_import(recipient=beaufort, content=comma, actor=carla) == 1


def test_a_bad_file_is_refused_whole_with_every_error_by_line(client, carla, beaufort):
    # Given an invoice already recorded
    PaperInvoice.objects.create(
        recipient=beaufort,
        supplier_siret="81234567600017",
        number="DEJA-1",
        invoice_date=date(2024, 1, 10),
        amount_ttc=Decimal("10.00"),
    )
    content = (
        b"siret_fournisseur;numero_facture;date_facture;montant_ttc\n"
        b"81234567600017;OK-1;10/01/2024;10,00\n"  # line 2: good
        b"81234567600018;F-2;10/01/2024;10,00\n"  # line 3: wrong key
        b"8123456760001;F-3;10/01/2024;10,00\n"  # line 4: 13 digits
        b"81234567600017;F-4;31/02/2024;10,00\n"  # line 5: no 31 February
        b"81234567600017;F-5;01/07/2024;10,00\n"  # line 6: in the future (today 30 June 2024)
        b"81234567600017;F-6;10/01/2024;0,00\n"  # line 7: zero amount
        b"81234567600017;;10/01/2024;12,345\n"  # line 8: no number, 3 decimals
        b"81234567600017;OK-1;10/01/2024;10,00\n"  # line 9: same as line 2
        b"81234567600017;DEJA-1;10/01/2024;10,00\n"  # line 10: already recorded
    )
    client.force_login(carla)
    response = upload(client, content)
    assert response.status_code == 200
    errors = response.context["errors"]
    assert errors == [
        "Ligne 3 : le SIRET 81234567600018 est invalide : la clé de contrôle ne correspond pas.",
        "Ligne 4 : le SIRET 8123456760001 est invalide : il doit comporter 14 chiffres (il en a 13).",
        "Ligne 5 : la date « 31/02/2024 » n'est pas une date valide au format JJ/MM/AAAA.",
        "Ligne 6 : la date du 01/07/2024 est dans le futur.",
        "Ligne 7 : le montant TTC ne peut pas être nul.",
        "Ligne 8 : le numéro de facture est obligatoire.",
        "Ligne 8 : le montant « 12,345 » n'est pas un montant en euros avec au plus 2 décimales "
        "(exemple : 1234,56).",
        "Ligne 9 : la facture n° OK-1 du 10/01/2024 de ce fournisseur figure déjà ligne 2.",
    ]
    html = response.content.decode()
    assert "Le fichier n" in html and "Ligne 5" in html
    # Nothing was saved, not even line 2.
    assert list(PaperInvoice.objects.values_list("number", flat=True)) == ["DEJA-1"]


def test_a_file_whose_only_problem_is_an_already_recorded_invoice(beaufort, carla):
    PaperInvoice.objects.create(
        recipient=beaufort,
        supplier_siret="81234567600017",
        number="DEJA-1",
        invoice_date=date(2024, 1, 10),
        amount_ttc=Decimal("10.00"),
    )
    content = (
        b"siret_fournisseur;numero_facture;date_facture;montant_ttc\n81234567600017;DEJA-1;10/01/2024;10,00\n"
    )
    with pytest.raises(PaperImportError) as refused:
        paper_invoices_import(recipient=beaufort, content=content, actor=carla)
    assert refused.value.errors == [
        "Ligne 2 : la facture n° DEJA-1 du 10/01/2024 du fournisseur 81234567600017 est déjà "
        "enregistrée pour "
        "votre structure."
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Le fichier est vide."),
        (
            b"siret;numero\n1;2\n",
            "Ligne 1 : colonne(s) obligatoire(s) absente(s) : « date_facture », « montant_ttc ».",
        ),
        (b"siret;numero;date;montant\n", "Le fichier ne contient aucune facture après la ligne des titres."),
    ],
)
def test_files_without_invoices_are_refused(beaufort, carla, content, message):
    with pytest.raises(PaperImportError) as refused:
        paper_invoices_import(recipient=beaufort, content=content, actor=carla)
    assert refused.value.errors[0].startswith(message)


def test_buyer_records_one_paper_invoice_and_sees_errors_next_to_fields(client, carla, beaufort):
    client.force_login(carla)
    url = reverse("compliance:paper_invoices")
    data = {
        "supplier_siret": "812 345 676 00017",
        "supplier_name": "ACME",
        "number": "F-1",
        "invoice_date": "2024-05-02",
        "amount_ttc": "1234,56",
    }
    assert client.post(url, data).status_code == 302
    invoice = PaperInvoice.objects.get()
    assert (invoice.recipient, invoice.supplier_siret, invoice.amount_ttc) == (
        beaufort,
        "81234567600017",
        Decimal("1234.56"),
    )
    # The same invoice again: refused, next to the number
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["number"] == [
        "La facture n° F-1 du 02/05/2024 de ce fournisseur est déjà enregistrée pour votre structure."
    ]
    # A wrong SIRET, next to the SIRET
    response = client.post(url, {**data, "supplier_siret": "81234567600018", "number": "F-2"})
    assert response.context["form"].errors["supplier_siret"] == [
        "Le SIRET 81234567600018 est invalide : la clé de contrôle ne correspond pas."
    ]
    assert PaperInvoice.objects.count() == 1
    # The list shows the recorded invoice
    assert "F-1" in client.get(url).content.decode()


def test_only_buyers_record_paper_invoices(client, alice):
    assert client.get(reverse("compliance:paper_invoices")).status_code == 302  # anonymous
    client.force_login(alice)  # a supplier
    assert client.get(reverse("compliance:paper_invoices")).status_code == 403
    assert client.post(reverse("compliance:paper_import")).status_code == 403


def test_a_buyer_cannot_see_or_delete_another_structures_paper_invoices(client, carla, david, beaufort):
    invoice = PaperInvoice.objects.create(
        recipient=beaufort,
        supplier_siret="81234567600017",
        number="B-1",
        invoice_date=date(2024, 1, 10),
        amount_ttc=Decimal("10.00"),
    )
    client.force_login(david)
    assert "B-1" not in client.get(reverse("compliance:paper_invoices")).content.decode()
    assert client.post(reverse("compliance:paper_invoice_delete", args=[invoice.pk])).status_code == 404
    assert client.post(reverse("compliance:paper_invoice_delete", args=[999999])).status_code == 404
    assert PaperInvoice.objects.filter(pk=invoice.pk).exists()
    client.force_login(carla)
    assert client.post(reverse("compliance:paper_invoice_delete", args=[invoice.pk])).status_code == 302
    assert not PaperInvoice.objects.filter(pk=invoice.pk).exists()


def test_paper_invoice_list_is_paginated_in_constant_queries(
    client, carla, beaufort, django_assert_max_num_queries
):
    PaperInvoice.objects.bulk_create(
        PaperInvoice(
            recipient=beaufort,
            supplier_siret="81234567600017",
            number=f"N-{n}",
            invoice_date=date(2024, 1, 1),
            amount_ttc=Decimal("1.00"),
            recorded_by=carla,
        )
        for n in range(45)
    )
    client.force_login(carla)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("compliance:paper_invoices"), {"page": "2"})
    assert len(response.context["page"].rows) == 20 and response.context["page"].has_next


def test_only_a_manager_deletes_a_paper_invoice_and_leaves_a_history_row(client, carla, beaufort):
    # Given a paper invoice recorded by Beaufort, and Emma, a plain user restricted to FINANCES
    invoice = PaperInvoice.objects.create(
        recipient=beaufort,
        supplier_siret="81234567600017",
        number="B-7",
        invoice_date=date(2024, 1, 10),
        amount_ttc=Decimal("99.90"),
    )
    emma = UserFactory(email="emma@beaufort.test", first_name="Emma", last_name="Roux")
    membership = BuyerMembershipFactory(user=emma, structure=beaufort, role=Role.USER)
    membership.services.set(Service.objects.filter(structure=beaufort, code="FINANCES"))
    url = reverse("compliance:paper_invoice_delete", args=[invoice.pk])
    # When Emma tries to delete it
    client.force_login(emma)
    assert "B-7" in client.get(reverse("compliance:paper_invoices")).content.decode()
    assert url not in client.get(reverse("compliance:paper_invoices")).content.decode()  # no button
    response = client.post(url)
    # Then she is refused, the invoice stays and nothing is written in the history
    assert response.status_code == 403
    assert PaperInvoice.objects.filter(pk=invoice.pk).exists()
    assert not PaperInvoiceHistory.objects.exists()
    # When Carla, the structure's manager, deletes it
    client.force_login(carla)
    assert client.post(url).status_code == 302
    # Then it is gone, and the history says who deleted which invoice
    assert not PaperInvoice.objects.filter(pk=invoice.pk).exists()
    row = PaperInvoiceHistory.objects.get()
    assert (row.action, row.number, row.supplier_siret, row.amount_ttc) == (
        "SUPPRESSION",
        "B-7",
        "81234567600017",
        Decimal("99.90"),
    )
    assert row.recipient == beaufort and row.actor == carla and row.actor_name == "Carla Petit"
    assert row.paper_invoice_id == invoice.pk

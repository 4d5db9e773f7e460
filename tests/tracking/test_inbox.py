"""The buyer's dashboard: received invoices of their structure only (and their services when
restricted), filters, sorting, keyset pages, bounded counts, the invoice page and its actions,
bulk actions; two buyers of different structures never see each other's invoices."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from invoices.lifecycle.statuses import InvoiceStatus as S
from tests.factories import SupplierStructureFactory
from tracking.inbox.selectors import Filters, received_invoices, status_counts

from .factories import advance, make_invoice


def received(acme, beaufort, service, n=1, **kwargs):
    invoices = []
    for _ in range(n):
        invoice = make_invoice(supplier=acme, recipient=beaufort, service=service, **kwargs)
        invoices.append(advance(invoice, S.MISE_A_DISPOSITION))
    return invoices


@pytest.fixture
def to_quimper(acme, quimper, david):
    invoice = make_invoice(supplier=acme, recipient=quimper, engagement_number="EJ-1")
    return advance(invoice, S.MISE_A_DISPOSITION)


def test_buyer_cannot_see_invoices_of_other_entities(
    client, carla, david, acme, beaufort, finances, to_quimper
):
    (ours,) = received(acme, beaufort, finances)
    # Carla sees Beaufort's invoice only
    client.force_login(carla)
    page = client.get(reverse("inbox:list"))
    assert [i.pk for i in page.context["page"].invoices] == [ours.pk]
    # Quimper's invoice answers exactly like an unknown one, on every page
    for url in (reverse("inbox:detail", args=[to_quimper.pk]), reverse("inbox:detail", args=[999_999])):
        assert client.get(url).status_code == 404
        assert client.post(url, {"to": S.SERVICE_FAIT}).status_code == 404
    # A bulk action with Quimper's id does nothing to it
    client.post(reverse("inbox:bulk"), {"factures": [to_quimper.pk], "to": S.SERVICE_FAIT})
    to_quimper.refresh_from_db()
    assert to_quimper.status == S.MISE_A_DISPOSITION
    # And David sees only Quimper's
    client.force_login(david)
    assert [i.pk for i in client.get(reverse("inbox:list")).context["page"].invoices] == [to_quimper.pk]
    assert client.get(reverse("inbox:detail", args=[ours.pk])).status_code == 404


def test_a_supplier_has_no_inbox(client, alice, bob):
    for user in (alice, bob):
        client.force_login(user)
        assert client.get(reverse("inbox:list")).status_code == 404


def test_a_restricted_buyer_sees_only_their_services(client, eric, acme, beaufort, finances, technique):
    (fin,) = received(acme, beaufort, finances)
    (tech,) = received(acme, beaufort, technique)
    client.force_login(eric)
    assert [i.pk for i in client.get(reverse("inbox:list")).context["page"].invoices] == [tech.pk]
    assert client.get(reverse("inbox:detail", args=[fin.pk])).status_code == 404
    assert client.get(reverse("inbox:detail", args=[tech.pk])).status_code == 200


def test_drafts_routing_and_system_rejections_are_not_received(carla, acme, beaufort, finances):
    deposited = make_invoice(supplier=acme, recipient=beaufort, service=finances)
    routed = advance(
        make_invoice(supplier=acme, recipient=beaufort, service=finances), S.EN_COURS_ACHEMINEMENT
    )
    from invoices.lifecycle.machine import invoice_transition
    from invoices.lifecycle.models import ActorRole

    system_rejected = make_invoice(supplier=acme, recipient=beaufort, service=finances)
    invoice_transition(
        invoice_id=system_rejected.pk, to=S.REJETEE, role=ActorRole.SYSTEM, comment="Service fermé"
    )
    buyer_rejected = advance(
        make_invoice(supplier=acme, recipient=beaufort, service=finances), S.REJETEE, buyer=carla
    )
    page = received_invoices(structure=beaufort)
    assert [i.pk for i in page.invoices] == [buyer_rejected.pk]
    assert deposited.pk and routed.pk


def test_filters_sorting_and_counts(acme, beaufort, finances, technique, carla):
    now = timezone.now()
    small = received(
        acme,
        beaufort,
        finances,
        total_ht=Decimal("100.00"),
        deposited_at=now - timedelta(days=3),
        engagement_number="EJ-42",
    )[0]
    big = received(
        acme, beaufort, technique, total_ht=Decimal("5000.00"), deposited_at=now - timedelta(days=1)
    )[0]
    other = SupplierStructureFactory(name="Papeterie du Lac", identifier="55210055400013")
    lake = received(
        other, beaufort, finances, total_ht=Decimal("300.00"), deposited_at=now - timedelta(days=2)
    )[0]
    from tracking.services import invoice_buyer_process

    invoice_buyer_process(invoice_id=small.pk, to=S.SUSPENDUE, actor=carla, reason_code="JUSTIF_ABS")

    def ids(**filters):
        sort = filters.pop("sort", "-depot")
        return [
            i.pk
            for i in received_invoices(structure=beaufort, filters=Filters(**filters), sort=sort).invoices
        ]

    assert ids() == [big.pk, lake.pk, small.pk]
    assert ids(sort="montant") == [small.pk, lake.pk, big.pk]
    assert ids(sort="-montant") == [big.pk, lake.pk, small.pk]
    assert ids(status=S.SUSPENDUE) == [small.pk]
    assert ids(status="A_TRAITER") == [big.pk, lake.pk]
    assert ids(service_id=technique.pk) == [big.pk]
    assert ids(supplier="papeterie") == [lake.pk]
    assert ids(supplier="552100") == [lake.pk]
    assert ids(amount_min=Decimal("300"), amount_max=Decimal("400")) == [lake.pk]
    assert ids(number=small.number) == [small.pk]
    assert ids(engagement="EJ-42") == [small.pk]
    day = timezone.localdate(now - timedelta(days=2))
    assert ids(deposited_from=day, deposited_to=day) == [lake.pk]
    counts = {c.status: c.count for c in status_counts(structure=beaufort)}
    assert counts == {S.MISE_A_DISPOSITION: 2, S.SUSPENDUE: 1}


def test_keyset_pages_cover_every_invoice_once(acme, beaufort, finances):
    now = timezone.now()
    invoices = [
        received(acme, beaufort, finances, deposited_at=now - timedelta(hours=i % 3))[0] for i in range(7)
    ]
    for sort in ("-depot", "depot", "-montant", "montant", "echeance"):
        seen, cursor = [], None
        while True:
            page = received_invoices(structure=beaufort, sort=sort, after=cursor, limit=3)
            seen += [i.pk for i in page.invoices]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert sorted(seen) == sorted(i.pk for i in invoices), sort
    # A tampered cursor gives the first page, never an error
    assert len(received_invoices(structure=beaufort, after="n'importe quoi~12", limit=3).invoices) == 3


def test_counts_are_capped(acme, beaufort, finances, monkeypatch):
    import tracking.inbox.selectors as selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    received(acme, beaufort, finances, n=3)
    (count,) = status_counts(structure=beaufort)
    assert (count.count, count.capped) == (2, True)


def test_the_list_page_stays_within_a_fixed_number_of_queries(
    client, carla, acme, beaufort, finances, django_assert_max_num_queries
):
    received(acme, beaufort, finances, n=3)
    client.force_login(carla)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("inbox:list"))
    received(acme, beaufort, finances, n=12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("inbox:list"))
    assert len(response.context["page"].invoices) == 15


def test_filter_errors_are_shown_next_to_the_field(client, carla, beaufort):
    client.force_login(carla)
    response = client.get(
        reverse("inbox:list"), {"depose_du": "2026-03-10", "depose_au": "2026-03-01", "montant_min": "abc"}
    )
    form = response.context["form"]
    assert "postérieure ou égale" in form.errors["depose_au"][0]
    assert form.errors["montant_min"] and response.context["page"] is None


def test_buyer_accepts_then_pays_an_invoice(client, carla, acme, beaufort, finances):
    (invoice,) = received(acme, beaufort, finances)
    client.force_login(carla)
    url = reverse("inbox:detail", args=[invoice.pk])
    page = client.get(url)
    labels = [label for _value, label in page.context["form"].fields["to"].choices]
    assert "Accepter : service fait" in labels and "Mettre en paiement" not in labels
    assert client.post(url, {"to": S.SERVICE_FAIT, "statut_vu": S.MISE_A_DISPOSITION}).status_code == 302
    # Mandate: the number is required
    response = client.post(url, {"to": S.MANDATEE})
    assert "numéro du mandat" in response.context["form"].errors["mandate_number"][0]
    client.post(url, {"to": S.MANDATEE, "mandate_number": "MDT-2026-0042"})
    for to in (S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE, S.MISE_EN_PAIEMENT):
        assert client.post(url, {"to": to}).status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_EN_PAIEMENT and invoice.mandate_number == "MDT-2026-0042"
    assert invoice.paid_at is not None
    assert "Aucune action n'est possible" in client.get(url).content.decode()


def test_suspension_needs_a_reason_code(client, carla, acme, beaufort, finances):
    (invoice,) = received(acme, beaufort, finances)
    client.force_login(carla)
    url = reverse("inbox:detail", args=[invoice.pk])
    response = client.post(url, {"to": S.SUSPENDUE, "comment": ""})
    assert "motif" in response.context["form"].errors["reason_code"][0]
    response = client.post(url, {"to": S.SUSPENDUE, "reason_code": "AUTRE"})
    assert "Précisez" in response.context["form"].errors["comment"][0]
    response = client.post(url, {"to": S.SUSPENDUE, "reason_code": "JUSTIF_ABS", "comment": "x" * 256})
    assert response.context["form"].errors["comment"]
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    client.post(url, {"to": S.SUSPENDUE, "reason_code": "JUSTIF_ABS", "comment": "Bon de livraison manquant"})
    invoice.refresh_from_db()
    assert invoice.status == S.SUSPENDUE


def test_a_stale_page_is_told_the_invoice_changed(client, carla, acme, beaufort, finances):
    (invoice,) = received(acme, beaufort, finances)
    client.force_login(carla)
    url = reverse("inbox:detail", args=[invoice.pk])
    # A colleague suspends it while Carla's page still shows MISE_A_DISPOSITION
    client.post(url, {"to": S.SUSPENDUE, "reason_code": "JUSTIF_ABS"})
    response = client.post(
        url, {"to": S.REJETEE, "reason_code": "MONTANTTOTAL_ERR", "statut_vu": S.MISE_A_DISPOSITION}
    )
    assert "a changé de statut entre-temps" in str(response.context["form"].non_field_errors())
    # An action that no longer applies is refused with the current status named
    response = client.post(url, {"to": S.SERVICE_FAIT})
    assert "au statut « Suspendue »" in response.context["form"].errors["to"][0]
    invoice.refresh_from_db()
    assert invoice.status == S.SUSPENDUE


def test_the_buyer_can_never_change_the_amounts(client, carla, acme, beaufort, finances):
    (invoice,) = received(acme, beaufort, finances)
    client.force_login(carla)
    client.post(
        reverse("inbox:detail", args=[invoice.pk]),
        {
            "to": S.SERVICE_FAIT,
            "total_ttc": "1.00",
            "total_ht": "1.00",
            "amount_due": "1.00",
        },
    )
    invoice.refresh_from_db()
    assert invoice.status == S.SERVICE_FAIT and invoice.total_ttc == Decimal("1200.00")
    assert invoice.amount_due == Decimal("1200.00")


def test_bulk_action_on_a_selection(client, carla, acme, beaufort, finances):
    first, second, third = received(acme, beaufort, finances, n=3)
    from tracking.services import invoice_buyer_process

    invoice_buyer_process(invoice_id=third.pk, to=S.SUSPENDUE, actor=carla, reason_code="JUSTIF_ABS")
    client.force_login(carla)
    response = client.post(
        reverse("inbox:bulk"),
        {
            "factures": [first.pk, second.pk, third.pk],
            "to": S.SERVICE_FAIT,
            "retour": "/factures-recues/?statut=",
        },
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert "2 factures sont passées au statut « Service fait »." in messages
    assert any(third.number in m and "n'est pas autorisé" in m for m in messages)
    statuses = {i.pk: i.status for i in type(first).objects.filter(pk__in=[first.pk, second.pk, third.pk])}
    assert statuses == {first.pk: S.SERVICE_FAIT, second.pk: S.SERVICE_FAIT, third.pk: S.SUSPENDUE}
    # A bulk rejection needs its reason
    response = client.post(reverse("inbox:bulk"), {"factures": [first.pk], "to": S.REJETEE}, follow=True)
    assert any("motif" in str(m) for m in response.context["messages"])


def test_the_detail_page_shows_document_data_history_and_due_date(client, carla, acme, beaufort, finances):
    (invoice,) = received(acme, beaufort, finances)
    client.force_login(carla)
    body = client.get(reverse("inbox:detail", args=[invoice.pk])).content.decode()
    for text in (
        "Fournitures de bureau",
        "Net à payer",
        "1\u202f200,00\u00a0€",
        "Historique des statuts",
        "Échéance",
        "Les montants ne se modifient pas",
    ):
        assert text in body, text


def test_the_pdf_preview_checks_the_fingerprint(client, carla, acme, beaufort, finances):
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from invoices.models import Document

    (invoice,) = received(acme, beaufort, finances)
    pdf = b"%PDF-1.4\n%%EOF\n"
    name = default_storage.save("documents/test/preview.pdf", ContentFile(pdf))
    document = Document.objects.create(
        invoice=invoice,
        role="FACTURE",
        file=name,
        name="f.pdf",
        content_type="application/pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    client.force_login(carla)
    url = reverse("inbox:document_preview", args=[invoice.pk, document.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    assert response["X-Frame-Options"] == "SAMEORIGIN" and response["Content-Disposition"].startswith(
        "inline"
    )
    # The supplier's PDF never runs with the portal's origin: sandboxed document, sandboxed frame
    assert response["Content-Security-Policy"] == "sandbox"
    page = client.get(reverse("inbox:detail", args=[invoice.pk])).content.decode()
    assert 'class="chorus-pdf-preview" sandbox=""' in page
    # and the download is an attachment
    download = client.get(reverse("invoices:document_download", args=[invoice.pk, document.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    Document.objects.filter(pk=document.pk).update(sha256="0" * 64)
    assert client.get(url).status_code == 409


def test_the_dashboard_block_shows_bounded_counts(client, carla, acme, beaufort, finances):
    received(acme, beaufort, finances, n=2)
    client.force_login(carla)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Factures à traiter" in body and "Factures en retard de paiement" in body
    assert "Factures reçues" in body  # menu entry

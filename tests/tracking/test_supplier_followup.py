"""The supplier's three follow-up paths: complete a suspended invoice, recycle one sent to the
wrong recipient (same number), acknowledge a rejection; and the follow-up block of the invoice
page (timeline, due date, actions)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from invoices.choices import DocumentRole
from invoices.lifecycle.machine import StatusConflict, TransitionNotAllowed
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Document
from notifications.models import Notification
from tracking.services import invoice_buyer_process, invoice_complete, invoice_rejection_acknowledge

from .factories import advance

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def suspended(invoice, carla):
    return advance(invoice, S.SUSPENDUE, buyer=carla)


def test_supplier_completes_a_suspended_invoice_with_attachments(
    client, alice, carla, suspended, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    page = client.get(reverse("tracking:complete", args=[suspended.pk]))
    assert "Bon de livraison manquant" in page.content.decode()  # what the buyer asked for
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("tracking:complete", args=[suspended.pk]),
            {
                "comment": "Voici le bon de livraison signé",
                "attachments": [
                    SimpleUploadedFile("bon-livraison.pdf", PDF),
                    SimpleUploadedFile("photo.png", PNG),
                ],
            },
        )
    assert response.status_code == 302 and response["Location"] == reverse(
        "invoices:detail", args=[suspended.pk]
    )
    suspended.refresh_from_db()
    assert suspended.status == S.COMPLETEE
    event = StatusEvent.objects.get(invoice=suspended, status=S.COMPLETEE)
    assert event.comment == "Voici le bon de livraison signé" and event.actor_first_name == "Alice"
    documents = Document.objects.filter(invoice=suspended, role=DocumentRole.ATTACHMENT).order_by("name")
    assert [(d.name, d.sha256) for d in documents] == [
        ("bon-livraison.pdf", hashlib.sha256(PDF).hexdigest()),
        ("photo.png", hashlib.sha256(PNG).hexdigest()),
    ]
    with default_storage.open(documents[0].file.name, "rb") as handle:
        assert handle.read() == PDF  # kept byte for byte
    assert Notification.objects.filter(recipient=carla, event=event).exists()


def test_a_bad_attachment_is_refused_and_nothing_is_kept(client, alice, suspended):
    client.force_login(alice)
    response = client.post(
        reverse("tracking:complete", args=[suspended.pk]),
        {
            "comment": "Pièce jointe",
            "attachments": [SimpleUploadedFile("facture.pdf", b"MZ\x90\x00 not a pdf")],
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["attachments"]
    assert "ne correspond pas à son extension" in errors[0]
    suspended.refresh_from_db()
    assert suspended.status == S.SUSPENDUE
    assert not Document.objects.filter(invoice=suspended).exists()


def test_completion_needs_a_comment_or_a_document(client, alice, suspended):
    client.force_login(alice)
    response = client.post(reverse("tracking:complete", args=[suspended.pk]), {"comment": "  "})
    assert "joignez au moins une pièce" in response.context["form"].errors["comment"][0]


def test_only_a_suspended_invoice_can_be_completed(alice, invoice):
    with pytest.raises(TransitionNotAllowed) as exc:
        invoice_complete(invoice_id=invoice.pk, actor=alice, comment="x", attachments=[])
    assert "Seule une facture suspendue" in exc.value.message


def test_a_concurrent_change_removes_the_stored_files(alice, carla, suspended, monkeypatch):
    # Given the buyer lifts the suspension while Alice's files are being written
    stored = []
    real_save = default_storage.save

    def save_then_buyer_acts(name, content):
        stored.append(real_save(name, content))
        if len(stored) == 1:
            invoice_buyer_process(invoice_id=suspended.pk, to=S.MISE_A_DISPOSITION, actor=carla)
        return stored[-1]

    monkeypatch.setattr(default_storage, "save", save_then_buyer_acts)
    # When Alice's completion reaches the status change, it has lost the race
    with pytest.raises(StatusConflict):
        invoice_complete(
            invoice_id=suspended.pk, actor=alice, comment="x", attachments=[SimpleUploadedFile("a.pdf", PDF)]
        )
    # Then nothing of hers is left: no document row, no file
    assert stored and not any(default_storage.exists(name) for name in stored)
    assert not Document.objects.filter(invoice=suspended).exists()


@pytest.fixture
def to_recycle(invoice, carla):
    advance(invoice, S.MISE_A_DISPOSITION)
    invoice_buyer_process(
        invoice_id=invoice.pk,
        to=S.A_RECYCLER,
        actor=carla,
        reason_code="ROUTAGE_ERR",
        comment="Adressez-la aux services techniques",
    )
    invoice.refresh_from_db()
    return invoice


def test_supplier_recycles_to_the_right_service_with_the_same_number(
    client, alice, to_recycle, technique, django_capture_on_commit_callbacks
):
    number, total = to_recycle.number, to_recycle.total_ttc
    client.force_login(alice)
    page = client.get(reverse("tracking:recycle", args=[to_recycle.pk]))
    assert page.context["form"].initial["service_code"] == "FINANCES"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("tracking:recycle", args=[to_recycle.pk]),
            {
                "recipient_siret": "21490244700017",
                "service_code": "TECHNIQUE",
                "engagement_number": "",
            },
        )
    assert response.status_code == 302
    to_recycle.refresh_from_db()
    # Same number, same amounts, new service; routed again up to the buyer
    assert (to_recycle.number, to_recycle.total_ttc) == (number, total)
    assert to_recycle.recipient_service == technique
    assert to_recycle.status == S.MISE_A_DISPOSITION
    recycled = StatusEvent.objects.get(invoice=to_recycle, status=S.DEPOSEE, previous_status=S.A_RECYCLER)
    assert "service TECHNIQUE" in recycled.comment
    # The delay runs from the recycling (receipt by the right service, art. R.2192-12)
    assert to_recycle.due_date == timezone.localdate() + timedelta(days=30)


def test_recycling_to_another_structure_checks_its_requirements(
    client, alice, to_recycle, quimper, david, carla
):
    client.force_login(alice)
    url = reverse("tracking:recycle", args=[to_recycle.pk])
    # Quimper requires an engagement number: said next to the field
    response = client.post(
        url, {"recipient_siret": quimper.siret, "service_code": "", "engagement_number": ""}
    )
    assert "exige un numéro d'engagement" in response.context["form"].errors["engagement_number"][0]
    # An unknown SIRET: said next to the recipient
    response = client.post(
        url, {"recipient_siret": "21490244700018", "service_code": "", "engagement_number": ""}
    )
    assert response.context["form"].errors["recipient_siret"]
    to_recycle.refresh_from_db()
    assert to_recycle.status == S.A_RECYCLER
    # With the engagement number it goes to Quimper: David sees it, Carla no longer does
    response = client.post(
        url, {"recipient_siret": quimper.siret, "service_code": "", "engagement_number": "EJ-2026-77"}
    )
    assert response.status_code == 302
    to_recycle.refresh_from_db()
    assert to_recycle.recipient == quimper and to_recycle.engagement_number == "EJ-2026-77"
    assert to_recycle.due_date == timezone.localdate() + timedelta(days=50)  # hospital: 50 days


def test_supplier_acknowledges_a_rejection(client, alice, invoice, carla):
    advance(invoice, S.REJETEE, buyer=carla)
    client.force_login(alice)
    response = client.post(reverse("tracking:acknowledge_rejection", args=[invoice.pk]))
    assert response.status_code == 302
    invoice.refresh_from_db()
    first = invoice.rejection_acknowledged_at
    assert first is not None and invoice.status == S.REJETEE
    # Twice is harmless: the first acknowledgement stays
    assert invoice_rejection_acknowledge(invoice_id=invoice.pk, actor=alice) == first


def test_only_a_rejected_invoice_can_be_acknowledged(alice, invoice):
    with pytest.raises(TransitionNotAllowed) as exc:
        invoice_rejection_acknowledge(invoice_id=invoice.pk, actor=alice)
    assert "Seule une facture rejetée" in exc.value.message


@pytest.mark.parametrize("name", ["tracking:complete", "tracking:recycle", "tracking:acknowledge_rejection"])
def test_bob_and_carla_cannot_follow_up_acme_invoices(client, bob, carla, suspended, name):
    for user in (bob, carla):
        client.force_login(user)
        assert client.post(reverse(name, args=[suspended.pk])).status_code == 404
    assert client.post(reverse(name, args=[999_999])).status_code == 404


def test_the_follow_up_block_shows_timeline_due_date_and_actions(alice, suspended):
    request = RequestFactory().get("/")
    request.user = alice
    html = render_to_string("tracking/_invoice_followup.html", {"invoice": suspended}, request=request)
    assert "Suivi de la facture" in html
    for label in ("Déposée", "En cours d&#x27;acheminement", "Mise à disposition", "Suspendue"):
        assert label in html
    assert "Justificatif absent ou insuffisant" in html and "Bon de livraison manquant" in html
    assert "Délai suspendu" in html and "Échéance" in html
    assert reverse("tracking:complete", args=[suspended.pk]) in html
    assert "Carla Petit" in html


def test_a_buyer_viewing_the_invoice_page_gets_no_supplier_action(carla, suspended):
    suspended.viewer_is_supplier = False
    request = RequestFactory().get("/")
    request.user = carla
    html = render_to_string("tracking/_invoice_followup.html", {"invoice": suspended}, request=request)
    assert "Suspendue" in html and reverse("tracking:complete", args=[suspended.pk]) not in html


def test_the_supplier_lists_sent_invoices_with_filters(
    client, alice, bob, acme, beaufort, finances, quimper, carla, django_assert_max_num_queries
):
    from .factories import make_invoice

    suspended = advance(
        make_invoice(supplier=acme, recipient=beaufort, service=finances), S.SUSPENDUE, buyer=carla
    )
    to_quimper = make_invoice(supplier=acme, recipient=quimper, engagement_number="EJ-9")
    client.force_login(alice)
    url = reverse("tracking:sent")
    with django_assert_max_num_queries(40):
        response = client.get(url)
    assert [i.pk for i in response.context["invoices"]] == [to_quimper.pk, suspended.pk]
    assert "Suspendue : 1" in response.content.decode()
    # Action required: the suspended one
    assert [i.pk for i in client.get(url, {"statut": "ACTION_REQUISE"}).context["invoices"]] == [suspended.pk]
    # By recipient name or SIRET
    assert [i.pk for i in client.get(url, {"destinataire": "quimper"}).context["invoices"]] == [to_quimper.pk]
    assert [i.pk for i in client.get(url, {"destinataire": "2149024"}).context["invoices"]] == [suspended.pk]
    # Bob sees none of ACME's invoices
    client.force_login(bob)
    assert client.get(url).context["invoices"] == []

"""The support team answers requests from a page of the portal (list, filters, thread,
attachments, status), and notifications about a request say so (issue 18, point 6)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpcentre.models import RequestStatus, SupportMessage, SupportRequest
from notifications.models import Notification
from tests.compliance.helpers import at, make_invoice
from tests.helpcentre.test_support_requests import PDF, open_request

pytestmark = pytest.mark.django_db


def test_staff_answer_from_the_portal_page(
    client, alice, bob, admin_user, django_capture_on_commit_callbacks
):
    # Given two requests, alice's with a file and bob's about his account
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        open_request(client, attachment=SimpleUploadedFile("bon.pdf", PDF))
    client.force_login(bob)
    open_request(client, category="STRUCTURE", subject="Rattachement à ma boulangerie")
    alices = SupportRequest.objects.get(author=alice)
    # When the admin opens the support page, filtered on the « Facture rejetée » category
    client.force_login(admin_user)
    page = client.get(reverse("helpcentre:staff_requests"), {"categorie": "REJET"}).content.decode()
    # Then alice's request is listed and bob's is not, with the counts by status
    assert alices.reference in page and "Rattachement à ma boulangerie" not in page
    assert "Ouverte : 2" in page
    # And its thread shows her message and her file
    detail_url = reverse("helpcentre:staff_request_detail", args=[alices.pk])
    detail = client.get(detail_url).content.decode()
    assert "Ma facture a été refusée" in detail and "bon.pdf" in detail
    # When the admin answers with a file and closes it
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            detail_url,
            {
                "body": "Choisissez le service FINANCES.",
                "attachment": SimpleUploadedFile("guide.pdf", PDF),
                "statut": "OUVERTE",
                "close": "on",
            },
        )
    assert response.status_code == 302
    alices.refresh_from_db()
    assert alices.status == RequestStatus.CLOSED and alices.assignee == admin_user
    answer = SupportMessage.objects.get(from_staff=True)
    assert answer.attachments.get().name == "guide.pdf"
    # Then alice is notified with a link named after the request, not an invoice
    client.force_login(alice)
    notifications = client.get(reverse("notifications:notifications")).content.decode()
    assert "Voir la sollicitation" in notifications
    assert Notification.objects.filter(recipient=alice).exists()
    assert any("Voir la sollicitation" in m.body for m in mail.outbox if alice.email in m.to)


def test_only_the_support_team_sees_the_support_pages(client, alice):
    client.force_login(alice)
    open_request(client)
    support_request = SupportRequest.objects.get()
    assert client.get(reverse("helpcentre:staff_requests")).status_code == 404
    detail = reverse("helpcentre:staff_request_detail", args=[support_request.pk])
    assert client.get(detail).status_code == 404
    action = reverse("helpcentre:staff_request_action", args=[support_request.pk, "cloturer"])
    assert client.post(action).status_code == 404


def test_staff_take_a_request_in_charge(client, alice, admin_user):
    client.force_login(alice)
    open_request(client)
    support_request = SupportRequest.objects.get()
    client.force_login(admin_user)
    client.post(reverse("helpcentre:staff_request_action", args=[support_request.pk, "prendre"]))
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.IN_PROGRESS and support_request.assignee == admin_user
    mine = client.get(reverse("helpcentre:staff_requests"), {"prise_en_charge": "moi"}).content.decode()
    assert support_request.reference in mine


def test_the_request_form_from_an_invoice_page_shows_its_number(client, alice, acme, beaufort):
    acme_invoice = make_invoice(
        supplier=acme, recipient=beaufort, deposited=at(2025, 3, 3), number="F-2025-0102"
    )
    client.force_login(alice)
    page = client.get(reverse("helpcentre:request_new"), {"facture": acme_invoice.pk}).content.decode()
    assert 'value="F-2025-0102"' in page

"""Support requests ("Sollicitations"): a user opens one, the support team answers from the admin,
both sides are notified, and nobody sees another user's requests."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpcentre.models import RequestStatus, SupportAttachment, SupportMessage, SupportRequest
from notifications.models import Notification
from tests.compliance.helpers import at, make_invoice

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def acme_invoice(acme, beaufort):
    return make_invoice(supplier=acme, recipient=beaufort, deposited=at(2025, 3, 3), number="F-2025-0102")


@pytest.fixture
def bakery_invoice(bakery, beaufort):
    return make_invoice(supplier=bakery, recipient=beaufort, deposited=at(2025, 3, 4), number="B-7")


def open_request(client, **extra):
    data = {
        "category": "REJET",
        "subject": "Facture rejetée : code service",
        "body": "Ma facture a été refusée, que faire ?",
        **extra,
    }
    return client.post(reverse("helpcentre:request_new"), data)


def test_supplier_opens_a_request_about_her_invoice_with_an_attachment(
    client,
    alice,
    admin_user,
    acme_invoice,
    django_capture_on_commit_callbacks,
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = open_request(
            client,
            invoice="f-2025-0102 ",  # the number she knows, as she types it
            attachment=SimpleUploadedFile("bon-de-commande.pdf", PDF),
        )
    support_request = SupportRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "helpcentre:request_detail", args=[support_request.pk]
    )
    assert (support_request.author, support_request.status, support_request.invoice) == (
        alice,
        RequestStatus.OPEN,
        acme_invoice,
    )
    assert support_request.supplier_structure == acme_invoice.supplier  # the workspace of the moment
    attachment = SupportAttachment.objects.get()
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "bon-de-commande.pdf",
        "application/pdf",
        len(PDF),
    )
    assert not attachment.file.name.endswith("bon-de-commande.pdf")  # stored under a random name
    # The support team is notified, with a link to its page of the portal
    notification = Notification.objects.get(recipient=admin_user)
    assert support_request.reference in notification.title
    assert notification.url == reverse("helpcentre:staff_request_detail", args=[support_request.pk])
    # She follows it in her list and downloads her file
    assert support_request.reference in client.get(reverse("helpcentre:request_list")).content.decode()
    download = client.get(reverse("helpcentre:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")


def test_an_invoice_of_another_structure_is_refused_like_an_unknown_one(client, alice, bakery_invoice):
    client.force_login(alice)
    # Given the bakery's invoice B-7, by its number or its Chorus identifier
    for typed in ("B-7", str(bakery_invoice.pk)):
        response = open_request(client, invoice=typed)
        assert response.status_code == 200
        assert response.context["form"].errors["invoice"] == [
            f"Aucune de vos factures n'a le numéro « {typed} » : vérifiez-le dans « Factures envoyées » "
            "(ou laissez le champ vide)."
        ]
    unknown = open_request(client, invoice="F-INCONNUE")
    assert unknown.context["form"].errors["invoice"][0].startswith("Aucune de vos factures n'a le numéro")
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("facture.exe", b"MZ\x90\x00", "n'a pas une extension acceptée"),
        ("faux.pdf", b"ceci n'est pas un PDF", "ne correspond pas à son extension"),
        ("vide.pdf", b"", "est vide"),
        ("un-nom-de-fichier-beaucoup-trop-long-pour-chorus-pro.pdf", PDF, "dépasse 50 caractères"),
        ("gros.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "doit faire moins de 10 Mo"),
    ],
)
def test_attachments_follow_the_invoice_attachment_rules(client, alice, name, content, message):
    client.force_login(alice)
    response = open_request(client, attachment=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    errors = response.context["form"].errors["attachment"]
    assert message in " ".join(errors)
    assert not SupportRequest.objects.exists() and not SupportAttachment.objects.exists()


def test_required_fields_have_french_errors(client, alice):
    client.force_login(alice)
    response = client.post(reverse("helpcentre:request_new"), {"category": "", "subject": "", "body": ""})
    errors = response.context["form"].errors
    assert set(errors) == {"category", "subject", "body"}
    assert errors["subject"] == ["Ce champ est obligatoire."]


def test_staff_answers_from_the_admin_and_both_sides_are_notified(
    client,
    alice,
    admin_user,
    django_capture_on_commit_callbacks,
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        open_request(client)
    support_request = SupportRequest.objects.get()
    # When the admin answers in the admin's change form, with a file
    client.force_login(admin_user)
    admin_url = reverse("admin:helpcentre_supportrequest_change", args=[support_request.pk])
    page = client.get(admin_url)
    assert page.status_code == 200 and "Ma facture a été refusée" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            admin_url,
            {
                "reply": "Indiquez le code service FINANCES.",
                "reply_attachment": SimpleUploadedFile("annuaire.csv", b"code;libelle\nFINANCES;Finances\n"),
            },
        )
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.ANSWERED and support_request.assignee == admin_user
    answer = SupportMessage.objects.get(from_staff=True)
    assert (
        answer.body == "Indiquez le code service FINANCES."
        and answer.attachments.get().name == "annuaire.csv"
    )
    # Then alice is notified, with a link to her request
    notification = Notification.objects.get(recipient=alice)
    assert notification.url == reverse("helpcentre:request_detail", args=[support_request.pk])
    assert "Réponse du support" in notification.title
    # And she sees the answer and replies: the request goes back to the support team
    client.force_login(alice)
    detail = reverse("helpcentre:request_detail", args=[support_request.pk])
    assert "Indiquez le code service FINANCES." in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(detail, {"body": "Merci, c'est réglé.", "statut": "REPONDUE"}).status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.OPEN
    assert Notification.objects.filter(recipient=admin_user).count() == 2
    # She closes it; a new message is refused
    client.post(reverse("helpcentre:request_close", args=[support_request.pk]))
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.CLOSED and support_request.closed_at
    response = client.post(detail, {"body": "Encore une question", "statut": "CLOTUREE"})
    assert response.status_code == 200
    assert "Cette sollicitation est clôturée" in response.content.decode()
    assert SupportMessage.objects.count() == 3


def test_a_reply_on_a_request_that_changed_meanwhile_is_refused(client, alice, admin_user):
    client.force_login(alice)
    open_request(client)
    support_request = SupportRequest.objects.get()
    # The support team answered while alice's page still showed "Ouverte"
    from helpcentre.services import support_request_reply

    support_request_reply(support_request=support_request, author=admin_user, body="Réponse.", as_staff=True)
    support_request.refresh_from_db()
    from helpcentre.services import support_request_close

    support_request_close(support_request=support_request, actor=admin_user)
    response = client.post(
        reverse("helpcentre:request_detail", args=[support_request.pk]),
        {"body": "Et alors ?", "statut": "OUVERTE"},
    )
    assert "La sollicitation a changé entre-temps" in response.content.decode()
    assert SupportMessage.objects.count() == 2


def test_admin_actions_take_and_close(client, alice, admin_user):
    client.force_login(alice)
    open_request(client)
    open_request(client, subject="Deuxième question")
    client.force_login(admin_user)
    changelist = reverse("admin:helpcentre_supportrequest_changelist")
    ids = [str(pk) for pk in SupportRequest.objects.values_list("pk", flat=True)]
    client.post(changelist, {"action": "take_selected", "_selected_action": ids})
    assert set(SupportRequest.objects.values_list("status", flat=True)) == {RequestStatus.IN_PROGRESS}
    client.post(changelist, {"action": "close_selected", "_selected_action": ids})
    assert set(SupportRequest.objects.values_list("status", flat=True)) == {RequestStatus.CLOSED}
    # Closed by the support team: alice is told
    assert Notification.objects.filter(recipient=alice, title__contains="clôturée").count() == 2


def test_nobody_sees_another_users_requests(client, alice, bob):
    client.force_login(alice)
    open_request(client, attachment=SimpleUploadedFile("piece.pdf", PDF))
    support_request = SupportRequest.objects.get()
    attachment = SupportAttachment.objects.get()
    client.force_login(bob)
    assert client.get(reverse("helpcentre:request_detail", args=[support_request.pk])).status_code == 404
    assert client.post(reverse("helpcentre:request_close", args=[support_request.pk])).status_code == 404
    assert client.get(reverse("helpcentre:attachment_download", args=[attachment.pk])).status_code == 404
    assert support_request.reference not in client.get(reverse("helpcentre:request_list")).content.decode()
    # Same answer as an unknown id
    assert client.get(reverse("helpcentre:request_detail", args=[999999])).status_code == 404
    # Anonymous visitors are sent to the login page
    client.logout()
    assert client.get(reverse("helpcentre:request_list")).status_code == 302


def test_request_list_is_paginated_in_constant_queries(client, alice, django_assert_max_num_queries):
    client.force_login(alice)
    for n in range(25):
        open_request(client, subject=f"Question {n}")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("helpcentre:request_list"))
    assert len(response.context["page"].rows) == 20 and response.context["page"].has_next


def test_messages_are_escaped_in_the_admin_and_on_the_portal(client, alice, admin_user):
    client.force_login(alice)
    open_request(client, body="<script>alert(1)</script>\nDeuxième ligne")
    support_request = SupportRequest.objects.get()
    html = client.get(reverse("helpcentre:request_detail", args=[support_request.pk])).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    client.force_login(admin_user)
    admin_url = reverse("admin:helpcentre_supportrequest_change", args=[support_request.pk])
    html = client.get(admin_url).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Deuxième ligne" in html

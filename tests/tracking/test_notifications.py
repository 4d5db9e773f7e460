"""Notifications at every step: who is told, in which words, once only, by e-mail (French, text
+ HTML) after commit, and according to each user's preference for each structure."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.statuses import InvoiceStatus as S
from notifications.models import Digest, EmailState, Notification, NotificationMode
from notifications.services import (
    digest_prepare,
    digest_send,
    notification_create,
    notification_preference_set,
    notification_send_email,
)
from suppliers.models import SupplierMembership
from tests.factories import SupplierMembershipFactory, UserFactory
from tracking.notices import status_event_notify
from tracking.services import invoice_buyer_process

from .factories import advance, make_invoice


def notify_all(invoice):
    for event in StatusEvent.objects.filter(invoice=invoice):
        status_event_notify(event_id=event.pk)


def test_the_supplier_is_notified_of_every_status_change(
    invoice, alice, carla, django_capture_on_commit_callbacks
):
    # Given an invoice deposited, routed, made available, then suspended by Carla
    with django_capture_on_commit_callbacks(execute=True):
        advance(invoice, S.SUSPENDUE, buyer=carla)
        notify_all(invoice)
    # Then Alice has one notification per status change, each with its e-mail
    titles = list(Notification.objects.filter(recipient=alice).order_by("id").values_list("title", flat=True))
    number = invoice.number
    assert titles == [
        f"Facture {number} : Déposée",
        f"Facture {number} : En cours d'acheminement",
        f"Facture {number} : Mise à disposition",
        f"Facture {number} : Suspendue",
    ]
    suspended = Notification.objects.get(recipient=alice, event__status=S.SUSPENDUE)
    assert "Commune de Beaufort-en-Anjou (FINANCES)" in suspended.body
    assert "Motif : Justificatif absent ou insuffisant — Bon de livraison manquant" in suspended.body
    assert "Complétez-la" in suspended.body
    assert suspended.url == reverse("invoices:detail", args=[invoice.pk])
    assert suspended.email_state == EmailState.SENT
    # and the e-mail is French, plain text + HTML, with the number, recipient, status, reason, link
    # (the four e-mails of the moment leave in one, batched per recipient: issue #17)
    message = next(m for m in mail.outbox if f"Facture {number} : Suspendue" in m.body)
    assert message.to == ["alice@acme.test"]
    assert "Bonjour Alice Martin," in message.body
    assert "Bon de livraison manquant" in message.body
    assert f"http://127.0.0.1:8000/factures/{invoice.pk}/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Commune de Beaufort-en-Anjou" in html and 'lang="fr"' in html


def test_the_buyer_is_notified_of_new_invoices_to_process(
    invoice, carla, eric, django_capture_on_commit_callbacks
):
    # Given Beaufort's buyers: Carla (every service) and Éric (TECHNIQUE only)
    with django_capture_on_commit_callbacks(execute=True):
        advance(invoice, S.MISE_A_DISPOSITION)
        notify_all(invoice)
    # Then Carla is told a FINANCES invoice awaits her, Éric is not
    notification = Notification.objects.get(recipient=carla)
    assert notification.title == f"Nouvelle facture à traiter : {invoice.number}"
    assert "ACME Fournitures vous a adressé la facture" in notification.body
    assert "1\u202f200,00 € TTC (service FINANCES)" in notification.body
    assert notification.url == reverse("inbox:detail", args=[invoice.pk])
    assert not Notification.objects.filter(recipient=eric).exists()


def test_the_buyer_is_notified_when_the_supplier_completes(
    invoice, alice, carla, django_capture_on_commit_callbacks
):
    advance(invoice, S.SUSPENDUE, buyer=carla)
    from tracking.services import invoice_complete

    with django_capture_on_commit_callbacks(execute=True):
        event = invoice_complete(
            invoice_id=invoice.pk, actor=alice, comment="Bon de livraison joint", attachments=[]
        )
    notification = Notification.objects.get(recipient=carla, event=event)
    assert notification.title == f"Facture complétée par le fournisseur : {invoice.number}"
    assert "Commentaire du fournisseur : Bon de livraison joint" in notification.body


def test_a_notification_is_created_once_per_event_and_recipient(
    invoice, alice, django_capture_on_commit_callbacks
):
    event = StatusEvent.objects.get(invoice=invoice)
    with django_capture_on_commit_callbacks(execute=True):
        assert status_event_notify(event_id=event.pk) == 1
        # A second run (message delivered again) changes nothing
        assert status_event_notify(event_id=event.pk) == 0
        # and even if the bookkeeping flag were lost, the database refuses a duplicate
        StatusEvent.objects.filter(pk=event.pk).update(notified_at=None)
        assert status_event_notify(event_id=event.pk) == 1
    assert Notification.objects.filter(recipient=alice, event=event).count() == 1
    assert len(mail.outbox) == 1


def test_dedupe_key_makes_reminders_idempotent(alice, acme):
    kwargs = {
        "recipient": alice,
        "kind": "relance",
        "title": "Relance",
        "body": "…",
        "structure": acme,
        "dedupe_key": "relance:2026-03",
    }
    first = notification_create(**kwargs)
    again = notification_create(**kwargs)
    assert first is not None and again.pk == first.pk
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_an_email_is_sent_at_most_once_by_sequential_runs(alice, acme):
    notification = notification_create(
        recipient=alice, kind="statut", title="Titre", body="Corps", structure=acme
    )
    assert notification_send_email(notification_id=notification.pk) is True
    assert notification_send_email(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_smtp_send_is_given_back_for_the_retry(alice, acme, settings):
    settings.EMAIL_BACKEND = "tests.tracking.test_notifications.FailingBackend"
    notification = notification_create(
        recipient=alice, kind="statut", title="Titre", body="Corps", structure=acme
    )
    import smtplib

    with pytest.raises(smtplib.SMTPServerDisconnected):
        notification_send_email(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.email_state == EmailState.PENDING


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPServerDisconnected("connexion perdue")


def test_preference_nothing_silences_a_structure(invoice, alice, acme, django_capture_on_commit_callbacks):
    # Given Bertrand, a simple user of ACME who wants nothing
    bertrand = UserFactory(email="bertrand@acme.test")
    SupplierMembershipFactory(user=bertrand, structure=acme, role=Role.USER)
    notification_preference_set(user=bertrand, structure=acme, mode=NotificationMode.NOTHING)
    with django_capture_on_commit_callbacks(execute=True):
        notify_all(invoice)
    assert not Notification.objects.filter(recipient=bertrand).exists()
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_the_principal_manager_always_gets_rejections(
    invoice, alice, acme, carla, django_capture_on_commit_callbacks
):
    # Given Alice (principal manager of ACME) chose "nothing", and a simple user chose the same
    assert SupplierMembership.objects.get(user=alice).role == Role.PRINCIPAL
    bertrand = UserFactory(email="bertrand@acme.test")
    SupplierMembershipFactory(user=bertrand, structure=acme, role=Role.USER)
    for user in (alice, bertrand):
        notification_preference_set(user=user, structure=acme, mode=NotificationMode.NOTHING)
    # When Carla rejects the invoice
    with django_capture_on_commit_callbacks(execute=True):
        advance(invoice, S.REJETEE, buyer=carla)
        notify_all(invoice)
    # Then Alice is told of the rejection only (in-app and by e-mail), Bertrand of nothing
    assert list(Notification.objects.filter(recipient=alice).values_list("kind", flat=True)) == ["rejet"]
    assert not Notification.objects.filter(recipient=bertrand).exists()
    assert [m.to for m in mail.outbox if m.to != ["carla@beaufort.test"]] == [["alice@acme.test"]]


def test_daily_digest_gathers_the_emails_of_the_day(
    invoice, alice, acme, carla, django_capture_on_commit_callbacks
):
    # Given Alice prefers a daily digest for ACME
    notification_preference_set(user=alice, structure=acme, mode=NotificationMode.DAILY_DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        advance(invoice, S.SERVICE_FAIT, buyer=carla)
        notify_all(invoice)
    # Then the in-app notifications are there at once, without any e-mail yet
    assert Notification.objects.filter(recipient=alice, email_state=EmailState.IN_DIGEST).count() == 4
    assert [m for m in mail.outbox if "alice@acme.test" in m.to] == []
    mail.outbox.clear()
    # When the digest runs (twice), one e-mail gathers the four
    with django_capture_on_commit_callbacks(execute=True):
        digest = digest_prepare(recipient_id=alice.pk)
        # run again before the first digest left: the send is enqueued again, claimed once
        assert digest_prepare(recipient_id=alice.pk).pk == digest.pk
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_prepare(recipient_id=alice.pk) is None
    assert len(mail.outbox) == 1
    assert "récapitulatif" in mail.outbox[0].subject and "4 notifications" in mail.outbox[0].subject
    assert f"Facture {invoice.number} : Service fait" in mail.outbox[0].body
    assert digest_send(digest_id=digest.pk) is False
    assert Digest.objects.count() == 1 and len(mail.outbox) == 1
    assert not Notification.objects.filter(recipient=alice, email_state=EmailState.IN_DIGEST).exists()


def test_the_preferences_page_lists_each_structure(client, alice, acme, carla, beaufort):
    client.force_login(alice)
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 200 and "ACME Fournitures" in response.content.decode()
    response = client.post(
        reverse("notifications:preferences"), {f"fournisseur:{acme.pk}": "RECAP_QUOTIDIEN"}
    )
    assert response.status_code == 302
    assert alice.notification_preferences.get().mode == NotificationMode.DAILY_DIGEST
    # A value outside the list is refused next to the field, nothing saved
    response = client.post(reverse("notifications:preferences"), {f"fournisseur:{acme.pk}": "TOUT"})
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()


def test_notification_centre_lists_and_marks_read(client, alice, acme, bob):
    for i in range(25):
        notification_create(
            recipient=alice,
            kind="statut",
            title=f"Titre {i}",
            body="Corps",
            structure=acme,
            url="/tableau-de-bord/",
            send_email=False,
        )
    client.force_login(alice)
    # The header shows the unread count on every page
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="notifications-unread">25' in page
    # The centre pages by 20, newest first
    response = client.get(reverse("notifications:notifications"))
    body = response.content.decode()
    assert "Titre 24" in body and "Titre 4" not in body and "Plus anciennes" in body
    next_page = client.get(reverse("notifications:notifications"), {"avant": response.context["next_cursor"]})
    assert "Titre 4" in next_page.content.decode() and "Titre 0" in next_page.content.decode()
    # Opening one marks it read and goes to its page
    first = Notification.objects.filter(recipient=alice).latest("id")
    response = client.post(reverse("notifications:notification_open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/tableau-de-bord/"
    first.refresh_from_db()
    assert first.read_at is not None
    # Bob cannot open Alice's notification (unknown to him)
    client.force_login(bob)
    assert client.post(reverse("notifications:notification_open", args=[first.pk])).status_code == 404
    # Mark all read
    client.force_login(alice)
    client.post(reverse("notifications:notifications_read_all"))
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert 'id="notifications-unread"' not in client.get(reverse("dashboard")).content.decode()


def test_unread_count_is_capped(client, alice, acme):
    Notification.objects.bulk_create(
        [Notification(recipient=alice, kind="statut", title=f"N{i}", body="") for i in range(105)]
    )
    client.force_login(alice)
    assert 'id="notifications-unread">99+' in client.get(reverse("dashboard")).content.decode()


def test_an_external_link_is_never_followed(client, alice, acme):
    notification = notification_create(
        recipient=alice, kind="x", title="T", body="", url="https://evil.test/", send_email=False
    )
    client.force_login(alice)
    response = client.post(reverse("notifications:notification_open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:notifications")


def test_other_supplier_gets_nothing_of_acme(invoice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_all(invoice)
    assert not Notification.objects.filter(recipient=bob).exists()


def test_inactive_users_are_not_notified(invoice, alice, django_capture_on_commit_callbacks):
    type(alice).objects.filter(pk=alice.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify_all(invoice)
    assert not Notification.objects.exists()


def test_make_invoice_supports_buyer_processing(invoice, carla):
    advance(invoice, S.MISE_A_DISPOSITION)
    invoice_buyer_process(invoice_id=invoice.pk, to=S.SERVICE_FAIT, actor=carla)
    invoice.refresh_from_db()
    assert invoice.status == S.SERVICE_FAIT
    assert make_invoice  # factory importable for other stories

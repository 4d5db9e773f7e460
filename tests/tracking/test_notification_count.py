"""How many notifications and e-mails a deposit makes (issue #17 "one notification per chain of
automatic steps", issue #18 §5 "too many e-mails"): the supplier is told "déposée et mise à
disposition" once, the buyer once; nobody is told of their own action; a buyer who receives
many new invoices a day gets the rest in the daily digest unless they chose every event."""

from __future__ import annotations

from django.core import mail

from accounts.roles import Role
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.statuses import InvoiceStatus as S
from notifications.models import EmailState, Notification, NotificationMode
from notifications.services import notification_preference_set
from tests.factories import SupplierMembershipFactory, UserFactory
from tracking.services import invoice_buyer_process, invoice_complete

from .factories import advance, make_invoice


def test_a_deposit_makes_one_notification_per_person_and_keeps_every_status(
    alice, acme, beaufort, finances, carla, django_capture_on_commit_callbacks
):
    # Given ACME's software deposits an invoice (no person acts: the API's technical account)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(supplier=acme, recipient=beaufort, service=finances, actor=None)
    # Then the workers route it and make it available: three statuses in the history
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    events = list(StatusEvent.objects.filter(invoice=invoice).order_by("pk"))
    assert [e.status for e in events] == [S.DEPOSEE, S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION]
    # and Alice is told once, "déposée et mise à disposition", with each step in the message
    (told,) = Notification.objects.filter(recipient=alice)
    assert told.title == f"Facture {invoice.number} : Déposée et mise à disposition"
    assert "Étapes : Déposée (" in told.body and "En cours d'acheminement (" in told.body
    assert told.event_id == events[-1].pk
    # and Carla once, a new invoice to process
    (new,) = Notification.objects.filter(recipient=carla)
    assert new.title == f"Nouvelle facture à traiter : {invoice.number}"
    # and that is two e-mails in all, not four
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@acme.test", "carla@beaufort.test"]
    assert not StatusEvent.objects.filter(invoice=invoice, notified_at__isnull=True).exists()


def test_nobody_is_notified_of_their_own_action(
    invoice, alice, acme, carla, django_capture_on_commit_callbacks
):
    # Given a colleague of Alice at ACME
    colleague = UserFactory(email="paul@acme.test", first_name="Paul", last_name="Durand")
    SupplierMembershipFactory(user=colleague, structure=acme, role=Role.USER)
    advance(invoice, S.MISE_A_DISPOSITION)
    StatusEvent.objects.filter(invoice=invoice).update(notified_at="2026-01-01T00:00:00Z")
    # When Carla suspends the invoice
    with django_capture_on_commit_callbacks(execute=True):
        invoice_buyer_process(
            invoice_id=invoice.pk,
            to=S.SUSPENDUE,
            actor=carla,
            comment="Bon de livraison manquant",
            reason_code="JUSTIF_ABS",
        )
    # Then ACME's members are told, Carla is not
    assert Notification.objects.filter(recipient=alice, event__status=S.SUSPENDUE).count() == 1
    assert Notification.objects.filter(recipient=colleague, event__status=S.SUSPENDUE).count() == 1
    assert not Notification.objects.filter(recipient=carla, event__status=S.SUSPENDUE).exists()
    # When Alice completes it
    with django_capture_on_commit_callbacks(execute=True):
        invoice_complete(invoice_id=invoice.pk, actor=alice, comment="Bon joint", attachments=[])
    # Then her colleague and the buyer are told, Alice is not
    assert not Notification.objects.filter(recipient=alice, event__status=S.COMPLETEE).exists()
    assert Notification.objects.filter(recipient=colleague, event__status=S.COMPLETEE).count() == 1
    assert Notification.objects.filter(recipient=carla, event__status=S.COMPLETEE).count() == 1


def test_a_busy_buyer_gets_new_invoices_in_the_daily_digest_by_default(
    acme, beaufort, finances, carla, alice, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_NEW_INVOICE_EMAILS_PER_DAY = 5
    # Given eight invoices made available to Beaufort today
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(8):
            make_invoice(supplier=acme, recipient=beaufort, service=finances, actor=None)
    # Then Carla, who never chose, got the first five by e-mail and the others wait for the digest
    states = list(
        Notification.objects.filter(recipient=carla).order_by("pk").values_list("email_state", flat=True)
    )
    assert states == [EmailState.SENT] * 5 + [EmailState.IN_DIGEST] * 3
    # (the five leave in one e-mail: they were waiting together, batched per recipient)
    (message,) = [m for m in mail.outbox if m.to == ["carla@beaufort.test"]]
    assert message.subject == "[Chorus] 5 nouvelles notifications"
    # and the centre still lists all eight
    assert Notification.objects.filter(recipient=carla).count() == 8


def test_a_buyer_who_chose_every_event_gets_every_email(
    acme, beaufort, finances, carla, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_NEW_INVOICE_EMAILS_PER_DAY = 5
    notification_preference_set(user=carla, structure=beaufort, mode=NotificationMode.EVERY_EVENT)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(7):
            make_invoice(supplier=acme, recipient=beaufort, service=finances, actor=None)
    states = Notification.objects.filter(recipient=carla).values_list("email_state", flat=True)
    assert list(states) == [EmailState.SENT] * 7


def test_emails_to_one_person_leave_together(alice, acme, django_capture_on_commit_callbacks):
    from notifications.services import Kind, notification_create, notification_send_email

    # Given two notifications for Alice created before their e-mail task ran (it waits a little)
    with django_capture_on_commit_callbacks(execute=False):
        first, second = (
            notification_create(
                recipient=alice, kind=Kind.STATUS, title=title, body="…", url=url, structure=acme
            )
            for title, url in (
                ("Facture A : Suspendue", "/factures/1/"),
                ("Facture B : Rejetée", "/factures/2/"),
            )
        )
    # When the first task runs
    assert notification_send_email(notification_id=first.pk) is True
    # Then one e-mail carries both, and the second task finds nothing left to send
    assert notification_send_email(notification_id=second.pk) is False
    (message,) = mail.outbox
    assert message.subject == "[Chorus] 2 nouvelles notifications"
    assert "Facture A : Suspendue" in message.body and "Facture B : Rejetée" in message.body
    assert "http://127.0.0.1:8000/factures/2/" in message.body
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}


def test_a_person_notified_many_times_in_a_moment_costs_one_email_task(
    alice, acme, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import services
    from notifications.services import Kind, notification_create, notification_send_email

    settings.NOTIFICATIONS_EMAIL_BATCH_SECONDS = 30
    sent: list[tuple] = []
    monkeypatch.setattr(
        services, "task_send", lambda name, *args, countdown=None: sent.append((name, args, countdown))
    )
    # Given three invoices of ACME change status within the same 30 seconds (three notifications
    # for Alice, committed one after the other)
    made = []
    for number in ("A", "B", "C"):
        with django_capture_on_commit_callbacks(execute=True):
            made.append(
                notification_create(
                    recipient=alice,
                    kind=Kind.STATUS,
                    title=f"Facture {number} : Suspendue",
                    body="…",
                    structure=acme,
                )
            )
    # Then one e-mail task is scheduled for her, 30 seconds later, not three (issue #17)
    assert sent == [("notifications.notification_send_email", (made[0].pk,), 30)]
    # When it runs, one e-mail carries the three
    assert notification_send_email(notification_id=made[0].pk) is True
    (message,) = mail.outbox
    assert message.subject == "[Chorus] 3 nouvelles notifications"
    # and the next notification schedules a new batch of its own
    with django_capture_on_commit_callbacks(execute=True):
        fourth = notification_create(
            recipient=alice, kind=Kind.STATUS, title="Facture D : Rejetée", body="…", structure=acme
        )
    assert sent[-1] == ("notifications.notification_send_email", (fourth.pk,), 30)
    assert len(sent) == 2


def test_a_batch_whose_first_email_left_elsewhere_still_sends_what_counted_on_it(
    alice, acme, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import services
    from notifications.services import Kind, notification_create, notification_send_email

    settings.NOTIFICATIONS_EMAIL_BATCH_SECONDS = 30
    sent: list[tuple] = []
    monkeypatch.setattr(
        services, "task_send", lambda name, *args, countdown=None: sent.append((name, args, countdown))
    )
    # Given a batch scheduled for Alice by a first notification
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_create(
            recipient=alice, kind=Kind.STATUS, title="Facture A : Suspendue", body="…", structure=acme
        )
    # whose e-mail left meanwhile by another road (the sweeper's own send)
    assert notification_send_email(notification_id=first.pk) is True
    # and a second notification that found the batch still marked... (mark set again by hand:
    # the moment between the sweeper's send and the batch's own run)
    from django.core.cache import cache

    cache.add(services._batch_key(alice.pk), 1, 60)
    with django_capture_on_commit_callbacks(execute=True):
        second = notification_create(
            recipient=alice, kind=Kind.STATUS, title="Facture B : Rejetée", body="…", structure=acme
        )
    assert len(sent) == 1  # it counted on the batch
    # When the batch's task runs and finds its own notification already sent
    assert notification_send_email(notification_id=first.pk) is True
    # Then it sent the second one all the same
    second.refresh_from_db()
    assert second.email_state == EmailState.SENT
    assert [m.subject for m in mail.outbox] == [
        "[Chorus] Facture A : Suspendue",
        "[Chorus] Facture B : Rejetée",
    ]


def test_a_person_in_both_structures_is_told_once_per_step(
    alice, acme, beaufort, finances, carla, django_capture_on_commit_callbacks
):
    from tests.factories import BuyerMembershipFactory

    # Given Alice also belongs to Beaufort (an accountant shared by both, say)
    BuyerMembershipFactory(user=alice, structure=beaufort, role=Role.USER)
    # When ACME's software deposits an invoice that the workers route and make available
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(supplier=acme, recipient=beaufort, service=finances, actor=None)
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    # Then she is told once of that step (as the supplier, told first), Carla once, nothing failed
    last = StatusEvent.objects.filter(invoice=invoice).order_by("pk").last()
    assert Notification.objects.filter(recipient=alice, event=last).count() == 1
    assert Notification.objects.filter(recipient=carla, event=last).count() == 1
    assert not StatusEvent.objects.filter(invoice=invoice, notified_at__isnull=True).exists()


def test_a_full_batch_sends_the_next_one_at_once(
    alice, acme, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import services
    from notifications.services import Kind, notification_create, notification_send_email

    settings.NOTIFICATIONS_EMAIL_BATCH_SECONDS = 30
    monkeypatch.setattr(services, "EMAIL_BATCH_MAX", 2)
    sent: list[tuple] = []
    monkeypatch.setattr(
        services, "task_send", lambda name, *args, countdown=None: sent.append((name, args, countdown))
    )
    # Given three notifications for Alice in one window (one batch task scheduled for them)
    made = []
    for number in ("A", "B", "C"):
        with django_capture_on_commit_callbacks(execute=True):
            made.append(
                notification_create(
                    recipient=alice,
                    kind=Kind.STATUS,
                    title=f"Facture {number} : Suspendue",
                    body="…",
                    structure=acme,
                )
            )
    assert len(sent) == 1
    # When the batch runs, an e-mail carries at most two of them
    assert notification_send_email(notification_id=made[0].pk) is True
    assert mail.outbox[0].subject == "[Chorus] 2 nouvelles notifications"
    # Then the third leaves at once in a send of its own, not a minute later with the sweeper
    assert sent[-1] == ("notifications.notification_send_email", (made[2].pk,), None)

"""Who hears about what in an invoice's life, and in which words.

- The supplier's members: every status change of their invoices, one notification per chain of
  automatic steps (deposit, routing, availability: "Déposée et mise à disposition"), none for a
  change they made themselves.
- The recipient's buyers (restricted ones only for their services): a new invoice made
  available, an invoice completed after a suspension, an overdue invoice.
- The validator's members (A9/A12): an invoice to validate within 15 days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import MembershipStatus
from common.formats import format_decimal
from common.memo import memoized
from entities.models import BuyerMembership
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.payment import invoice_lateness
from invoices.lifecycle.reasons import ReasonCode
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from notifications.models import EmailState, Notification
from notifications.services import (
    Kind,
    members_with_preferences,
    notification_create,
    notification_email_enqueue,
)
from suppliers.models import SupplierMembership

# What the supplier should do next, by new status.
NEXT_STEP = {
    S.DEPOSEE: gettext_lazy("Votre facture est déposée : le délai de paiement court à partir de cette date."),
    S.MISE_A_DISPOSITION: gettext_lazy(
        "Votre facture est disponible pour le destinataire, qui va la traiter."
    ),
    S.SUSPENDUE: gettext_lazy(
        "Complétez-la en ajoutant les pièces ou informations demandées : le délai de "
        "paiement est suspendu jusque-là."
    ),
    S.A_RECYCLER: gettext_lazy(
        "Corrigez le destinataire, le service ou le numéro d'engagement puis renvoyez-la avec le même numéro."
    ),
    S.REJETEE: gettext_lazy(
        "Prenez connaissance du motif, traitez le rejet, puis émettez une nouvelle facture "
        "avec un nouveau numéro."
    ),
    S.REFUSEE_1: gettext_lazy(
        "Le valideur a refusé votre facture : prenez contact avec lui avant d'en émettre une nouvelle."
    ),
    S.MISE_EN_PAIEMENT: gettext_lazy("Le paiement de votre facture a été émis."),
    S.A_VALIDER_MOE: gettext_lazy(
        "Le maître d'œuvre vérifie votre projet de décompte avant de le transmettre au maître d'ouvrage."
    ),
    S.REFUSEE_MOE: gettext_lazy(
        "Le maître d'œuvre a refusé votre projet de décompte : prenez connaissance du motif et "
        "déposez un nouveau document."
    ),
    S.TRANSMISE_MOA: gettext_lazy(
        "Le maître d'œuvre a validé votre document et l'a transmis au maître d'ouvrage."
    ),
}


def _url(name: str, invoice_id: int) -> str:
    try:
        return reverse(name, args=[invoice_id])
    except NoReverseMatch:
        return ""


def _money(amount: Any) -> str:
    # The portal's one formatter (« 2 080,80 »), the sentence writes the "€" itself.
    return format_decimal(amount, min_places=2, max_places=2)


def _reason(event: StatusEvent) -> str:
    parts = []
    if event.reason_code:
        label = (
            ReasonCode(event.reason_code).label
            if event.reason_code in ReasonCode.values
            else event.reason_code
        )
        parts.append(str(label))
    if event.comment:
        parts.append(event.comment)
    return " — ".join(parts)


def supplier_members(structure_id: int) -> list[Any]:
    """Active members of a supplier structure (once per batch: ``common.memo``), with their
    notification preference for it."""

    def compute() -> list[Any]:
        members = SupplierMembership.objects.filter(
            structure_id=structure_id, status=MembershipStatus.ACTIVE, user__is_active=True
        )
        return members_with_preferences(members.order_by("pk"), structure_id=structure_id)

    return memoized(("supplier_members", structure_id), compute)


def buyer_members(structure_id: int, service_id: int | None) -> list[Any]:
    """Active buyers of the structure who see ``service_id`` (unrestricted, or restricted to it),
    once per batch (``common.memo``)."""

    def compute() -> list[Any]:
        qs = BuyerMembership.objects.filter(
            structure_id=structure_id, status=MembershipStatus.ACTIVE, user__is_active=True
        )
        if service_id is None:
            qs = qs.filter(services__isnull=True)
        else:
            qs = qs.filter(Q(services__isnull=True) | Q(services=service_id))
        return members_with_preferences(qs.distinct().order_by("pk"), structure_id=structure_id)

    return memoized(("buyer_members", structure_id, service_id), compute)


def _notify_all(
    users: Iterable[Any], *, skip: Any, seen: set[tuple[int, int]] | None = None, **kwargs: Any
) -> int:
    """``seen``: the (user, event) pairs already notified in this chain. With it, a person in
    two audiences (a member of both structures) is told once, and each insert is ``fresh``."""
    count = 0
    for user in users:
        if skip is not None and user.pk == skip:
            continue
        if seen is not None:
            pair = (user.pk, kwargs["event"].pk)
            if pair in seen:
                continue
            seen.add(pair)
        if notification_create(recipient=user, fresh=seen is not None, **kwargs) is not None:
            count += 1
    return count


def status_event_notify(
    *, event_id: int, send_email: bool = True, invoice_id: int | None = None, invoice: Any = None
) -> int:
    """Create the notifications of one status event (once: a second run does nothing).

    The stored text is French whatever the language of the request that caused the change.
    ``send_email=False`` only for history written after the fact (demo data). ``invoice_id``:
    given by a caller that has just written the event in this unit of work (it is not notified
    yet), which saves reading it first; ``invoice``, the instance that caller deposited a moment
    ago with its supplier, recipient, service and validator (the notices read nothing else that a
    chain of automatic steps changes), saves reading it again."""
    with translation.override("fr"):
        return _status_event_notify(
            event_id=event_id, send_email=send_email, invoice_id=invoice_id, invoice=invoice
        )


def _status_event_notify(*, event_id: int, send_email: bool, invoice_id: int | None, invoice: Any) -> int:
    notified_at = None
    given = invoice_id is not None
    if invoice_id is None:
        head = StatusEvent.objects.filter(pk=event_id).values_list("invoice_id", "notified_at").first()
        if head is None:
            return 0
        invoice_id, notified_at = head
    if notified_at is not None:
        # Done by an earlier run, perhaps killed before its e-mails were enqueued.
        for notification_id in Notification.objects.filter(
            event_id=event_id, email_state=EmailState.PENDING
        ).values_list("pk", flat=True):
            notification_email_enqueue(notification_id)
        return 0
    # Inside the chain's transaction (tracking.dispatch), no savepoint of its own: it raises
    # nothing on purpose, and an error aborts the chain with its notices.
    with transaction.atomic(savepoint=False):
        # The chain ending at this event: it and the earlier events of the invoice not yet
        # notified, i.e. the automatic steps that followed each other in one unit of work
        # (issue #17: "déposée et mise à disposition" once, not three e-mails in a second).
        # Locked, so that two runs never notify the same event twice.
        events = list(
            StatusEvent.objects.select_for_update()
            .filter(invoice_id=invoice_id, notified_at__isnull=True, pk__lte=event_id)
            .order_by("pk")
        )
        if not events:
            return 0
        if invoice is None or invoice.pk != invoice_id:
            invoice = (
                Invoice.objects.select_related("supplier", "recipient", "recipient_service", "validator")
                .filter(pk=invoice_id)
                .get()
            )
        # Events this very unit of work just wrote (``invoice_id`` given): their flag cannot have
        # been lost, so their notifications are inserted without savepoints (issue #17).
        count = _chain_notify(events, invoice, send_email=send_email, fresh=given)
        StatusEvent.objects.filter(pk__in=[e.pk for e in events], notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
    return count


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _author(events: list[StatusEvent]) -> int | None:
    """The user who made every change of the chain, if one did (a person is not notified of
    their own action, issue #18 §5); None when the system or someone else took part."""
    authors = {e.actor_id for e in events}
    return authors.pop() if len(authors) == 1 else None


def _chain_notify(events: list[StatusEvent], invoice: Any, *, send_email: bool, fresh: bool = False) -> int:
    """One notification per audience for a chain of status events of one invoice (the
    notification centre and the invoice's history still show each status)."""
    last = events[-1]
    number = invoice.number or f"#{invoice.pk}"
    recipient = invoice.recipient.name if invoice.recipient else _("destinataire inconnu")
    service = f" ({invoice.recipient_service.code})" if invoice.recipient_service else ""
    labels = [str(S(e.status).label) for e in events]
    if len(events) == 1:
        status_text = labels[0]
    else:
        status_text = _("%(first)s et %(last)s") % {"first": labels[0], "last": _lower_first(labels[-1])}
    lines = [
        _(
            "Votre facture n° %(number)s adressée à %(recipient)s%(service)s est passée au statut "
            "« %(status)s » le %(when)s."
        )
        % {
            "number": number,
            "recipient": recipient,
            "service": service,
            "status": labels[-1],
            "when": timezone.localtime(last.at).strftime("%d/%m/%Y à %H:%M"),
        }
    ]
    if len(events) > 1:
        lines.append(
            _("Étapes : %(steps)s.")
            % {
                "steps": ", ".join(
                    f"{label} ({timezone.localtime(e.at):%H:%M:%S})"
                    for label, e in zip(labels, events, strict=True)
                )
            }
        )
    for event in events:
        reason = _reason(event)
        if reason:
            lines.append(_("Motif : %(reason)s") % {"reason": reason})
    next_steps = [str(NEXT_STEP[e.status]) for e in events if e.status in NEXT_STEP]
    lines += list(dict.fromkeys(next_steps))
    if invoice.moe_amount_due is not None and any(e.status == S.TRANSMISE_MOA for e in events):
        lines.append(moe_correction_notice(invoice))
    rejected = any(e.status == S.REJETEE for e in events)
    # ``fresh``: nothing can exist yet for these events (held locked, just written), so the
    # inserts need no savepoint once de-duplicated here; otherwise the database's unique
    # constraint, caught under a savepoint, is the guard (a lost ``notified_at``).
    seen: set[tuple[int, int]] | None = set() if fresh else None
    count = _notify_all(
        supplier_members(invoice.supplier_id),
        skip=_author(events),
        seen=seen,
        kind=Kind.REJECTION if rejected else Kind.STATUS,
        title=_("Facture %(number)s : %(status)s") % {"number": number, "status": status_text},
        body="\n".join(lines),
        url=_url("invoices:detail", invoice.pk),
        invoice=invoice,
        event=last,
        structure=invoice.supplier,
        send_email=send_email,
        created_at=last.at,
    )
    for event in events:
        count += _notify_buyers(event, invoice, number, send_email=send_email, seen=seen)
        if event.status in (S.A_VALIDER_MOE, S.A_VALIDER_1) and invoice.validator_id:
            # The maître d'œuvre (works) or the A9/A12 validator is asked for its decision.
            values = {
                "supplier": invoice.supplier.name,
                "number": number,
                "amount": _money(invoice.total_ttc),
                "recipient": recipient,
            }
            if event.status == S.A_VALIDER_MOE:
                title = _("Décompte de travaux à valider : %(number)s") % values
                body = _(
                    "%(supplier)s vous soumet son document n° %(number)s de %(amount)s € TTC pour "
                    "%(recipient)s : validez-le (en corrigeant au besoin les montants, avec un motif) "
                    "ou refusez-le."
                )
            else:
                title = _("Facture à valider : %(number)s") % values
                body = _(
                    "%(supplier)s vous soumet sa facture n° %(number)s de %(amount)s € TTC pour "
                    "%(recipient)s. Sans réponse de votre part sous 15 jours, elle sera validée "
                    "tacitement."
                )
            count += _notify_all(
                supplier_members(invoice.validator_id),
                skip=event.actor_id,
                seen=seen,
                kind=Kind.TO_VALIDATE,
                title=title,
                body=body % values,
                url=_url("tracking:validation_detail", invoice.pk),
                invoice=invoice,
                event=event,
                structure=invoice.validator,
                send_email=send_email,
                created_at=event.at,
            )
    return count


def moe_correction_notice(invoice: Any) -> str:
    """What the contractor is told of the maître d'œuvre's corrected amount: the MOE notifies it
    of any change of the amount to pay, and it has 30 days to object, after which the amount is
    deemed accepted (Chorus Pro community page « MOE : comment gérer les révisions de montants
    dans les marchés de travaux », as quoted in issue #14 — [V-3p])."""
    return _(
        "Le maître d'œuvre a corrigé le montant à payer : %(validated)s € au lieu de %(document)s € "
        "(votre projet de décompte, inchangé). C'est ce montant que le maître d'ouvrage paiera. Si "
        "vous le contestez, faites-le savoir au maître d'œuvre dans les 30 jours : passé ce délai, "
        "il est réputé accepté."
    ) % {"validated": _money(invoice.moe_amount_due), "document": _money(invoice.amount_due)}


def _notify_buyers(
    event: StatusEvent,
    invoice: Any,
    number: str,
    *,
    send_email: bool,
    seen: set[tuple[int, int]] | None = None,
) -> int:
    made_available = event.status == S.MISE_A_DISPOSITION and event.previous_status == S.EN_COURS_ACHEMINEMENT
    if not (made_available or event.status == S.COMPLETEE) or invoice.recipient_id is None:
        return 0
    if made_available:
        title = _("Nouvelle facture à traiter : %(number)s") % {"number": number}
        body = _("%(supplier)s vous a adressé la facture n° %(number)s de %(amount)s € TTC%(service)s.")
    else:
        title = _("Facture complétée par le fournisseur : %(number)s") % {"number": number}
        body = _(
            "%(supplier)s a complété la facture n° %(number)s de %(amount)s € TTC%(service)s "
            "que vous aviez suspendue : elle attend votre traitement."
        )
    service = invoice.recipient_service
    body = body % {
        "supplier": invoice.supplier.name,
        "number": number,
        "amount": _money(invoice.total_ttc),
        "service": _(" (service %(code)s)") % {"code": service.code} if service else "",
    }
    if invoice.moe_amount_due is not None:
        # The buyer pays the maître d'œuvre's amount, not the draft's (tracking.services).
        body += "\n" + _("Montant validé par le maître d'œuvre, à payer : %(amount)s €.") % {
            "amount": _money(invoice.moe_amount_due)
        }
    if event.status == S.COMPLETEE and event.comment:
        body += "\n" + _("Commentaire du fournisseur : %(comment)s") % {"comment": event.comment}
    return _notify_all(
        buyer_members(invoice.recipient_id, invoice.recipient_service_id),
        skip=event.actor_id,
        seen=seen,
        kind=Kind.TO_PROCESS,
        title=title,
        body=body,
        url=_url("inbox:detail", invoice.pk),
        invoice=invoice,
        event=event,
        structure=invoice.recipient,
        send_email=send_email,
        created_at=event.at,
    )


def invoice_overdue_notify(*, invoice_id: int, today: date | None = None) -> int:
    """Tell both parties once that an invoice passed its due date unpaid (dedupe per invoice)."""
    with translation.override("fr"):
        return _invoice_overdue_notify(invoice_id=invoice_id, today=today)


def _invoice_overdue_notify(*, invoice_id: int, today: date | None) -> int:

    invoice = Invoice.objects.select_related("supplier", "recipient").filter(pk=invoice_id).first()
    if invoice is None or invoice.recipient_id is None:
        return 0
    position = invoice_lateness(invoice, today=today)
    if not position.overdue or position.paid:
        return 0
    number = invoice.number or f"#{invoice.pk}"
    due = position.due_date.strftime("%d/%m/%Y") if position.due_date else ""
    values = {
        "number": number,
        "due": due,
        "days": position.days_late,
        "supplier": invoice.supplier.name,
        "recipient": invoice.recipient.name,
        "interest": _money(position.total),
    }
    key = f"retard:{invoice.pk}"
    with transaction.atomic():
        count = _notify_all(
            supplier_members(invoice.supplier_id),
            skip=None,
            kind=Kind.OVERDUE,
            title=_("Facture %(number)s : échéance dépassée") % values,
            body=_(
                "Votre facture n° %(number)s adressée à %(recipient)s devait être payée le %(due)s. "
                "Des intérêts moratoires et l'indemnité forfaitaire de 40 € vous sont dus "
                "(%(interest)s € à ce jour)."
            )
            % values,
            url=_url("invoices:detail", invoice.pk),
            invoice=invoice,
            structure=invoice.supplier,
            dedupe_key=key,
        )
        count += _notify_all(
            buyer_members(invoice.recipient_id, invoice.recipient_service_id),
            skip=None,
            kind=Kind.OVERDUE,
            title=_("Facture %(number)s en retard de paiement") % values,
            body=_(
                "La facture n° %(number)s de %(supplier)s devait être payée le %(due)s. Des "
                "intérêts moratoires courent depuis (%(interest)s € à ce jour, indemnité de 40 € "
                "comprise)."
            )
            % values,
            url=_url("inbox:detail", invoice.pk),
            invoice=invoice,
            structure=invoice.recipient,
            dedupe_key=key,
        )
    return count

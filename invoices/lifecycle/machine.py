"""The invoice lifecycle: one table of allowed transitions and who may trigger each, and one
function that applies a transition.

``invoice_transition`` is the only way an invoice changes status: a compare-and-set update on
the expected current status, the history row in the same transaction, and the follow-up work
(notifications, next worker step) scheduled after commit, by id.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.tasks import task_send
from entities.models import PAYMENT_DELAY_DAYS

from ..models import Invoice
from .models import ActorRole, StatusEvent
from .payment import due_date_from, paused_days
from .reasons import REASON_MAX_LENGTH, ReasonCode
from .statuses import InvoiceStatus

if TYPE_CHECKING:
    from accounts.models import User

S = InvoiceStatus

SYSTEM, SUPPLIER, BUYER, VALIDATOR = (
    ActorRole.SYSTEM,
    ActorRole.SUPPLIER,
    ActorRole.BUYER,
    ActorRole.VALIDATOR,
)


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    reason_required: bool = False


def _rule(*roles: str, reason: bool = False) -> Rule:
    return Rule(frozenset(roles), reason)


# (from, to) -> who may trigger it and whether a reason is required.
# SUSPENDUE and REJETEE require a reason (reference §1.1: PASTELL refuses them without one).
TRANSITIONS: Mapping[tuple[str, str], Rule] = {
    # Deposit: a draft is sent by its supplier.
    (S.BROUILLON, S.DEPOSEE): _rule(SUPPLIER),
    # Workers: routing then availability to the recipient.
    (S.DEPOSEE, S.EN_COURS_ACHEMINEMENT): _rule(SYSTEM),
    (S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION): _rule(SYSTEM),
    # Checks re-run while routing can still fail (e.g. the service was closed meanwhile).
    (S.DEPOSEE, S.REJETEE): _rule(SYSTEM, reason=True),
    (S.EN_COURS_ACHEMINEMENT, S.REJETEE): _rule(SYSTEM, reason=True),
    # A9 / A12: the validator (prime contractor or mandataire) approves within 15 days,
    # otherwise approval is tacit (reference §1.3).
    (S.DEPOSEE, S.A_VALIDER_1): _rule(SYSTEM),
    (S.A_VALIDER_1, S.VALIDEE_1): _rule(VALIDATOR),
    (S.A_VALIDER_1, S.REFUSEE_1): _rule(VALIDATOR, reason=True),
    (S.A_VALIDER_1, S.ABSENCE_VALIDATION_1_HORS_DELAI): _rule(SYSTEM),
    (S.VALIDEE_1, S.EN_COURS_ACHEMINEMENT): _rule(SYSTEM),
    (S.ABSENCE_VALIDATION_1_HORS_DELAI, S.EN_COURS_ACHEMINEMENT): _rule(SYSTEM),
    # Works (reference §2, A4 "titulaire → MOE → MOA"): the maître d'œuvre named in
    # ``codeStructureValideur`` acts with the VALIDATOR role (same endpoint
    # ``traiter/factureAValider``, ``typeValideur`` MOE). It validates — the document is
    # transmitted to the maître d'ouvrage — or refuses with a reason. The MOA only sees it once
    # routed and made available (MISE_A_DISPOSITION): none of these rows has the BUYER role.
    (S.DEPOSEE, S.A_VALIDER_MOE): _rule(SYSTEM),
    (S.A_VALIDER_MOE, S.TRANSMISE_MOA): _rule(VALIDATOR),
    (S.A_VALIDER_MOE, S.REFUSEE_MOE): _rule(VALIDATOR, reason=True),
    (S.TRANSMISE_MOA, S.EN_COURS_ACHEMINEMENT): _rule(SYSTEM),
    # The recipient's processing.
    (S.MISE_A_DISPOSITION, S.SUSPENDUE): _rule(BUYER, reason=True),
    (S.COMPLETEE, S.SUSPENDUE): _rule(BUYER, reason=True),
    (S.SUSPENDUE, S.COMPLETEE): _rule(SUPPLIER),
    # The recipient can lift a suspension itself (PASTELL history: SUSPENDUE → MISE_A_DISPOSITION).
    (S.SUSPENDUE, S.MISE_A_DISPOSITION): _rule(BUYER),
    (S.MISE_A_DISPOSITION, S.A_RECYCLER): _rule(BUYER),
    (S.COMPLETEE, S.A_RECYCLER): _rule(BUYER),
    # Recycling: the supplier changes only the routing data and resends with the same number.
    (S.A_RECYCLER, S.DEPOSEE): _rule(SUPPLIER),
    (S.MISE_A_DISPOSITION, S.REJETEE): _rule(BUYER, reason=True),
    (S.COMPLETEE, S.REJETEE): _rule(BUYER, reason=True),
    (S.SUSPENDUE, S.REJETEE): _rule(BUYER, reason=True),
    (S.MISE_A_DISPOSITION, S.SERVICE_FAIT): _rule(BUYER),
    (S.COMPLETEE, S.SERVICE_FAIT): _rule(BUYER),
    (S.SERVICE_FAIT, S.MANDATEE): _rule(BUYER),
    (S.MANDATEE, S.MISE_A_DISPOSITION_COMPTABLE): _rule(BUYER),
    (S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE): _rule(BUYER),
    (S.COMPTABILISEE, S.MISE_EN_PAIEMENT): _rule(BUYER),
    # Local public bodies report payment through HELIOS without the accounting steps.
    (S.MANDATEE, S.MISE_EN_PAIEMENT): _rule(BUYER),
}

# What a public buyer sees: every status in which it acts or that its actions lead to (reference
# §1.1: an invoice reaches its recipient at MISE_A_DISPOSITION; before that it is being routed or
# validated and is not the buyer's yet). Derived from the table so that a new transition of the
# buyer shows its statuses in the inbox, the invoice page and the API alike. REJETEE is also
# reached by the system at routing: such a rejection never reached the buyer
# (``invoices.selectors.buyer_visible``).
BUYER_STATUSES: tuple[InvoiceStatus, ...] = tuple(
    status
    for status in S
    if any(BUYER in rule.roles and status in pair for pair, rule in TRANSITIONS.items())
)
# The statuses a buyer may set (its action buttons).
BUYER_TARGETS = frozenset(to for (_frm, to), rule in TRANSITIONS.items() if BUYER in rule.roles)
# REJETEE is reached by the system at routing (checks re-run) as well as by the buyer: only a
# rejection by the buyer concerns it; the system's never reached the structure.
BUYER_ONLY_IF_SET_BY_BUYER = frozenset({S.REJETEE})


class TransitionError(Exception):
    """A refused status change. ``code`` is stable; the API maps it to ``codeRetour`` 20002."""

    code = "TRANSITION_REFUSEE"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(TransitionError):
    code = "TRANSITION_INTERDITE"


class ReasonRequired(TransitionError):
    code = "MOTIF_OBLIGATOIRE"


class StatusConflict(TransitionError):
    """The invoice changed status meanwhile (another user, a worker): nothing was written."""

    code = "STATUT_MODIFIE"


def allowed_targets(*, status: str, role: str) -> list[str]:
    """The statuses ``role`` may move an invoice to from ``status`` (for the action buttons)."""
    return [to for (frm, to), rule in TRANSITIONS.items() if frm == status and role in rule.roles]


def check_transition(*, current: str, to: str, role: str, comment: str = "", reason_code: str = "") -> Rule:
    rule = TRANSITIONS.get((current, to))
    if rule is None or role not in rule.roles:
        raise TransitionNotAllowed(
            _("Le passage du statut « %(current)s » au statut « %(to)s » n'est pas autorisé.")
            % {"current": S(current).label, "to": S(to).label}
        )
    if rule.reason_required and not (comment.strip() or reason_code):
        raise ReasonRequired(
            _("Un motif est obligatoire pour passer la facture au statut « %(to)s ».") % {"to": S(to).label}
        )
    if len(comment) > REASON_MAX_LENGTH:
        raise TransitionError(_("Le motif ne peut pas dépasser %(n)d caractères.") % {"n": REASON_MAX_LENGTH})
    if reason_code and reason_code not in ReasonCode.values:
        raise TransitionError(_("Code motif inconnu : %(code)s.") % {"code": reason_code})
    return rule


# What a transition reads of the invoice: its status, the compare-and-set guard and the inputs of
# the payment clock (``_clock_changes``).
TRANSITION_FIELDS = (
    "status",
    "status_changed_at",
    "due_date",
    "clock_paused_at",
    "paused_days",
    "deposited_at",
    "recipient__category",
)


def invoice_transition(
    *,
    invoice_id: int,
    to: str,
    role: str,
    actor: Any = None,
    comment: str = "",
    reason_code: str = "",
    expected: str | None = None,
    changes: Mapping[str, Any] | None = None,
    at: datetime | None = None,
    row: dict[str, Any] | None = None,
) -> StatusEvent:
    """Move invoice ``invoice_id`` to status ``to`` on behalf of ``role``.

    ``expected`` is the status the caller saw (a page, an API call, a task); without it the
    current status is read. ``changes`` are other invoice fields written by the same
    compare-and-set update (e.g. ``deposited_at``, ``mandate_number``); they override the
    payment-clock fields this function derives itself (suspension, completion, payment).
    ``row``: the invoice's ``TRANSITION_FIELDS`` as the caller read them in this unit of work,
    which saves reading them again (a chain of automatic steps reads once, issue #17); a stale
    row loses the compare-and-set like a stale page. Brought up to date in place on success.
    Raises a ``TransitionError`` and writes nothing when the change is refused or lost a race.
    """
    now = at or timezone.now()
    current_row = row
    if current_row is None:
        # Read outside the transaction: the compare-and-set below is the guard, not this read.
        current_row = Invoice.objects.filter(pk=invoice_id).values(*TRANSITION_FIELDS).first()
    if current_row is None:
        raise TransitionError(_("Facture inconnue."))
    current = current_row["status"]
    if expected is not None and expected != current:
        raise StatusConflict(
            _(
                "La facture a changé de statut entre-temps (elle est maintenant « %(now)s ») : "
                "rechargez la page et réessayez."
            )
            % {"now": S(current).label}
        )
    check_transition(current=current, to=to, role=role, comment=comment, reason_code=reason_code)
    values = {**_clock_changes(row=current_row, current=current, to=to, now=now), **dict(changes or {})}
    # Compare-and-set: only one of two concurrent changes from the same status wins. The
    # timestamp of the current status also guards against A→B→A between read and write.
    guard: dict[str, datetime | bool | None] = {"status_changed_at": current_row["status_changed_at"]}
    if current_row["status_changed_at"] is None:
        guard = {"status_changed_at__isnull": True}
    event = None
    # The change and its history row in one transaction. Inside a caller's transaction (a chain
    # of automatic steps, tracking.dispatch) it joins it without a savepoint: a refusal is
    # raised outside this block, having written nothing, so the caller's transaction goes on.
    with transaction.atomic(savepoint=False):
        updated = Invoice.objects.filter(pk=invoice_id, status=current, **guard).update(
            status=to, status_changed_at=now, **values
        )
        if updated == 1:
            event = StatusEvent.objects.create(
                invoice_id=invoice_id,
                status=to,
                previous_status=current,
                at=now,
                comment=comment,
                reason_code=reason_code,
                actor_role=role,
                **actor_fields(actor),
            )
            # After commit, by id and by name (the workflow sits above this app). A lost message
            # is re-dispatched by the sweeper (``tracking.routing.lifecycle_sweep``): ``notified_at``.
            _dispatch_on_commit(event.pk)
    if event is None:
        raise StatusConflict(_("La facture a changé de statut entre-temps : rechargez la page et réessayez."))
    if row is not None:
        row.update({name: values[name] for name in TRANSITION_FIELDS if name in values})
        row.update(status=to, status_changed_at=now)
    return event


def _clock_changes(*, row: Mapping[str, Any], current: str, to: str, now: datetime) -> dict[str, Any]:
    """The payment-clock fields a transition changes (reference §6.1).

    - Routing: the due date is the deposit date plus the recipient's legal delay
      (art. R.2192-10/11/12), unless the deposit or a recycling already set it.
    - A suspension stops the clock; leaving SUSPENDUE (completion, lifted by the buyer, or
      rejection) restarts it and moves the due date by the days it lasted.
    - MISE_EN_PAIEMENT records the payment date (it ends the lateness count).
    """
    values: dict[str, Any] = {}
    if to == S.EN_COURS_ACHEMINEMENT and row["due_date"] is None and row["deposited_at"]:
        category = row["recipient__category"]
        if category in PAYMENT_DELAY_DAYS:
            values["due_date"] = due_date_from(
                received=row["deposited_at"], delay_days=PAYMENT_DELAY_DAYS[category]
            )
    if to == S.SUSPENDUE:
        values["clock_paused_at"] = now
    elif current == S.SUSPENDUE and row["clock_paused_at"] is not None:
        days = paused_days(paused_at=row["clock_paused_at"], resumed_at=now)
        values["clock_paused_at"] = None
        values["paused_days"] = row["paused_days"] + days
        if row["due_date"] is not None:
            values["due_date"] = row["due_date"] + timedelta(days=days)
    if to == S.MISE_EN_PAIEMENT:
        values["paid_at"] = now
    return values


def status_event_record_creation(
    *,
    invoice_id: int,
    status: str,
    role: str,
    actor: Any = None,
    comment: str = "",
    at: datetime | None = None,
) -> StatusEvent:
    """The first history row of an invoice created directly in ``status`` (a deposit by upload or
    API inserts the invoice as DEPOSEE). Must run inside the creating transaction."""
    event = StatusEvent.objects.create(
        invoice_id=invoice_id,
        status=status,
        previous_status="",
        at=at or timezone.now(),
        comment=comment,
        actor_role=role,
        **actor_fields(actor),
    )
    _dispatch_on_commit(event.pk)
    return event


def actor_user(actor: Any) -> User | None:
    """The portal user behind ``actor``, or None (the system, an API technical account)."""
    return actor if isinstance(actor, get_user_model()) and actor.pk else None


def actor_fields(actor: Any) -> dict[str, Any]:
    """Who made a change, as the history keeps it (``histoStatutUtilisateurPrenom/Nom``): a
    user's names with a link to the user; otherwise the names the actor gives (the API's
    technical account: "Compte technique" + its login), without a link."""
    user = actor_user(actor)
    if user is not None:
        return {
            "actor": user,
            "actor_first_name": user.first_name or "",
            "actor_last_name": user.last_name or "",
        }
    first = str(getattr(actor, "first_name", "") or "")
    last = str(getattr(actor, "last_name", "") or "")
    login = str(getattr(actor, "login", "") or "")
    if not (first or last) and login:
        first, last = "Compte technique", login
    return {"actor": None, "actor_first_name": first[:150], "actor_last_name": last[:150]}


# When set, the events committed are collected here instead of being sent one task each: the
# caller (a worker running a chain of automatic steps, a flow's integration) dispatches them
# itself, in the same unit of work (issue #17: one task per chain, not one per status).
_deferred: ContextVar[list[int] | None] = ContextVar("lifecycle_deferred_dispatch", default=None)


@contextmanager
def dispatch_deferred() -> Iterator[list[int]]:
    """Collect the ids of the status events committed inside the block, in order, instead of
    sending ``tracking.status_event_dispatch`` for each. The caller must dispatch them (a crash
    before it does is covered by the sweeper: the events stay with ``notified_at`` empty)."""
    collected: list[int] = []
    token = _deferred.set(collected)
    try:
        yield collected
    finally:
        _deferred.reset(token)


def _dispatch_on_commit(event_id: int) -> None:
    """After commit: the workflow notifies and starts the next worker step — or, inside
    ``dispatch_deferred`` (decided now, when the change is made), the event id is handed to the
    caller, who dispatches it in the same unit of work."""
    collected = _deferred.get()
    if collected is not None:
        transaction.on_commit(partial(_collect, collected, event_id))
    else:
        transaction.on_commit(partial(_dispatch, event_id))


def _collect(collected: list[int], event_id: int) -> None:
    collected.append(event_id)


def _dispatch(event_id: int) -> None:
    task_send("tracking.status_event_dispatch", event_id)

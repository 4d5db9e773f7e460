"""The Chorus Pro statuses of a payment request, with their official codes (reference §1.1).

Kept free of model imports so that ``invoices.models`` can use it; the transition table that
says who may move an invoice from one status to another lives in ``invoices.lifecycle.machine``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceStatus(models.TextChoices):
    # Saved by the supplier, editable, not sent to anyone ("non transmise").
    BROUILLON = "BROUILLON", _("Brouillon (non transmise)")
    # Deposited: the deposit certificate is issued; the payment delay starts.
    DEPOSEE = "DEPOSEE", _("Déposée")
    # Checks re-run and routing to the recipient structure and service in progress.
    EN_COURS_ACHEMINEMENT = "EN_COURS_ACHEMINEMENT", _("En cours d'acheminement")
    # Available to the public recipient.
    MISE_A_DISPOSITION = "MISE_A_DISPOSITION", _("Mise à disposition")
    # Paused by the recipient for missing documents (reason required).
    SUSPENDUE = "SUSPENDUE", _("Suspendue")
    # Completed by the supplier after a suspension; back with the recipient.
    COMPLETEE = "COMPLETEE", _("Complétée")
    # Wrong recipient or service: the supplier re-routes it with the same number.
    A_RECYCLER = "A_RECYCLER", _("À recycler")
    # Final refusal (reason required): a new invoice with a new number is needed.
    REJETEE = "REJETEE", _("Rejetée")
    # Goods or services received ("service fait" certified).
    SERVICE_FAIT = "SERVICE_FAIT", _("Service fait")
    # Payment order issued (mandate number).
    MANDATEE = "MANDATEE", _("Mandatée")
    MISE_A_DISPOSITION_COMPTABLE = "MISE_A_DISPOSITION_COMPTABLE", _("Mise à disposition du comptable")
    COMPTABILISEE = "COMPTABILISEE", _("Comptabilisée")
    # Payment released: final status.
    MISE_EN_PAIEMENT = "MISE_EN_PAIEMENT", _("Mise en paiement")
    # A9/A12 validation circuit (subcontractor / co-contractor invoices).
    A_VALIDER_1 = "A_VALIDER_1", _("À valider (valideur)")
    VALIDEE_1 = "VALIDEE_1", _("Validée par le valideur")
    REFUSEE_1 = "REFUSEE_1", _("Refusée par le valideur")
    ABSENCE_VALIDATION_1_HORS_DELAI = (
        "ABSENCE_VALIDATION_1_HORS_DELAI",
        _("Validation tacite (absence de réponse sous 15 jours)"),
    )
    # Works circuit (CCAG Travaux, reference §2 A4 "titulaire → MOE → MOA"; codes from the
    # official list §1.1). The minimal set: waiting for the maître d'œuvre, refused by it,
    # transmitted by it to the maître d'ouvrage (then routed and made available as any invoice).
    A_VALIDER_MOE = "A_VALIDER_MOE", _("À valider par le maître d'œuvre")
    REFUSEE_MOE = "REFUSEE_MOE", _("Refusée par le maître d'œuvre")
    TRANSMISE_MOA = "TRANSMISE_MOA", _("Transmise au maître d'ouvrage")


# --- Groups ------------------------------------------------------------------------------------
S = InvoiceStatus

# The statuses from which the workers move an invoice on by themselves (tracking's steps).
ROUTING_STATUSES = frozenset({S.DEPOSEE, S.VALIDEE_1, S.ABSENCE_VALIDATION_1_HORS_DELAI, S.TRANSMISE_MOA})
AVAILABILITY_STATUSES = frozenset({S.EN_COURS_ACHEMINEMENT})
TRANSIENT_STATUSES = ROUTING_STATUSES | AVAILABILITY_STATUSES
# No later status: the invoice's life is over.
FINAL_STATUSES = frozenset({S.REJETEE, S.MISE_EN_PAIEMENT, S.REFUSEE_1, S.REFUSEE_MOE})
# Statuses in which the payment clock runs and the buyer owes the payment (reference §6.1).
AWAITING_PAYMENT = (
    S.MISE_A_DISPOSITION,
    S.COMPLETEE,
    S.SERVICE_FAIT,
    S.MANDATEE,
    S.MISE_A_DISPOSITION_COMPTABLE,
    S.COMPTABILISEE,
)
# Waiting for the supplier: complete, recycle, or acknowledge the rejection.
SUPPLIER_ACTION_STATUSES = (S.SUSPENDUE, S.A_RECYCLER, S.REJETEE)

"""The status history of invoices. History rows are written by ``tracking.machine`` in the
same transaction as the status change, and never edited."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .statuses import InvoiceStatus


class ActorRole(models.TextChoices):
    SYSTEM = "SYSTEME", _("Système")
    SUPPLIER = "FOURNISSEUR", _("Fournisseur")
    BUYER = "DESTINATAIRE", _("Destinataire")
    VALIDATOR = "VALIDEUR", _("Valideur")
    ADMIN = "ADMINISTRATEUR", _("Administrateur")


class StatusEvent(models.Model):
    """One passage of an invoice through a status (``histoStatut`` of the API, §1.2)."""

    invoice = models.ForeignKey(
        "invoices.Invoice", on_delete=models.PROTECT, related_name="status_events"
    )
    status = models.CharField(_("statut"), max_length=40, choices=InvoiceStatus.choices)
    previous_status = models.CharField(
        _("statut précédent"), max_length=40, choices=InvoiceStatus.choices, blank=True
    )
    at = models.DateTimeField(_("date de passage"), db_index=True)
    comment = models.CharField(_("commentaire"), max_length=255, blank=True)
    reason_code = models.CharField(_("code motif"), max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_role = models.CharField(max_length=20, choices=ActorRole.choices, default=ActorRole.SYSTEM)
    actor_first_name = models.CharField(max_length=150, blank=True)
    actor_last_name = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = _("événement de statut")
        verbose_name_plural = _("historique des statuts")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["invoice", "at"], name="status_event_invoice_at")]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.status} {self.at:%Y-%m-%d %H:%M}"

"""The status history of invoices (``histoStatut``) and the ECB rates of the payment clock.

History rows are written by ``invoices.lifecycle.machine`` in the same transaction as the status
change, and never edited. ``StatusEvent.notified_at`` makes the history the outbox of the
workflow: the dispatch task marks it, the sweeper re-sends what was missed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
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
        "invoices.Invoice",
        on_delete=models.PROTECT,
        related_name="status_events",
        verbose_name=_("facture"),
        # No index of its own: status_event_invoice_at leads with this column
        # (issue #17: one index less to write on each insert and status change).
        db_index=False,
    )
    status = models.CharField(_("statut"), max_length=40, choices=InvoiceStatus.choices)
    previous_status = models.CharField(
        _("statut précédent"), max_length=40, choices=InvoiceStatus.choices, blank=True
    )
    at = models.DateTimeField(_("date de passage"), db_index=True)
    comment = models.CharField(_("commentaire"), max_length=255, blank=True)
    reason_code = models.CharField(_("code motif"), max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("acteur"),
    )
    actor_role = models.CharField(
        max_length=20, choices=ActorRole.choices, default=ActorRole.SYSTEM, verbose_name=_("rôle de l'acteur")
    )
    actor_first_name = models.CharField(max_length=150, blank=True, verbose_name=_("prénom de l'acteur"))
    actor_last_name = models.CharField(max_length=150, blank=True, verbose_name=_("nom de l'acteur"))
    # Outbox bookkeeping, not history: set once the notifications of this event exist, so that
    # the sweeper re-dispatches events whose after-commit task was lost (broker outage).
    notified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("notifié le"))

    class Meta:
        db_table = "tracking_statusevent"  # created by the tracking app before the move
        verbose_name = _("événement de statut")
        verbose_name_plural = _("historique des statuts")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["invoice", "at"], name="status_event_invoice_at"),
            models.Index(fields=["at"], condition=Q(notified_at__isnull=True), name="status_event_to_notify"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.status} {self.at:%Y-%m-%d %H:%M}"


class EcbRate(models.Model):
    """The ECB main refinancing rate in force on the first day of a half-year.

    Late-payment interest of public buyers (décret 2013-269, art. 8) is that rate, for the
    half-year in which interest started to run, plus 8 points. Administrators add each new
    half-year in the admin.
    """

    starts_on = models.DateField(_("premier jour du semestre"), unique=True)
    rate = models.DecimalField(_("taux (en %)"), max_digits=6, decimal_places=3)

    class Meta:
        db_table = "tracking_ecbrate"  # created by the tracking app before the move
        verbose_name = _("taux de refinancement de la BCE")
        verbose_name_plural = _("taux de refinancement de la BCE")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(name="ecb_rate_range", condition=Q(rate__gte=-5, rate__lte=30)),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%d/%m/%Y} : {self.rate} %"

    def clean(self) -> None:
        if self.starts_on and (self.starts_on.day != 1 or self.starts_on.month not in (1, 7)):
            raise ValidationError({"starts_on": _("Un semestre commence le 1er janvier ou le 1er juillet.")})

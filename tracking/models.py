"""The status history of invoices. History rows are written by ``tracking.machine`` in the
same transaction as the status change, and never edited."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
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
        "invoices.Invoice", on_delete=models.PROTECT, related_name="status_events",
        verbose_name=_("facture"),
    )
    status = models.CharField(_("statut"), max_length=40, choices=InvoiceStatus.choices)
    previous_status = models.CharField(
        _("statut précédent"), max_length=40, choices=InvoiceStatus.choices, blank=True
    )
    at = models.DateTimeField(_("date de passage"), db_index=True)
    comment = models.CharField(_("commentaire"), max_length=255, blank=True)
    reason_code = models.CharField(_("code motif"), max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("acteur"),
    )
    actor_role = models.CharField(
        max_length=20, choices=ActorRole.choices, default=ActorRole.SYSTEM,
        verbose_name=_("rôle de l'acteur"),
    )
    actor_first_name = models.CharField(max_length=150, blank=True, verbose_name=_("prénom de l'acteur"))
    actor_last_name = models.CharField(max_length=150, blank=True, verbose_name=_("nom de l'acteur"))
    # Outbox bookkeeping, not history: set once the notifications of this event exist, so that
    # the sweeper re-dispatches events whose after-commit task was lost (broker outage).
    notified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("notifié le"))

    class Meta:
        verbose_name = _("événement de statut")
        verbose_name_plural = _("historique des statuts")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["invoice", "at"], name="status_event_invoice_at"),
            models.Index(fields=["at"], condition=Q(notified_at__isnull=True), name="status_event_to_notify"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.status} {self.at:%Y-%m-%d %H:%M}"


class NotificationMode(models.TextChoices):
    """What a user wants to hear about the invoices of one structure."""

    EVERY_EVENT = "CHAQUE_EVENEMENT", _("À chaque événement (par défaut)")
    DAILY_DIGEST = "RECAP_QUOTIDIEN", _("Un récapitulatif quotidien")
    NOTHING = "AUCUNE", _("Aucune notification")


class EmailState(models.TextChoices):
    PENDING = "A_ENVOYER", _("À envoyer")
    # Claimed by a task (``emailed_at`` = claim time); back to PENDING if the task died.
    SENDING = "EN_COURS", _("Envoi en cours")
    SENT = "ENVOYE", _("Envoyé")
    IN_DIGEST = "RECAPITULATIF", _("Dans le récapitulatif quotidien")
    DIGESTED = "RECAPITULE", _("Envoyé dans un récapitulatif")
    NONE = "SANS", _("Pas d'e-mail")


class Notification(models.Model):
    """An in-app notification (the notification centre) and the state of its e-mail.

    Deduplicated in the database: one per status event and recipient, or per ``dedupe_key``
    and recipient, so that a task run twice (worker killed, message re-delivered) never
    notifies twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("destinataire"),
    )
    kind = models.CharField(_("type"), max_length=40)
    title = models.CharField(_("titre"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("lien"), max_length=500, blank=True)
    invoice = models.ForeignKey(
        "invoices.Invoice", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("facture"),
    )
    event = models.ForeignKey(
        StatusEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("événement"),
    )
    # The structure the notification is about (one of the two, or none for personal ones).
    supplier_structure = models.ForeignKey(
        "suppliers.SupplierStructure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("structure fournisseur"),
    )
    public_structure = models.ForeignKey(
        "entities.PublicStructure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("structure publique"),
    )
    dedupe_key = models.CharField(max_length=200, blank=True, verbose_name=_("clé de dédoublonnage"))
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    email_state = models.CharField(
        max_length=20, choices=EmailState.choices, default=EmailState.NONE,
        verbose_name=_("état du courriel"),
    )
    emailed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("envoyé par courriel le"))
    digest = models.ForeignKey(
        "Digest", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications",
        verbose_name=_("récapitulatif quotidien"),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event"],
                condition=Q(event__isnull=False),
                name="notification_once_per_event",
            ),
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
            models.CheckConstraint(
                name="notification_one_structure",
                condition=Q(supplier_structure__isnull=True) | Q(public_structure__isnull=True),
            ),
        ]
        indexes = [
            # The notification centre (newest first) and the header's unread count.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_recent"),
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                condition=Q(read_at__isnull=True),
                name="notification_recipient_unread",
            ),
            # The daily digest picks the notifications waiting for it.
            models.Index(
                fields=["recipient", "id"],
                condition=Q(email_state="RECAPITULATIF"),
                name="notification_digest_waiting",
            ),
            # The sweeper re-sends e-mails whose task was lost.
            models.Index(
                fields=["created_at"],
                condition=Q(email_state__in=["A_ENVOYER", "EN_COURS"]),
                name="notification_email_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """A user's choice for one structure; without a row the default is every event."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences",
        verbose_name=_("utilisateur"),
    )
    supplier_structure = models.ForeignKey(
        "suppliers.SupplierStructure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("structure fournisseur"),
    )
    public_structure = models.ForeignKey(
        "entities.PublicStructure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("structure publique"),
    )
    mode = models.CharField(
        _("notifications"),
        max_length=20,
        choices=NotificationMode.choices,
        default=NotificationMode.EVERY_EVENT,
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("date de mise à jour"))

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")
        constraints = [
            models.CheckConstraint(
                name="notification_preference_one_structure",
                condition=(
                    Q(supplier_structure__isnull=False, public_structure__isnull=True)
                    | Q(supplier_structure__isnull=True, public_structure__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "supplier_structure"],
                condition=Q(supplier_structure__isnull=False),
                name="notification_preference_supplier_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "public_structure"],
                condition=Q(public_structure__isnull=False),
                name="notification_preference_public_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_mode_display()}"


class Digest(models.Model):
    """One daily digest e-mail of one user: created once per day (unique), sent once."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("récapitulatif quotidien")
        verbose_name_plural = _("récapitulatifs quotidiens")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day}"


class EcbRate(models.Model):
    """The ECB main refinancing rate in force on the first day of a half-year.

    Late-payment interest of public buyers (décret 2013-269, art. 8) is that rate, for the
    half-year in which interest started to run, plus 8 points. Administrators add each new
    half-year in the admin.
    """

    starts_on = models.DateField(_("premier jour du semestre"), unique=True)
    rate = models.DecimalField(_("taux (en %)"), max_digits=6, decimal_places=3)

    class Meta:
        verbose_name = _("taux de refinancement de la BCE")
        verbose_name_plural = _("taux de refinancement de la BCE")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(name="ecb_rate_range", condition=Q(rate__gte=-5, rate__lte=30)),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%d/%m/%Y} : {self.rate} %"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.starts_on and (self.starts_on.day != 1 or self.starts_on.month not in (1, 7)):
            raise ValidationError({"starts_on": _("Un semestre commence le 1er janvier ou le 1er juillet.")})

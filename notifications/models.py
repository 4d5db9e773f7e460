"""In-app notifications (the notification centre), their e-mails, users' preferences and the
daily digests. Tables created by the tracking app before the move keep their names."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("destinataire"),
        # No index of its own: notification_recipient_recent and _once_per_event lead with it
        # (issue #17: one index less to write on each insert and status change).
        db_index=False,
    )
    kind = models.CharField(_("type"), max_length=40)
    title = models.CharField(_("titre"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("lien"), max_length=500, blank=True)
    invoice = models.ForeignKey(
        "invoices.Invoice",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("facture"),
    )
    event = models.ForeignKey(
        "invoices.StatusEvent",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
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
        max_length=20,
        choices=EmailState.choices,
        default=EmailState.NONE,
        verbose_name=_("état du courriel"),
    )
    emailed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("envoyé par courriel le"))
    digest = models.ForeignKey(
        "Digest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        verbose_name=_("récapitulatif quotidien"),
    )

    class Meta:
        db_table = "tracking_notification"
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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
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
        db_table = "tracking_notificationpreference"
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
    # Claimed by a sending task (compare-and-set); ``sent_at`` is set only once the e-mail left.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "tracking_digest"
        verbose_name = _("récapitulatif quotidien")
        verbose_name_plural = _("récapitulatifs quotidiens")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day}"

"""EDI connections, their keys, the files exchanged and the journal of each connection."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def _default_quota() -> int:
    return settings.EDI_QUOTA_BYTES


class EdiConnection(models.Model):
    """The SFTP connection of a supplier structure's technical account (same login)."""

    account = models.OneToOneField(
        "accounts.TechnicalAccount",
        on_delete=models.CASCADE,
        related_name="edi_connection",
        verbose_name=_("compte technique"),
    )
    # Status files are sent only when the connection asks for them (its system may follow the
    # statuses by API instead).
    status_files = models.BooleanField(_("recevoir les fichiers de statut"), default=False)
    # Outbox cursor: the last ``invoices.StatusEvent`` id already exported for this connection.
    status_cursor = models.BigIntegerField(default=0)
    quota_bytes = models.BigIntegerField(_("quota disque (octets)"), default=_default_quota)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(_("verrouillée jusqu'au"), null=True, blank=True)
    # One exporter at a time per connection, without holding a transaction during file writes.
    export_lease_until = models.DateTimeField(null=True, blank=True)
    last_login_at = models.DateTimeField(_("dernière connexion"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("connexion EDI")
        verbose_name_plural = _("connexions EDI")

    def __str__(self) -> str:
        return self.account.login


class EdiKey(models.Model):
    """An SSH public key registered on the technical account's page."""

    connection = models.ForeignKey(EdiConnection, on_delete=models.CASCADE, related_name="keys")
    label = models.CharField(_("libellé"), max_length=100, blank=True)
    public_key = models.TextField(_("clé publique (format OpenSSH)"))
    fingerprint = models.CharField(_("empreinte"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("clé SSH")
        verbose_name_plural = _("clés SSH")
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "fingerprint"], name="edi_key_unique_per_connection"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label or self.fingerprint}"


class EdiFileKind(models.TextChoices):
    DEPOT = "DEPOT", _("Fichier déposé")
    CR = "CR", _("Compte rendu de flux")
    STATUT = "STATUT", _("Fichier de statut")


class EdiFileState(models.TextChoices):
    RECU = "RECU", _("Reçu, en attente de prise en charge")  # claimed from depot/, in the spool
    PRIS = "PRIS", _("Pris en charge (flux de dépôt créé)")
    REFUSE = "REFUSE", _("Refusé avant dépôt")
    ECRIT = "ECRIT", _("Écrit dans retour/")


class EdiFile(models.Model):
    """A file exchanged over a connection: a deposit claimed from ``depot/`` (its claim row:
    ``spool_name`` is unique, ``flow_number`` chosen at the claim so that a retry finds the flow
    it created) or a report written to ``retour/`` (at most one CR per flow, one status file per
    history event)."""

    connection = models.ForeignKey(EdiConnection, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("type"), max_length=10, choices=EdiFileKind.choices)
    state = models.CharField(_("état"), max_length=10, choices=EdiFileState.choices)
    name = models.CharField(_("nom du fichier"), max_length=255)
    size = models.BigIntegerField(_("taille"), default=0)
    spool_name = models.CharField(max_length=255, null=True, blank=True, unique=True)
    flow_number = models.CharField(_("numéro de flux"), max_length=40, blank=True)
    flow = models.ForeignKey(
        "invoices.DepositFlow", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.ForeignKey(
        "invoices.StatusEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report_name = models.CharField(_("compte rendu"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("fichier EDI")
        verbose_name_plural = _("fichiers EDI")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "flow"], condition=Q(kind="CR"), name="edi_one_report_per_flow"
            ),
            models.UniqueConstraint(
                fields=["connection", "event"],
                condition=Q(kind="STATUT"),
                name="edi_one_status_file_per_event",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "kind"], name="edi_file_state_kind"),
        ]

    def __str__(self) -> str:
        return self.name


class EdiAction(models.TextChoices):
    CONNEXION = "CONNEXION", _("Connexion")
    ECHEC = "ECHEC", _("Échec d'authentification")
    VERROU = "VERROU", _("Connexion verrouillée")
    DEPOT = "DEPOT", _("Fichier déposé")
    PRISE = "PRISE", _("Fichier pris en charge")
    REFUS = "REFUS", _("Opération refusée")
    CR = "CR", _("Compte rendu écrit")
    STATUT = "STATUT", _("Fichier de statut écrit")
    RETRAIT = "RETRAIT", _("Fichier retiré")
    SUPPRESSION = "SUPPRESSION", _("Fichier supprimé")
    PURGE = "PURGE", _("Fichier purgé (30 jours)")


class EdiLog(models.Model):
    """The journal of a connection (what the supplier and the admins see of its traffic)."""

    connection = models.ForeignKey(
        EdiConnection, null=True, blank=True, on_delete=models.CASCADE, related_name="log"
    )
    login = models.CharField(_("identifiant"), max_length=80, blank=True)
    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=12, choices=EdiAction.choices)
    name = models.CharField(_("fichier"), max_length=255, blank=True)
    size = models.BigIntegerField(_("taille"), null=True, blank=True)
    detail = models.CharField(_("détail"), max_length=255, blank=True)
    remote_addr = models.CharField(_("adresse"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("journal EDI")
        verbose_name_plural = _("journal EDI")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["connection", "-at"], name="edi_log_connection_at")]

    def __str__(self) -> str:
        return f"{self.login} {self.action} {self.name}"

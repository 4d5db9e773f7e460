"""OAuth2 client-credentials applications, their access tokens, and idempotent deposits.

Secrets are never stored in clear: the client secret is hashed with Django's password hasher
(it may be short, like the demo one), the access token — 256 random bits — with SHA-256 so that
each API call finds it with one indexed lookup.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# PISTE answers ``expires_in: 3600`` (reference §4.1).
TOKEN_LIFETIME_SECONDS = 3600


class OAuthApplication(models.Model):
    """A connector (ERP, dematerialisation operator) allowed to obtain tokens."""

    name = models.CharField(_("nom de l'application"), max_length=100)
    client_id = models.CharField(_("identifiant client (client_id)"), max_length=80, unique=True)
    client_secret_hash = models.CharField(_("secret client (haché)"), max_length=128)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="oauth_applications",
        verbose_name=_("propriétaire"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    secret_rotated_at = models.DateTimeField(_("secret renouvelé le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    class Meta:
        verbose_name = _("application OAuth")
        verbose_name_plural = _("applications OAuth")
        indexes = [models.Index(fields=["owner", "-created_at"], name="oauth_app_owner_recent")]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"


class AccessToken(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    application = models.ForeignKey(OAuthApplication, on_delete=models.CASCADE, related_name="access_tokens")
    scope = models.CharField(max_length=100, default="openid")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("jeton d'accès")
        verbose_name_plural = _("jetons d'accès")

    def __str__(self) -> str:
        return f"{self.application.client_id} → {self.expires_at:%Y-%m-%d %H:%M}"


class IdempotencyKey(models.Model):
    """A deposit sent with an ``Idempotency-Key`` header, and then its stored answer.

    Scoped to (OAuth application, technical account, endpoint, key): two suppliers behind the
    same application never see each other's answers. Claimed in its own short transaction before
    the deposit runs (``response_status`` 0 while in progress), answered after.
    """

    application = models.ForeignKey(
        OAuthApplication, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    technical_account = models.ForeignKey(
        "accounts.TechnicalAccount", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()  # 0 while the request runs
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # When the running request took the key; a claim older than the request time limit is stale.
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("clé d'idempotence")
        verbose_name_plural = _("clés d'idempotence")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "technical_account", "endpoint", "key"], name="idempotency_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"


class ApiAttachment(models.Model):
    """A file added through ``transverses/v1/ajouter/fichier`` or ``factures/v1/deposer/pdf``,
    waiting to be used by ``soumettre`` or ``completer`` (``pieceJointeId``).

    It belongs to the structure of the technical account that sent it: another structure's id
    answers like an unknown one.
    """

    supplier = models.ForeignKey(
        "suppliers.SupplierStructure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_attachments",
    )
    public_structure = models.ForeignKey(
        "entities.PublicStructure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_attachments",
    )
    file = models.FileField(upload_to="api/pj/%Y/%m/")
    name = models.CharField(_("nom du fichier"), max_length=255)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("pièce jointe déposée par API")
        verbose_name_plural = _("pièces jointes déposées par API")
        constraints = [
            models.CheckConstraint(
                name="api_attachment_one_structure",
                condition=models.Q(supplier__isnull=False, public_structure__isnull=True)
                | models.Q(supplier__isnull=True, public_structure__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name

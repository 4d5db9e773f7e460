"""Operations on OAuth applications and access tokens (OAuth2 client credentials, reference §4.1)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import TOKEN_LIFETIME_SECONDS, AccessToken, ApiAttachment, IdempotencyKey, OAuthApplication

# Idempotency keys are kept one day (a connector retries within minutes; Stripe keeps 24 h).
IDEMPOTENCY_RETENTION = timedelta(hours=24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def oauth_application_create(
    *, owner: User, name: str, client_id: str | None = None, client_secret: str | None = None
) -> tuple[OAuthApplication, str]:
    """Create an application; returns it with the clear secret, shown once and never stored."""
    clear = client_secret or secrets.token_urlsafe(32)
    application = OAuthApplication.objects.create(
        owner=owner,
        name=name.strip(),
        client_id=client_id or f"chorus-{secrets.token_hex(12)}",
        client_secret_hash=make_password(clear),
    )
    return application, clear


def oauth_application_rotate_secret(*, application: OAuthApplication) -> str:
    """A new secret: the old one stops working at once, and so do the tokens it obtained."""
    clear = secrets.token_urlsafe(32)
    with transaction.atomic():
        OAuthApplication.objects.filter(pk=application.pk).update(
            client_secret_hash=make_password(clear), secret_rotated_at=timezone.now()
        )
        AccessToken.objects.filter(application_id=application.pk).delete()
    return clear


def oauth_application_set_active(*, application: OAuthApplication, active: bool) -> None:
    """Deactivating revokes every token of the application (a leaked secret is stopped at once)."""
    with transaction.atomic():
        OAuthApplication.objects.filter(pk=application.pk).update(active=active)
        if not active:
            AccessToken.objects.filter(application_id=application.pk).delete()


def oauth_application_delete(*, application: OAuthApplication) -> None:
    application.delete()


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str


def access_token_issue(*, application: OAuthApplication, scope: str = "openid") -> IssuedToken:
    clear = secrets.token_urlsafe(32)
    now = timezone.now()
    AccessToken.objects.create(
        application=application,
        token_hash=token_hash(clear),
        scope=scope,
        expires_at=now + timedelta(seconds=TOKEN_LIFETIME_SECONDS),
    )
    OAuthApplication.objects.filter(pk=application.pk).update(last_used_at=now)
    return IssuedToken(access_token=clear, expires_in=TOKEN_LIFETIME_SECONDS, scope=scope)


def access_tokens_purge_expired() -> int:
    """Delete expired tokens (periodic, ``cpro.schedule``); an expired token already answers 401."""
    deleted, _ = AccessToken.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


def idempotency_keys_purge() -> int:
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - IDEMPOTENCY_RETENTION).delete()
    return deleted


def api_attachment_create(*, principal: object, name: str, content: bytes) -> ApiAttachment:
    """Store a file sent through the API, under the rules of Chorus Pro attachments (reference
    §5.3: name ≤ 50 characters with an allowed extension, 1 byte to 10 MB, content matching the
    extension). Raises ``ApiError`` (20006) with the French reasons."""
    from invoices.attachments import attachment_errors, content_type_for, extension_of

    from .api.errors import ApiError, Code

    errors = attachment_errors(name=name, size=len(content), head=content[:8192])
    if errors:
        raise ApiError(
            Code.INVALID_FILE,
            " ".join(e.message for e in errors),
            errors=[{"champ": "pieceJointeFichier", "message": e.message} for e in errors],
        )
    account = principal.account  # type: ignore[attr-defined]
    attachment = ApiAttachment(
        supplier_id=account.supplier_structure_id,
        public_structure_id=account.public_structure_id,
        name=name,
        extension=extension_of(name),
        content_type=content_type_for(name),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    # The file is written before the row: a failed write leaves no row pointing nowhere.
    attachment.file.save(f"{secrets.token_hex(8)}.{attachment.extension}", ContentFile(content), save=False)
    attachment.save()
    return attachment


def invoices_mark_downloaded(*, invoice_ids: list[int], recipient: object) -> int:
    """``factureTelechargeeParDestinataire``: the recipient downloaded these invoices
    (reference §1.5). Only its own invoices, only the flag."""
    from invoices.models import Invoice

    return Invoice.objects.filter(
        pk__in=invoice_ids, recipient=recipient, downloaded_by_recipient=False
    ).update(downloaded_by_recipient=True)

"""Operations on OAuth applications and access tokens (OAuth2 client credentials, reference §4.1)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import TechnicalAccount, User
from entities.models import PublicStructure
from invoices.attachments import attachment_errors, content_type_for, extension_of
from invoices.models import Invoice

from .api.errors import ApiError, Code
from .models import TOKEN_LIFETIME_SECONDS, AccessToken, ApiAttachment, IdempotencyKey, OAuthApplication

if TYPE_CHECKING:
    from .api.auth import ApiPrincipal

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


# --- Idempotency-Key (IETF draft "The Idempotency-Key HTTP Header Field") ----------------------
# A claim older than this belongs to a request that died (the web timeout is 60 s).
IDEMPOTENCY_CLAIM_TIMEOUT = timedelta(minutes=5)


@dataclass(frozen=True)
class IdempotencyClaim:
    """The outcome of ``idempotency_key_claim``: ``record`` to answer when this request runs, or
    the stored answer to replay, or a refusal (another body, or the first request still running)."""

    record_id: int | None = None
    replay: IdempotencyKey | None = None
    conflict: str = ""  # "autre-requete" | "en-cours"


def idempotency_key_claim(
    *, application: OAuthApplication, account: TechnicalAccount, endpoint: str, key: str, request_hash: str
) -> IdempotencyClaim:
    """Take ``key`` for this request, in its own short transaction (the deposit then runs
    outside any transaction). Scoped to the application *and* the technical account."""
    lookup = {"application": application, "technical_account": account, "endpoint": endpoint, "key": key}
    now = timezone.now()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                **lookup, request_hash=request_hash, response_status=0, response_body={}, claimed_at=now
            )
        return IdempotencyClaim(record_id=record.pk)
    except IntegrityError:
        pass
    existing = IdempotencyKey.objects.filter(**lookup).first()
    if existing is None:  # purged meanwhile: claim again
        return idempotency_key_claim(
            application=application, account=account, endpoint=endpoint, key=key, request_hash=request_hash
        )
    if existing.request_hash != request_hash:
        return IdempotencyClaim(conflict="autre-requete")
    if existing.response_status:
        return IdempotencyClaim(replay=existing)
    # The first request is still running, or died: a stale claim is taken over (compare-and-set).
    taken = IdempotencyKey.objects.filter(
        pk=existing.pk, response_status=0, claimed_at__lt=now - IDEMPOTENCY_CLAIM_TIMEOUT
    ).update(claimed_at=now)
    return IdempotencyClaim(record_id=existing.pk) if taken else IdempotencyClaim(conflict="en-cours")


def idempotency_key_answer(*, record_id: int, status: int, body: Any) -> None:
    """Store the answer of the request that held the key (replayed to its retries)."""
    IdempotencyKey.objects.filter(pk=record_id, response_status=0).update(
        response_status=status, response_body=body
    )


def idempotency_key_release(*, record_id: int) -> None:
    """The request was refused or failed: forget the key so that it may be retried."""
    IdempotencyKey.objects.filter(pk=record_id, response_status=0).delete()


def api_attachment_create(*, principal: ApiPrincipal, name: str, content: bytes) -> ApiAttachment:
    """Store a file sent through the API, under the rules of Chorus Pro attachments (reference
    §5.3: name ≤ 50 characters with an allowed extension, 1 byte to 10 MB, content matching the
    extension). Raises ``ApiError`` (20006) with the French reasons."""

    errors = attachment_errors(name=name, size=len(content), head=content[:8192])
    if errors:
        raise ApiError(
            Code.INVALID_FILE,
            " ".join(e.message for e in errors),
            errors=[{"champ": "pieceJointeFichier", "message": e.message} for e in errors],
        )
    account = principal.account
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


def invoices_mark_downloaded(*, invoice_ids: list[int], recipient: PublicStructure | None) -> int:
    """``factureTelechargeeParDestinataire``: the recipient downloaded these invoices
    (reference §1.5). Only its own invoices, only the flag."""

    return Invoice.objects.filter(
        pk__in=invoice_ids, recipient=recipient, downloaded_by_recipient=False
    ).update(downloaded_by_recipient=True)

"""Support requests ("Sollicitations"): opening, replies from both sides, taking in charge and
closing. Every status change is a compare-and-set on the status the caller saw, and both sides
are notified through ``notifications.services.notification_create``."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from invoices.attachments import HEAD_BYTES, attachment_errors, content_type_for
from invoices.selectors import invoice_get_for_user, invoices_find_for_user
from notifications.services import notification_create

from .models import (
    RequestCategory,
    RequestStatus,
    SupportAttachment,
    SupportMessage,
    SupportRequest,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User

SUBJECT_MAX_LENGTH = 150
MESSAGE_MAX_LENGTH = 10_000
KIND_NEW = "sollicitation"
KIND_REPLY = "sollicitation_reponse"

S = RequestStatus
ACTIVE = frozenset({S.OPEN, S.IN_PROGRESS, S.ANSWERED})
# What each action does to the status: (allowed from, to). A user's message on a request the
# support team answered puts it back in the team's queue; on one being handled it stays there.
USER_REPLY = {S.OPEN: S.OPEN, S.IN_PROGRESS: S.IN_PROGRESS, S.ANSWERED: S.OPEN}
STAFF_REPLY = {S.OPEN: S.ANSWERED, S.IN_PROGRESS: S.ANSWERED, S.ANSWERED: S.ANSWERED}
TAKE = {S.OPEN: S.IN_PROGRESS, S.ANSWERED: S.IN_PROGRESS}
CLOSE = {S.OPEN: S.CLOSED, S.IN_PROGRESS: S.CLOSED, S.ANSWERED: S.CLOSED}


class SupportConflict(ValidationError):
    """The request changed meanwhile (closed by the other side…): nothing was written."""


@dataclass(frozen=True)
class StoredFile:
    path: str
    name: str
    content_type: str
    size: int
    sha256: str


def attachment_check(upload: UploadedFile) -> None:
    """The invoice attachment rules (reference §5.3): name ≤ 50 characters with an allowed
    extension, 0 < size < 10 MB, content matching the extension."""
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    errors = attachment_errors(name=upload.name or "", size=upload.size or 0, head=head)
    if errors:
        raise ValidationError({"attachment": [error.message for error in errors]})


def _store(upload: UploadedFile) -> StoredFile:
    """Write the file under a random name (the user's name is kept as metadata only)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = upload.name or ""  # checked by ``attachment_errors`` before
    extension = name.rsplit(".", 1)[-1].lower()
    today = timezone.localdate()
    path = default_storage.save(f"sollicitations/{today:%Y/%m}/{uuid.uuid4().hex}.{extension}", upload)
    return StoredFile(
        path=path,
        name=name,
        content_type=content_type_for(name),
        size=upload.size or 0,
        sha256=digest.hexdigest(),
    )


def _check_text(*, body: str, subject: str | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if subject is not None:
        if not subject.strip():
            errors["subject"] = ["Indiquez l'objet de votre demande."]
        elif len(subject) > SUBJECT_MAX_LENGTH:
            errors["subject"] = [f"L'objet ne peut pas dépasser {SUBJECT_MAX_LENGTH} caractères."]
    if not body.strip():
        errors["body"] = ["Écrivez votre message."]
    elif len(body) > MESSAGE_MAX_LENGTH:
        errors["body"] = [f"Le message ne peut pas dépasser {MESSAGE_MAX_LENGTH} caractères."]
    return errors


def _create_message(
    *,
    support_request: SupportRequest,
    author: User,
    body: str,
    from_staff: bool,
    stored: StoredFile | None,
    at: datetime,
) -> SupportMessage:
    message = SupportMessage.objects.create(
        request=support_request, author=author, from_staff=from_staff, body=body.strip(), created_at=at
    )
    if stored:
        SupportAttachment.objects.create(
            message=message,
            file=stored.path,
            name=stored.name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
        )
    return message


def _with_file(upload: UploadedFile | None, work: Any) -> Any:
    """Store the file first (no storage I/O inside the transaction), then run ``work`` in a
    transaction; remove the file again if the transaction fails."""
    stored = _store(upload) if upload else None
    try:
        with transaction.atomic():
            return work(stored)
    except Exception:
        if stored:
            default_storage.delete(stored.path)
        raise


def support_request_open(
    *,
    author: User,
    category: str,
    subject: str,
    body: str,
    invoice_id: int | None = None,
    invoice_reference: str = "",
    attachment: UploadedFile | None = None,
    workspace: Any = None,
) -> SupportRequest:
    """Open a request. The invoice, if given (by its Chorus identifier ``invoice_id``, or by
    ``invoice_reference``: the number the supplier knows), must be one ``author`` may see
    (another structure's invoice is refused exactly like an unknown one)."""

    errors = _check_text(body=body, subject=subject)
    if category not in RequestCategory.values:
        errors["category"] = ["Choisissez la catégorie de votre demande."]
    invoice = None
    if invoice_reference.strip() and invoice_id is None:
        found = invoices_find_for_user(user=author, reference=invoice_reference)
        if len(found) == 1:
            invoice = found[0]
        elif not found:
            errors["invoice"] = [
                f"Aucune de vos factures n'a le numéro « {invoice_reference.strip()} » : vérifiez-le "
                "dans « Factures envoyées » (ou laissez le champ vide)."
            ]
        else:
            # The same number at two recipients or two years: the most recent is meant, as a
            # supplier numbers its invoices afresh each year (BT-1 is unique per year).
            invoice = found[0]
    if invoice_id is not None:
        invoice = invoice_get_for_user(user=author, invoice_id=invoice_id)
        if invoice is None:
            errors["invoice"] = [
                f"Aucune de vos factures n'a l'identifiant {invoice_id} : "
                "vérifiez-le sur la page de la facture."
            ]
    if attachment is not None:
        try:
            attachment_check(attachment)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    structure = getattr(workspace, "structure", None)
    now = timezone.now()

    def work(stored: StoredFile | None) -> SupportRequest:
        support_request = SupportRequest.objects.create(
            author=author,
            category=category,
            subject=subject.strip(),
            invoice=invoice,
            supplier_structure=structure if getattr(workspace, "is_supplier", False) else None,
            public_structure=structure if getattr(workspace, "is_buyer", False) else None,
            created_at=now,
            last_message_at=now,
        )
        message = _create_message(
            support_request=support_request, author=author, body=body, from_staff=False, stored=stored, at=now
        )
        _notify_staff(support_request=support_request, message=message, new=True)
        return support_request

    return _with_file(attachment, work)


def _transition(*, support_request: SupportRequest, table: dict, expected: str, **changes: Any) -> str:
    """Compare-and-set the status from ``expected`` following ``table``; return the new one."""
    if expected == S.CLOSED:
        raise SupportConflict("Cette sollicitation est clôturée : ouvrez-en une nouvelle si besoin.")
    target = table.get(expected)
    if target is None:
        raise SupportConflict("Cette action n'est pas possible sur une sollicitation dans cet état.")
    updated = SupportRequest.objects.filter(pk=support_request.pk, status=expected).update(
        status=target, **changes
    )
    if updated != 1:
        raise SupportConflict(
            "La sollicitation a changé entre-temps (réponse ou clôture) : rechargez la page et réessayez."
        )
    support_request.status = target
    for name, value in changes.items():
        setattr(support_request, name, value)
    return target


def support_request_reply(
    *,
    support_request: SupportRequest,
    author: User,
    body: str,
    attachment: UploadedFile | None = None,
    as_staff: bool = False,
    expected: str | None = None,
) -> SupportMessage:
    """Add a message. The author replies on their own request; staff (``as_staff``) answer from
    the admin. ``expected`` is the status the caller saw (default: the current one)."""
    if as_staff and not author.is_staff:
        raise ValidationError("Seul le support peut répondre en son nom.")
    if not as_staff and author.pk != support_request.author_id:
        raise ValidationError("Vous ne pouvez répondre qu'à vos propres sollicitations.")
    errors = _check_text(body=body)
    if attachment is not None:
        try:
            attachment_check(attachment)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    seen = (
        expected
        or SupportRequest.objects.filter(pk=support_request.pk).values_list("status", flat=True).get()
    )
    now = timezone.now()

    def work(stored: StoredFile | None) -> SupportMessage:
        changes: dict[str, Any] = {"last_message_at": now}
        if as_staff and support_request.assignee_id is None:
            changes["assignee"] = author
        _transition(
            support_request=support_request,
            table=STAFF_REPLY if as_staff else USER_REPLY,
            expected=seen,
            **changes,
        )
        message = _create_message(
            support_request=support_request,
            author=author,
            body=body,
            from_staff=as_staff,
            stored=stored,
            at=now,
        )
        if as_staff:
            _notify_author(support_request=support_request, message=message)
        else:
            _notify_staff(support_request=support_request, message=message, new=False)
        return message

    return _with_file(attachment, work)


def support_request_take(*, support_request: SupportRequest, actor: User) -> SupportRequest:
    """A member of the support team takes the request in charge."""
    if not actor.is_staff:
        raise ValidationError("Seul le support peut prendre en charge une sollicitation.")
    with transaction.atomic():
        _transition(
            support_request=support_request, table=TAKE, expected=support_request.status, assignee=actor
        )
    return support_request


def support_request_close(*, support_request: SupportRequest, actor: User) -> SupportRequest:
    """Close the request: its author (no answer needed any more) or the support team."""
    by_staff = actor.is_staff and actor.pk != support_request.author_id
    if not by_staff and actor.pk != support_request.author_id:
        raise ValidationError("Vous ne pouvez clôturer que vos propres sollicitations.")
    now = timezone.now()
    with transaction.atomic():
        _transition(
            support_request=support_request, table=CLOSE, expected=support_request.status, closed_at=now
        )
        if by_staff:
            _notify_author(support_request=support_request, message=None)
    return support_request


# --- notifications ------------------------------------------------------------------------------


def _staff_recipients() -> list[User]:
    # The support team: active staff accounts (a handful; the admin sorts who answers).
    return list(get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk")[:50])


def _notify_staff(*, support_request: SupportRequest, message: SupportMessage, new: bool) -> None:

    # The support team answers from the portal's own page (list, thread, attachments, status).
    url = reverse("helpcentre:staff_request_detail", args=[support_request.pk])
    who = support_request.author.get_full_name() or support_request.author.email
    title = (
        f"Nouvelle sollicitation {support_request.reference} : {support_request.subject}"
        if new
        else f"Nouveau message sur la sollicitation {support_request.reference}"
    )
    body = f"{who} ({support_request.get_category_display()}) :\n\n{message.body[:1000]}"
    for user in _staff_recipients():
        if user.pk == support_request.author_id:
            continue
        notification_create(
            recipient=user,
            kind=KIND_NEW,
            title=title,
            body=body,
            url=url,
            invoice=support_request.invoice,
            dedupe_key=f"sollicitation:{support_request.pk}:{message.pk}",
        )


def _notify_author(*, support_request: SupportRequest, message: SupportMessage | None) -> None:

    url = reverse("helpcentre:request_detail", args=[support_request.pk])
    if message is not None:
        title = f"Réponse du support à votre sollicitation {support_request.reference}"
        body = f"« {support_request.subject} »\n\n{message.body[:1000]}"
        key = f"sollicitation:{support_request.pk}:{message.pk}"
    else:
        title = f"Votre sollicitation {support_request.reference} est clôturée"
        body = (
            f"« {support_request.subject} » a été clôturée par le support. "
            "Pour une nouvelle question, ouvrez une nouvelle sollicitation."
        )
        key = f"sollicitation:{support_request.pk}:cloture"
    notification_create(
        recipient=support_request.author,
        kind=KIND_REPLY,
        title=title,
        body=body,
        url=url,
        invoice=support_request.invoice,
        dedupe_key=key,
    )

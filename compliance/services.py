"""Operations of the compliance app: paper invoices recorded by public buyers, reminders of the
obligation sent to suppliers. The summary tables are refreshed by ``compliance.aggregates``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.roles import MANAGER_ROLES, MembershipStatus
from entities.models import BuyerMembership
from notifications.services import notification_create
from suppliers.calendar import obligation_on
from suppliers.models import IdentifierType, SupplierMembership, SupplierStructure

from . import paper_import
from .models import (
    ComplianceCategory,
    ComplianceReminder,
    PaperInvoice,
    PaperInvoiceHistory,
    PaperSource,
    SupplierCompliance,
)
from .paper_import import PaperImportError, PaperRow

if TYPE_CHECKING:
    from accounts.models import User
    from entities.models import PublicStructure

REMINDER_KIND = "rappel_obligation"
MAX_REMINDERS_AT_ONCE = 100


@dataclass(frozen=True)
class PaperInvoiceData:
    siret: str
    number: str
    invoice_date: date
    amount: Decimal
    name: str = ""


def _supplier_ids_by_siret(sirets: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    sirets = sorted(set(sirets))
    for start in range(0, len(sirets), 500):
        found.update(
            SupplierStructure.objects.filter(
                identifier_type=IdentifierType.SIRET, identifier__in=sirets[start : start + 500]
            ).values_list("identifier", "pk")
        )
    return found


def paper_invoice_record(
    *,
    recipient: PublicStructure,
    data: PaperInvoiceData,
    actor: User | None,
    source: str = PaperSource.FORM,
) -> PaperInvoice:
    """Record one paper invoice received by ``recipient``. Raises ``ValidationError`` (by field:
    ``supplier_siret``, ``number``, ``invoice_date``, ``amount_ttc``) and writes nothing when
    the data is wrong or the invoice is already recorded."""
    errors: dict[str, list[str]] = {}
    checks = (
        ("supplier_siret", lambda: paper_import.check_siret(data.siret)),
        ("number", lambda: paper_import.check_number(data.number)),
        ("invoice_date", lambda: paper_import.check_date(data.invoice_date, today=timezone.localdate())),
        ("amount_ttc", lambda: paper_import.parse_amount(str(data.amount))),
    )
    clean: dict[str, object] = {}
    for name, check in checks:
        try:
            clean[name] = check()
        except ValueError as exc:
            message = str(exc)
            errors[name] = [message[:1].upper() + message[1:] + "."]
    if len(data.name) > paper_import.NAME_MAX_LENGTH:
        errors["supplier_name"] = [f"La raison sociale dépasse {paper_import.NAME_MAX_LENGTH} caractères."]
    if errors:
        raise ValidationError(errors)
    siret = str(clean["supplier_siret"])
    number = str(clean["number"])
    amount_ttc = clean["amount_ttc"]
    assert isinstance(amount_ttc, Decimal)  # paper_import.parse_amount's result
    duplicate = ValidationError(
        {
            "number": [
                f"La facture n° {number} du {data.invoice_date:%d/%m/%Y} de ce fournisseur est déjà "
                "enregistrée pour votre structure."
            ]
        }
    )
    if PaperInvoice.objects.filter(
        recipient=recipient, supplier_siret=siret, number=number, invoice_date=data.invoice_date
    ).exists():
        raise duplicate
    try:
        # A savepoint: a concurrent recording of the same invoice loses cleanly (unique constraint).
        with transaction.atomic():
            return PaperInvoice.objects.create(
                recipient=recipient,
                supplier_siret=siret,
                supplier_name=data.name.strip(),
                supplier_id=_supplier_ids_by_siret([siret]).get(siret),
                number=number,
                invoice_date=data.invoice_date,
                amount_ttc=amount_ttc,
                source=source,
                recorded_by=actor,
            )
    except IntegrityError:
        raise duplicate from None


def paper_invoices_import(
    *, recipient: PublicStructure, content: bytes, actor: User | None, today: date | None = None
) -> int:
    """Record every paper invoice of a CSV file, or none: ``PaperImportError`` lists every
    problem by line number, and nothing is written unless the whole file is valid."""
    rows = paper_import.parse(content, today=today)
    errors = _already_recorded(recipient=recipient, rows=rows)
    if errors:
        raise PaperImportError(errors)
    suppliers = _supplier_ids_by_siret(row.siret for row in rows)
    try:
        with transaction.atomic():
            PaperInvoice.objects.bulk_create(
                [
                    PaperInvoice(
                        recipient=recipient,
                        supplier_siret=row.siret,
                        supplier_name=row.name,
                        supplier_id=suppliers.get(row.siret),
                        number=row.number,
                        invoice_date=row.invoice_date,
                        amount_ttc=row.amount,
                        source=PaperSource.IMPORT,
                        recorded_by=actor,
                    )
                    for row in rows
                ],
                batch_size=1000,
            )
    except IntegrityError:
        # Someone recorded one of these invoices between the check and the insert.
        raise PaperImportError(
            [
                "Certaines factures de ce fichier viennent d'être enregistrées par ailleurs : aucune "
                "facture n'a été importée. Relancez l'import pour voir lesquelles."
            ]
        ) from None
    return len(rows)


def _already_recorded(*, recipient: PublicStructure, rows: list[PaperRow]) -> list[str]:
    wanted = {(row.siret, row.number, row.invoice_date): row.line for row in rows}
    errors = []
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        existing = PaperInvoice.objects.filter(
            recipient=recipient,
            supplier_siret__in={row.siret for row in chunk},
            number__in={row.number for row in chunk},
        ).values_list("supplier_siret", "number", "invoice_date")
        for key in existing:
            line = wanted.get(key)
            if line is not None:
                errors.append(
                    (
                        line,
                        f"Ligne {line} : la facture n° {key[1]} du {key[2]:%d/%m/%Y} du "
                        f"fournisseur {key[0]} est déjà enregistrée pour votre structure.",
                    )
                )
    return [message for _line, message in sorted(set(errors))]


def paper_invoice_delete(*, recipient: PublicStructure, paper_invoice_id: int, actor: User) -> bool:
    """Delete a paper invoice recorded by mistake, leaving a history row. Only a manager of the
    recipient structure may (Chorus Pro §3.4: a user, possibly restricted to some services,
    records; managers correct the structure's records). Another structure's id is treated as
    unknown (False); ``PermissionDenied`` when ``actor`` is not a manager."""
    is_manager = BuyerMembership.objects.filter(
        user=actor, structure=recipient, status=MembershipStatus.ACTIVE, role__in=MANAGER_ROLES
    ).exists()
    with transaction.atomic():
        invoice = (
            PaperInvoice.objects.select_for_update().filter(pk=paper_invoice_id, recipient=recipient).first()
        )
        if invoice is None:
            return False
        if not is_manager:
            raise PermissionDenied(
                _("Seuls les gestionnaires de la structure peuvent supprimer une facture papier enregistrée.")
            )
        PaperInvoiceHistory.objects.create(
            recipient=recipient,
            paper_invoice_id=invoice.pk,
            action=PaperInvoiceHistory.Action.DELETED,
            number=invoice.number,
            supplier_siret=invoice.supplier_siret,
            invoice_date=invoice.invoice_date,
            amount_ttc=invoice.amount_ttc,
            actor=actor,
            actor_name=actor.get_full_name() or actor.email,
        )
        invoice.delete()
    return True


# --- reminders ----------------------------------------------------------------------------------


@dataclass
class ReminderResult:
    reminded: list[str] = field(default_factory=list)
    without_account: list[str] = field(default_factory=list)
    already_today: list[str] = field(default_factory=list)
    notifications: int = 0


def compliance_reminder_send(*, supplier_ids: Iterable[int], actor: User, as_of: date) -> ReminderResult:
    """Remind the members of each supplier of its obligation and how to start, through the
    notification machinery (in-app and e-mail). A supplier is reminded at most once a day: the
    notification's ``dedupe_key`` makes a double click harmless."""

    ids = sorted({int(i) for i in supplier_ids})[:MAX_REMINDERS_AT_ONCE]
    suppliers = {s.pk: s for s in SupplierStructure.objects.filter(pk__in=ids)}
    positions = {
        p.supplier_id: p
        for p in SupplierCompliance.objects.filter(supplier_id__in=ids, recipient_category="")
    }
    members: dict[int, list] = {}
    for membership in SupplierMembership.objects.filter(
        structure_id__in=ids, status=MembershipStatus.ACTIVE, user__is_active=True
    ).select_related("user"):
        members.setdefault(membership.structure_id, []).append(membership.user)
    today = timezone.localdate()
    start_of_day = timezone.make_aware(datetime(today.year, today.month, today.day))
    reminded_today = set(
        ComplianceReminder.objects.filter(supplier_id__in=ids, sent_at__gte=start_of_day).values_list(
            "supplier_id", flat=True
        )
    )
    guide_url = reverse("helpcentre:article", kwargs={"slug": "deposer-une-facture"})
    result = ReminderResult()
    for pk in ids:
        supplier = suppliers.get(pk)
        if supplier is None:
            continue
        if pk in reminded_today:
            result.already_today.append(supplier.name)
            continue
        users = members.get(pk, [])
        if not users:
            result.without_account.append(supplier.name)
            continue
        position = positions.get(pk)
        category = position.category if position else ComplianceCategory.UNKNOWN
        start = position.obligation_on if position else obligation_on(category)
        paper_count = PaperInvoice.objects.filter(
            supplier=supplier, invoice_date__gte=start, invoice_date__lte=as_of
        ).count()
        title = "Rappel : vos factures au secteur public doivent être électroniques"
        body = _reminder_body(
            supplier=supplier, category=category, start=start, paper_count=paper_count, as_of=as_of
        )
        with transaction.atomic():
            for user in users:
                if notification_create(
                    recipient=user,
                    kind=REMINDER_KIND,
                    title=title,
                    body=body,
                    url=guide_url,
                    structure=supplier,
                    dedupe_key=f"rappel-obligation:{supplier.pk}:{today.isoformat()}",
                ):
                    result.notifications += 1
            ComplianceReminder.objects.create(
                supplier=supplier, sent_by=actor, as_of=as_of, recipients=len(users)
            )
        result.reminded.append(supplier.name)
    return result


def _french_date(day: date) -> str:
    """« 1er janvier 2019 », « 5 février 2019 » (French typography: the first of the month is 1er)."""
    text = date_format(day, "j F Y")
    return "1er" + text[1:] if day.day == 1 else text


def _reminder_body(
    *, supplier: SupplierStructure, category: str, start: date, paper_count: int, as_of: date
) -> str:
    label = ComplianceCategory(category).label if category in ComplianceCategory.values else category
    lines = [
        "Bonjour,",
        "",
        f"Depuis le {_french_date(start)}, {supplier.name} ({label.lower()}) doit adresser ses "
        "factures aux personnes publiques (État, collectivités, hôpitaux, établissements publics) "
        "sous forme électronique, par le portail Chorus (ordonnance n° 2014-697 du 26 juin 2014).",
    ]
    if paper_count:
        lines.append(
            f"Or {paper_count} facture(s) papier de votre structure, datée(s) après cette date, ont été "
            f"signalée(s) par vos clients publics (situation au {_french_date(as_of)})."
        )
    lines += [
        "",
        "Pour commencer :",
        "1. Connectez-vous au portail Chorus avec votre compte.",
        "2. Trouvez votre client public dans l'annuaire : il indique s'il exige un code service ou "
        "un numéro d'engagement.",
        "3. Déposez votre facture : saisie en ligne, dépôt d'un PDF ou d'un fichier Factur-X, UBL "
        "ou CII, ou envoi par l'API depuis votre logiciel de facturation.",
        "",
        "Le guide « Déposer une facture » du centre d'aide détaille chaque étape. Le dépôt est gratuit.",
    ]
    return "\n".join(lines)

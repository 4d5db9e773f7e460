"""Operations on supplier structures: creation, data, bank accounts and members."""

from __future__ import annotations

import re
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import User
from accounts.roles import MANAGER_ROLES, MembershipStatus, Role
from common.identifiers import validate_bic, validate_iban, validate_structure_identifier, validate_vat_number

from .calendar import size_category
from .models import BankAccount, IdentifierType, SupplierMembership, SupplierStructure
from .selectors import supplier_structure_find

# Structures without an official number get one from the portal, as Chorus Pro does for private
# persons and for companies still being registered ("en cours d'immatriculation").
GENERATED_PREFIX: dict[str, str] = {IdentifierType.PARTICULIER: "PART-", IdentifierType.AUTRE: "IMMAT-"}

# Data fields a manager may change (the identifier itself never changes: Chorus Pro's "Modifier
# l'identifiant" creates a new structure, reference §3.1).
EDITABLE_FIELDS = (
    "name",
    "address",
    "address_complement",
    "postcode",
    "city",
    "country_code",
    "vat_number",
    "email",
    "phone",
    "headcount",
    "turnover",
    "balance_sheet",
)
_COUNTRY = re.compile(r"[A-Z]{2}")
_FR_POSTCODE = re.compile(r"\d{5}")


def _clean_data(
    data: dict[str, Any], *, identifier_type: str, identifier: str, errors: dict[str, list[str]]
) -> dict[str, Any]:
    """Check and normalise the structure's data; every wrong field gets its own message."""
    cleaned: dict[str, Any] = {}
    for field in EDITABLE_FIELDS:
        value = data.get(field)
        cleaned[field] = value.strip() if isinstance(value, str) else value
    if not cleaned.get("name"):
        errors.setdefault("name", []).append(_("La raison sociale est obligatoire."))
    country = (cleaned.get("country_code") or "FR").upper()
    if identifier_type == IdentifierType.UE_HORS_FRANCE and identifier and not data.get("country_code"):
        country = identifier[:2]
    if not _COUNTRY.fullmatch(country):
        errors.setdefault("country_code", []).append(
            _("Le code pays %(value)s est invalide : 2 lettres attendues (FR, DE…).") % {"value": country}
        )
    cleaned["country_code"] = country
    postcode = cleaned.get("postcode") or ""
    if postcode and country == "FR" and not _FR_POSTCODE.fullmatch(postcode):
        errors.setdefault("postcode", []).append(
            _("Le code postal %(value)s est invalide : 5 chiffres attendus.") % {"value": postcode}
        )
    vat = cleaned.get("vat_number") or ""
    if identifier_type == IdentifierType.UE_HORS_FRANCE and not vat:
        vat = identifier  # the identifier of a European structure is its VAT number
    if vat:
        siren = identifier[:9] if identifier_type == IdentifierType.SIRET and identifier else None
        try:
            vat = validate_vat_number(vat, siren=siren)
        except ValidationError as exc:
            errors.setdefault("vat_number", []).extend(exc.messages)
    cleaned["vat_number"] = vat
    for field, label in (
        ("headcount", _("L'effectif")),
        ("turnover", _("Le chiffre d'affaires")),
        ("balance_sheet", _("Le total de bilan")),
    ):
        value = cleaned.get(field)
        if value in ("", None):
            cleaned[field] = None
        elif Decimal(value) < 0:
            errors.setdefault(field, []).append(_("%(label)s ne peut pas être négatif.") % {"label": label})
    for field in ("address", "address_complement", "city", "email", "phone"):
        cleaned[field] = cleaned.get(field) or ""
    cleaned["postcode"] = postcode
    return cleaned


def _size_fields(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The LME category follows the declared figures (décret 2008-1354, suppliers.calendar)."""
    return {
        "size_category": size_category(
            headcount=cleaned.get("headcount"),
            turnover=cleaned.get("turnover"),
            balance_sheet=cleaned.get("balance_sheet"),
        )
        or ""
    }


def supplier_structure_create(
    *, actor: User, identifier_type: str, identifier: str = "", is_public: bool = False, **data: Any
) -> SupplierStructure:
    """Create a supplier structure; its creator becomes its principal manager (reference §3.4)."""
    errors: dict[str, list[str]] = {}
    if identifier_type in GENERATED_PREFIX and not (identifier or "").strip():
        identifier = GENERATED_PREFIX[identifier_type] + secrets.token_hex(5).upper()
    try:
        identifier = validate_structure_identifier(identifier_type, identifier)
    except ValidationError as exc:
        errors["identifier"] = exc.messages
        identifier = ""
    cleaned = _clean_data(data, identifier_type=identifier_type, identifier=identifier, errors=errors)
    if (
        not errors
        and SupplierStructure.objects.filter(identifier_type=identifier_type, identifier=identifier).exists()
    ):
        errors["identifier"] = [
            _("Une structure avec l'identifiant %(value)s existe déjà : demandez à la rejoindre.")
            % {"value": identifier}
        ]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            structure = SupplierStructure.objects.create(
                identifier_type=identifier_type,
                identifier=identifier,
                is_public=is_public,
                active=True,
                **cleaned,
                **_size_fields(cleaned),
            )
            SupplierMembership.objects.create(
                user=actor,
                structure=structure,
                role=Role.PRINCIPAL,
                status=MembershipStatus.ACTIVE,
                decided_by=actor,
            )
    except IntegrityError:  # created by someone else between the check and the insert
        raise ValidationError(
            {
                "identifier": [
                    _("Une structure avec l'identifiant %(value)s existe déjà : demandez à la rejoindre.")
                    % {"value": identifier}
                ]
            }
        ) from None
    return structure


def _require_manager(*, structure: SupplierStructure, actor: User) -> None:
    if not SupplierMembership.objects.filter(
        user=actor, structure=structure, status=MembershipStatus.ACTIVE, role__in=MANAGER_ROLES
    ).exists():
        raise PermissionDenied(_("Seuls les gestionnaires de la structure peuvent faire cela."))


def supplier_structure_update(*, structure: SupplierStructure, actor: User, **data: Any) -> SupplierStructure:
    """Change the structure's data (managers only). The size category follows the figures unless
    an administrator fixed it."""
    _require_manager(structure=structure, actor=actor)
    errors: dict[str, list[str]] = {}
    merged = {field: data.get(field, getattr(structure, field)) for field in EDITABLE_FIELDS}
    cleaned = _clean_data(
        merged, identifier_type=structure.identifier_type, identifier=structure.identifier, errors=errors
    )
    if errors:
        raise ValidationError(errors)
    if not structure.size_category_set_by_admin:
        cleaned.update(_size_fields(cleaned))
    SupplierStructure.objects.filter(pk=structure.pk).update(**cleaned)
    structure.refresh_from_db()
    return structure


def supplier_structure_admin_save(*, structure: SupplierStructure, changed: set[str]) -> SupplierStructure:
    """Save from the Django admin: a category chosen there is kept (compliance, issue 8); otherwise
    it follows the declared figures."""
    if "size_category" in changed:
        structure.size_category_set_by_admin = bool(structure.size_category)
    if not structure.size_category_set_by_admin:
        structure.size_category = _size_fields(
            {
                "headcount": structure.headcount,
                "turnover": structure.turnover,
                "balance_sheet": structure.balance_sheet,
            }
        )["size_category"]
    structure.save()
    return structure


# --- Bank accounts -----------------------------------------------------------------------------


def bank_account_add(
    *, structure: SupplierStructure, actor: User, iban: str, bic: str = "", label: str = ""
) -> BankAccount:
    """Add an IBAN for payment (checked: country, length, key)."""
    _require_manager(structure=structure, actor=actor)
    errors: dict[str, list[str]] = {}
    try:
        iban = validate_iban(iban)
    except ValidationError as exc:
        errors["iban"] = exc.messages
    if bic:
        try:
            bic = validate_bic(bic)
        except ValidationError as exc:
            errors["bic"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = BankAccount.objects.select_for_update().filter(structure=structure, iban=iban).first()
        if existing is not None:
            if existing.active:
                raise ValidationError(
                    {
                        "iban": [
                            _("L'IBAN %(value)s est déjà enregistré pour cette structure.") % {"value": iban}
                        ]
                    }
                )
            BankAccount.objects.filter(pk=existing.pk).update(active=True, bic=bic, label=label.strip())
            existing.refresh_from_db()
            return existing
        return BankAccount.objects.create(structure=structure, iban=iban, bic=bic, label=label.strip())


def bank_account_deactivate(*, account: BankAccount, actor: User) -> BankAccount:
    """Stop using an IBAN (kept, inactive: invoices already sent still name it)."""
    _require_manager(structure=account.structure, actor=actor)
    BankAccount.objects.filter(pk=account.pk).update(active=False)
    account.refresh_from_db()
    return account


# --- Members -----------------------------------------------------------------------------------


def supplier_membership_request(*, user: User, identifier_type: str, identifier: str) -> SupplierMembership:
    """Ask to join the active structure with this identifier; a manager approves it."""

    structure = supplier_structure_find(identifier_type=identifier_type, identifier=identifier)
    if structure is None:
        raise ValidationError(
            {
                "identifier": [
                    _(
                        "Aucune structure active n'a l'identifiant %(value)s. Vérifiez-le, ou créez la "
                        "structure."
                    )
                    % {"value": (identifier or "").strip()}
                ]
            }
        )
    return account_services.membership_request(model=SupplierMembership, user=user, structure=structure)


def supplier_membership_approve(
    *, membership: SupplierMembership, actor: User, role: str = Role.USER, by_staff: bool = False
) -> SupplierMembership:
    return account_services.membership_approve(
        membership=membership, actor=actor, role=role, by_staff=by_staff
    )


def supplier_membership_refuse(
    *, membership: SupplierMembership, actor: User, by_staff: bool = False
) -> SupplierMembership:
    return account_services.membership_refuse(membership=membership, actor=actor, by_staff=by_staff)


def supplier_membership_change_role(
    *, membership: SupplierMembership, actor: User, role: str
) -> SupplierMembership:
    return account_services.membership_change_role(membership=membership, actor=actor, role=role)


def supplier_membership_remove(*, membership: SupplierMembership, actor: User) -> None:
    account_services.membership_remove(membership=membership, actor=actor)


def supplier_principal_transfer(
    *, membership: SupplierMembership, actor: User, by_staff: bool = False
) -> SupplierMembership:
    return account_services.membership_transfer_principal(
        membership=membership, actor=actor, by_staff=by_staff
    )

"""Operations on accounts shared by supplier and public structures.

- Attachments ("rattachements") of users to a structure, with the approval flow of Chorus Pro's
  "Approbations" menu (reference §3.4). Supplier and buyer memberships have the same fields and
  the same rules, so ``suppliers.services`` and ``entities.services`` call these functions.
- Technical accounts ("compte utilisateur technique") used by the API: one per structure, a
  login and a password that is shown once, stored hashed, and expires.

Every change of membership locks the structure row first: two managers acting at the same time
on one structure are serialised, so the structure can never end up without its principal manager.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.tasks import task_send

from .models import TechnicalAccount, TechnicalAccountLoginAttempt, User, structure_field
from .roles import MANAGER_ROLES, MembershipStatus, Role

if TYPE_CHECKING:
    from entities.models import BuyerMembership, PublicStructure
    from suppliers.models import SupplierMembership, SupplierStructure

    Membership = SupplierMembership | BuyerMembership
    Structure = SupplierStructure | PublicStructure

# Constrained, not bound: each operation is checked once for each kind of membership.
M = TypeVar("M", "SupplierMembership", "BuyerMembership")


# --- Memberships -------------------------------------------------------------------------------


def _lock_structure(model: type[Membership], structure_id: int) -> None:
    """Serialise every membership change of one structure (row lock on the structure)."""
    structure_model = model._meta.get_field("structure").related_model
    structure_model._default_manager.select_for_update().filter(pk=structure_id).values_list("pk").first()


def _actor_membership(model: type[Membership], structure_id: int, actor: User) -> Membership | None:
    return model.objects.filter(user=actor, structure_id=structure_id, status=MembershipStatus.ACTIVE).first()


def _require_manager(
    model: type[Membership], structure_id: int, actor: User, *, by_staff: bool
) -> Membership | None:
    """Only the structure's managers (principal or secondary) decide; staff only from the admin."""
    if by_staff:
        if not actor.is_staff:
            raise PermissionDenied(_("Seule l'équipe d'administration peut agir ainsi."))
        return None
    mine = _actor_membership(model, structure_id, actor)
    if mine is None or mine.role not in MANAGER_ROLES:
        raise PermissionDenied(_("Seuls les gestionnaires de la structure peuvent faire cela."))
    return mine


def _fresh(membership: M) -> M:
    """Re-read under the structure lock: decisions are taken on the current state only."""
    current = type(membership).objects.filter(pk=membership.pk).first()
    if current is None:
        raise ValidationError(_("Ce rattachement n'existe plus."), code="gone")
    return current


def membership_request(*, model: type[M], user: User, structure: Structure) -> M:
    """Ask to join ``structure``: the request waits for a manager's approval."""
    with transaction.atomic():
        _lock_structure(model, structure.pk)
        existing = model.objects.filter(user=user, structure_id=structure.pk).first()
        if existing is not None:
            if existing.status == MembershipStatus.ACTIVE:
                raise ValidationError(
                    _("Vous êtes déjà membre de %(name)s.") % {"name": structure.name}, code="member"
                )
            if existing.status == MembershipStatus.PENDING:
                raise ValidationError(
                    _("Votre demande pour %(name)s attend déjà l'approbation d'un gestionnaire.")
                    % {"name": structure.name},
                    code="pending",
                )
            # A refused request may be made again: it goes back to the managers.
            model.objects.filter(pk=existing.pk, status=MembershipStatus.REFUSED).update(
                status=MembershipStatus.PENDING,
                role=Role.USER,
                requested_at=timezone.now(),
                decided_at=None,
                decided_by=None,
            )
            _notify_managers_on_commit(model=model, membership_id=existing.pk)
            return _fresh(existing)
        try:
            with transaction.atomic():
                membership = model.objects.create(
                    user=user, structure_id=structure.pk, role=Role.USER, status=MembershipStatus.PENDING
                )
            _notify_managers_on_commit(model=model, membership_id=membership.pk)
            return membership
        except IntegrityError:  # the same request sent twice at once (double click)
            raise ValidationError(
                _("Votre demande pour %(name)s attend déjà l'approbation d'un gestionnaire.")
                % {"name": structure.name},
                code="pending",
            ) from None


def _notify_managers_on_commit(*, model: type[M], membership_id: int) -> None:
    """After commit, tell the structure's managers that a request waits in "Approbations"
    (Chorus Pro §3.4: managers approve attachment requests). The notifications app, above this
    one, does it: the task is sent by name."""
    label = model._meta.label
    transaction.on_commit(lambda: task_send("notifications.membership_request_notify", label, membership_id))


def membership_approve(*, membership: M, actor: User, role: str = Role.USER, by_staff: bool = False) -> M:
    """Approve a pending request, as a simple user or a secondary manager.

    A structure with no principal manager yet (a public structure imported from the directory,
    approved by the administration) gets its first approved member as principal manager.
    """
    if role not in (Role.USER, Role.SECONDARY):
        raise ValidationError(
            _("Choisissez le rôle « utilisateur » ou « gestionnaire secondaire »."), code="role"
        )
    model = type(membership)
    with transaction.atomic():
        _lock_structure(model, membership.structure_id)
        _require_manager(model, membership.structure_id, actor, by_staff=by_staff)
        has_principal = model.objects.filter(
            structure_id=membership.structure_id, role=Role.PRINCIPAL, status=MembershipStatus.ACTIVE
        ).exists()
        changed = model.objects.filter(pk=membership.pk, status=MembershipStatus.PENDING).update(
            status=MembershipStatus.ACTIVE,
            role=role if has_principal else Role.PRINCIPAL,
            decided_at=timezone.now(),
            decided_by=actor,
        )
        if changed != 1:
            raise ValidationError(_("Cette demande a déjà été traitée."), code="decided")
        return _fresh(membership)


def membership_refuse(*, membership: M, actor: User, by_staff: bool = False) -> M:
    model = type(membership)
    with transaction.atomic():
        _lock_structure(model, membership.structure_id)
        _require_manager(model, membership.structure_id, actor, by_staff=by_staff)
        changed = model.objects.filter(pk=membership.pk, status=MembershipStatus.PENDING).update(
            status=MembershipStatus.REFUSED, decided_at=timezone.now(), decided_by=actor
        )
        if changed != 1:
            raise ValidationError(_("Cette demande a déjà été traitée."), code="decided")
        return _fresh(membership)


def membership_change_role(*, membership: M, actor: User, role: str, by_staff: bool = False) -> M:
    """Make an active member a secondary manager or a simple user.

    The principal manager's role only changes through ``membership_transfer_principal``: a
    structure always keeps one principal manager (reference §3.4).
    """
    if role not in (Role.USER, Role.SECONDARY):
        raise ValidationError(
            _("Pour nommer un gestionnaire principal, transférez-lui ce rôle."), code="role"
        )
    model = type(membership)
    with transaction.atomic():
        _lock_structure(model, membership.structure_id)
        _require_manager(model, membership.structure_id, actor, by_staff=by_staff)
        current = _fresh(membership)
        if current.status != MembershipStatus.ACTIVE:
            raise ValidationError(_("Ce rattachement n'est pas actif."), code="inactive")
        if current.role == Role.PRINCIPAL:
            raise ValidationError(
                _(
                    "La structure doit toujours garder un gestionnaire principal : transférez d'abord ce "
                    "rôle "
                    "à un autre membre."
                ),
                code="principal",
            )
        model.objects.filter(pk=current.pk, status=MembershipStatus.ACTIVE, role=current.role).update(
            role=role
        )
        return _fresh(current)


def membership_remove(*, membership: M, actor: User, by_staff: bool = False) -> None:
    """Remove a member (a manager's decision, or the member leaving on their own)."""
    model = type(membership)
    with transaction.atomic():
        _lock_structure(model, membership.structure_id)
        current = _fresh(membership)
        if current.user_id != actor.pk:
            _require_manager(model, current.structure_id, actor, by_staff=by_staff)
        if current.role == Role.PRINCIPAL and current.status == MembershipStatus.ACTIVE:
            raise ValidationError(
                _(
                    "Le gestionnaire principal ne peut pas être retiré : transférez d'abord ce rôle à "
                    "un autre "
                    "membre."
                ),
                code="principal",
            )
        model.objects.filter(pk=current.pk).delete()


def membership_transfer_principal(*, membership: M, actor: User, by_staff: bool = False) -> M:
    """Hand the principal manager's role to another active member; the former principal stays a
    secondary manager. Only the principal manager (or the administration) may do this."""
    model = type(membership)
    with transaction.atomic():
        _lock_structure(model, membership.structure_id)
        mine = _require_manager(model, membership.structure_id, actor, by_staff=by_staff)
        if mine is not None and mine.role != Role.PRINCIPAL:
            raise PermissionDenied(_("Seul le gestionnaire principal peut transférer son rôle."))
        target = _fresh(membership)
        if target.status != MembershipStatus.ACTIVE:
            raise ValidationError(_("Ce rattachement n'est pas actif."), code="inactive")
        if target.role == Role.PRINCIPAL:
            raise ValidationError(_("Ce membre est déjà le gestionnaire principal."), code="principal")
        # Demote first: the database allows at most one active principal per structure.
        model.objects.filter(
            structure_id=target.structure_id, role=Role.PRINCIPAL, status=MembershipStatus.ACTIVE
        ).update(role=Role.SECONDARY)
        model.objects.filter(pk=target.pk, status=MembershipStatus.ACTIVE).update(role=Role.PRINCIPAL)
        return _fresh(target)


# --- Technical accounts ------------------------------------------------------------------------

LOGIN_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@\-]{2,79}")
MAX_VALIDITY_DAYS = 730


def _require_structure_manager(structure: Structure, actor: User | None) -> None:
    """A technical account is created and renewed by a manager of its structure; ``actor=None``
    is the platform itself (demo data, management commands)."""
    if actor is None:
        return
    membership_model: type[Membership] = structure.memberships.model
    _require_manager(membership_model, structure.pk, actor, by_staff=False)


def _validity(validity_days: int) -> timedelta:
    if not 1 <= validity_days <= MAX_VALIDITY_DAYS:
        raise ValidationError(
            _("La durée de validité doit être comprise entre 1 et %(max)d jours.")
            % {"max": MAX_VALIDITY_DAYS},
            code="validity",
        )
    return timedelta(days=validity_days)


def _new_password() -> str:
    # 24 URL-safe characters (144 bits): only ever shown once, to the manager who asked for it.
    return secrets.token_urlsafe(18)


def technical_account_create(
    *,
    structure: Structure,
    actor: User | None,
    login: str | None = None,
    validity_days: int = 365,
    password: str | None = None,
) -> tuple[TechnicalAccount, str]:
    """Create the structure's technical account; return it with its password in clear, once.

    ``password`` is only for documented demo accounts; everyone else gets a random one.
    """
    _require_structure_manager(structure, actor)
    validity = _validity(validity_days)
    login = (login or "").strip() or f"TECH-{structure_identifier(structure)}"
    if not LOGIN_PATTERN.fullmatch(login):
        raise ValidationError(
            _("L'identifiant %(login)s est invalide : 3 à 80 lettres, chiffres, points, tirets ou @.")
            % {"login": login},
            code="login",
        )
    clear = password or _new_password()
    fields = structure_field(structure)
    with transaction.atomic():
        if TechnicalAccount.objects.filter(**fields).exists():
            raise ValidationError(
                _("Cette structure a déjà un compte technique : renouvelez son mot de passe."), code="exists"
            )
        if TechnicalAccount.objects.filter(login=login).exists():
            raise ValidationError(
                _("L'identifiant %(login)s est déjà utilisé : choisissez-en un autre.") % {"login": login},
                code="login_taken",
            )
        try:
            with transaction.atomic():
                account = TechnicalAccount.objects.create(
                    login=login,
                    password=make_password(clear),
                    expires_at=timezone.now() + validity,
                    active=True,
                    created_by=actor,
                    **fields,
                )
        except IntegrityError:
            raise ValidationError(
                _("L'identifiant %(login)s est déjà utilisé : choisissez-en un autre.") % {"login": login},
                code="login_taken",
            ) from None
    return account, clear


def technical_account_renew(
    *,
    account: TechnicalAccount,
    actor: User | None,
    validity_days: int = 365,
    password: str | None = None,
) -> tuple[TechnicalAccount, str]:
    """Give the account a new password and a new expiry date; return the password once.

    The former password stops working at once (it is replaced, not kept).
    """
    _require_structure_manager(_account_structure(account), actor)
    validity = _validity(validity_days)
    clear = password or _new_password()
    now = timezone.now()
    TechnicalAccount.objects.filter(pk=account.pk).update(
        password=make_password(clear), expires_at=now + validity, renewed_at=now, active=True
    )
    account.refresh_from_db()
    return account, clear


def technical_account_deactivate(*, account: TechnicalAccount, actor: User | None) -> TechnicalAccount:
    _require_structure_manager(_account_structure(account), actor)
    TechnicalAccount.objects.filter(pk=account.pk).update(active=False)
    account.refresh_from_db()
    return account


def technical_account_mark_used(*, account: TechnicalAccount) -> None:
    """Record the last successful API authentication (shown to the managers)."""
    TechnicalAccount.objects.filter(pk=account.pk).update(last_used_at=timezone.now())


def _account_structure(account: TechnicalAccount) -> Structure:
    structure = account.supplier_structure or account.public_structure
    assert structure is not None  # technical_account_one_structure: exactly one of the two is set
    return structure


def structure_identifier(structure: Structure) -> str:
    identifier: str | None = getattr(structure, "identifier", None)
    # Without an identifier, a public structure: this app cannot import its model to narrow the union.
    return identifier or structure.siret  # type: ignore[union-attr]


def technical_account_login_attempt_record(
    *,
    login: str,
    account: TechnicalAccount | None,
    outcome: str,
    ip_address: str | None,
    application: str = "",
) -> TechnicalAccountLoginAttempt:
    """Journal one API password check for the administrators (admin › tentatives de connexion)."""
    return TechnicalAccountLoginAttempt.objects.create(
        login=login[:80],
        account=account,
        outcome=outcome,
        ip_address=ip_address or None,
        application=application[:100],
    )

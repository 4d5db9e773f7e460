from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .roles import MembershipStatus, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError(_("L'adresse e-mail est obligatoire."))
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person, identified by e-mail (no username), from the very first migration."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("adresse e-mail"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class TechnicalAccount(models.Model):
    """A structure's technical user account for the API (``cpro-account`` header).

    Chorus Pro §3.4: attached to one structure, its password expires. The password is shown
    once at creation/renewal and stored hashed only.
    """

    login = models.CharField(_("identifiant"), max_length=80, unique=True)
    password = models.CharField(_("mot de passe (haché)"), max_length=128)
    supplier_structure = models.ForeignKey(
        "suppliers.SupplierStructure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="technical_accounts",
        verbose_name=_("structure fournisseur"),
    )
    public_structure = models.ForeignKey(
        "entities.PublicStructure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="technical_accounts",
        verbose_name=_("structure publique"),
    )
    expires_at = models.DateTimeField(_("expiration du mot de passe"))
    active = models.BooleanField(_("actif"), default=True)
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("date de création"))
    renewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("date de renouvellement"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("dernière utilisation"))

    class Meta:
        verbose_name = _("compte technique")
        verbose_name_plural = _("comptes techniques")
        constraints = [
            models.CheckConstraint(
                name="technical_account_one_structure",
                condition=(
                    Q(supplier_structure__isnull=False, public_structure__isnull=True)
                    | Q(supplier_structure__isnull=True, public_structure__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.login


class TechnicalAccountLoginAttempt(models.Model):
    """One checked ``cpro-account`` password (API), kept for the administrators: failures,
    lock-outs and the successes that needed a password check (issue 19: guessing must show)."""

    class Outcome(models.TextChoices):
        SUCCESS = "succes", _("réussie")
        FAILURE = "echec", _("mot de passe ou identifiant erroné")
        LOCKED = "verrouille", _("refusée : identifiant verrouillé")

    login = models.CharField(_("identifiant"), max_length=80, db_index=True)
    account = models.ForeignKey(
        TechnicalAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="login_attempts"
    )
    outcome = models.CharField(_("résultat"), max_length=12, choices=Outcome.choices)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    application = models.CharField(_("application OAuth"), max_length=100, blank=True)
    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("tentative de connexion d'un compte technique")
        verbose_name_plural = _("tentatives de connexion des comptes techniques")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.login} {self.outcome} {self.at:%Y-%m-%d %H:%M:%S}"


class MembershipBase(models.Model):
    """A user's attachment ("rattachement") to a structure: the role and the approval, shared by
    supplier and public structures (Chorus Pro §3.4). Each concrete model adds its ``user`` and
    ``structure`` foreign keys with its own reverse names."""

    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices, default=Role.USER)
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
    )
    requested_at = models.DateTimeField(auto_now_add=True, verbose_name=_("date de la demande"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("date de la décision"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("décidé par"),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.user} → {self.structure} ({self.get_role_display()})"  # type: ignore[attr-defined]


# The two kinds of structures, named by their model labels: this app sits below the apps that
# define them and never imports them.
SUPPLIER_STRUCTURE = "suppliers.SupplierStructure"
PUBLIC_STRUCTURE = "entities.PublicStructure"


def structure_field(structure: models.Model) -> dict[str, Any]:
    """``{"supplier_structure": s}`` or ``{"public_structure": s}``: the foreign key that points to
    ``structure`` on the models attached to either kind (technical accounts, notifications…)."""
    label = structure._meta.label
    if label == SUPPLIER_STRUCTURE:
        return {"supplier_structure": structure}
    if label == PUBLIC_STRUCTURE:
        return {"public_structure": structure}
    raise TypeError(f"Not a structure: {structure!r}")


class TwoFactorAuthenticator(Authenticator):
    """allauth's ``Authenticator`` as the French admin names it (a proxy: same table; allauth's
    own model has no translated name, its admin showed « Authenticators »)."""

    class Meta:
        proxy = True
        verbose_name = _("authentificateur (double authentification)")
        verbose_name_plural = _("authentificateurs (double authentification)")

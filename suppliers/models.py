"""Supplier structures (the "émetteurs" of invoices), their bank accounts and members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import MembershipBase
from accounts.roles import MembershipStatus, Role
from common.identifiers import IdentifierType as IdentifierType  # the choices of ``identifier_type``


class SizeCategory(models.TextChoices):
    """Company size of article 51 of the loi LME (décret 2008-1354), which sets the date from
    which e-invoicing to public buyers is mandatory (ordonnance 2014-697, art. 3)."""

    GE = "GE", _("Grande entreprise")
    ETI = "ETI", _("Entreprise de taille intermédiaire")
    PME = "PME", _("Petite ou moyenne entreprise")
    MICRO = "MICRO", _("Microentreprise")


class SupplierStructure(models.Model):
    identifier_type = models.CharField(
        _("type d'identifiant"),
        max_length=20,
        choices=IdentifierType.choices,
        default=IdentifierType.SIRET,
    )
    identifier = models.CharField(_("identifiant"), max_length=80)
    name = models.CharField(_("raison sociale"), max_length=255)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    address_complement = models.CharField(_("complément d'adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    country_code = models.CharField(_("pays"), max_length=2, default="FR")
    vat_number = models.CharField(_("numéro de TVA intracommunautaire"), max_length=20, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    # A public body invoicing another one (service FACTURES_PUBLIQUES is reserved to these).
    is_public = models.BooleanField(_("structure publique"), default=False)
    headcount = models.PositiveIntegerField(_("effectif"), null=True, blank=True)
    turnover = models.DecimalField(
        _("chiffre d'affaires (€)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    balance_sheet = models.DecimalField(
        _("total de bilan (€)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    size_category = models.CharField(
        _("catégorie d'entreprise"), max_length=5, choices=SizeCategory.choices, blank=True
    )
    size_category_set_by_admin = models.BooleanField(
        _("catégorie fixée par un administrateur"), default=False
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("date de création"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("date de mise à jour"))

    class Meta:
        verbose_name = _("structure fournisseur")
        verbose_name_plural = _("structures fournisseurs")
        constraints = [
            models.UniqueConstraint(
                fields=["identifier_type", "identifier"], name="supplier_identifier_unique"
            ),
        ]
        indexes = [models.Index(fields=["name"], name="supplier_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"


class BankAccount(models.Model):
    structure = models.ForeignKey(
        SupplierStructure,
        on_delete=models.CASCADE,
        related_name="bank_accounts",
        verbose_name=_("structure"),
    )
    label = models.CharField(_("libellé"), max_length=100, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("date de création"))

    class Meta:
        verbose_name = _("coordonnée bancaire")
        verbose_name_plural = _("coordonnées bancaires")
        constraints = [
            models.UniqueConstraint(fields=["structure", "iban"], name="bank_account_unique"),
        ]

    def __str__(self) -> str:
        return self.iban


class SupplierMembership(MembershipBase):
    """A user's attachment ("rattachement") to a supplier structure."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="supplier_memberships",
        verbose_name=_("utilisateur"),
    )
    structure = models.ForeignKey(
        SupplierStructure,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("structure"),
    )
    structure = models.ForeignKey(SupplierStructure, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        verbose_name = _("rattachement fournisseur")
        verbose_name_plural = _("rattachements fournisseurs")
        constraints = [
            models.UniqueConstraint(fields=["user", "structure"], name="supplier_membership_unique"),
            # A structure always keeps exactly one principal manager (enforced at most one here,
            # at least one by the services that change roles).
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(role=Role.PRINCIPAL, status=MembershipStatus.ACTIVE),
                name="supplier_one_principal_manager",
            ),
        ]

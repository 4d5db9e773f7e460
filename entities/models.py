"""Public structures (recipients of invoices), their services and their buyer users."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import MembershipBase
from accounts.roles import MembershipStatus, Role

# The reserved service for invoices between public bodies only (reference §3.3).
PUBLIC_INVOICES_SERVICE = "FACTURES_PUBLIQUES"


class PublicCategory(models.TextChoices):
    ETAT = "ETAT", _("État et ses établissements publics administratifs")
    COLLECTIVITE = "COLLECTIVITE", _("Collectivité territoriale ou établissement public local")
    SANTE = "SANTE", _("Établissement public de santé")
    ENTREPRISE_PUBLIQUE = "ENTREPRISE_PUBLIQUE", _("Entreprise publique")


# Délai global de paiement, Code de la commande publique art. R.2192-10 and R.2192-11:
# 30 days for the State and local authorities, 50 for public health establishments,
# 60 for public undertakings.
PAYMENT_DELAY_DAYS: dict[str, int] = {
    PublicCategory.ETAT: 30,
    PublicCategory.COLLECTIVITE: 30,
    PublicCategory.SANTE: 50,
    PublicCategory.ENTREPRISE_PUBLIQUE: 60,
}


class FormDesk(models.TextChoices):
    """Which Chorus Portal Pro forms a public structure receives (DDFiP notice « Chorus Portal
    Pro »): the memos of court fees go to the courts of the Ministry of Justice, the TIC/TICGN
    refund requests to the customs offices (DGDDI)."""

    JUSTICE = "JUSTICE", _("Juridiction ou service du ministère de la Justice (mémoires de frais de justice)")
    DOUANE = "DOUANE", _("Bureau de douane (demandes de remboursement de TIC/TICGN)")


class PublicStructure(models.Model):
    identifier_type = models.CharField(_("type d'identifiant"), max_length=20, default="SIRET")
    siret = models.CharField(_("SIRET"), max_length=20, unique=True)
    name = models.CharField(_("raison sociale"), max_length=255)
    # Upper-cased, accent-free name for indexed prefix search in the directory.
    search_name = models.CharField(
        max_length=255,
        db_index=True,
        editable=False,
        default="",
        verbose_name=_("nom normalisé (recherche)"),
    )
    # The same for the city, for indexed prefix search ("beaufort" finds "Beaufort-en-Anjou").
    search_city = models.CharField(
        max_length=100,
        db_index=True,
        editable=False,
        default="",
        verbose_name=_("ville normalisée (recherche)"),
    )
    category = models.CharField(
        _("catégorie"),
        max_length=30,
        choices=PublicCategory.choices,
        default=PublicCategory.COLLECTIVITE,
    )
    # Chorus Pro structure parameters (reference §3.2).
    service_code_required = models.BooleanField(_("code service obligatoire"), default=False)
    engagement_required = models.BooleanField(_("numéro d'engagement obligatoire"), default=False)
    engagement_or_service_required = models.BooleanField(
        _("numéro d'engagement ou code service obligatoire"), default=False
    )
    payment_status_not_reported = models.BooleanField(
        _("statut « mise en paiement » non remonté"), default=False
    )
    edi_emitter = models.BooleanField(_("émetteur EDI"), default=False)
    edi_receiver = models.BooleanField(_("récepteur EDI"), default=False)
    is_moa = models.BooleanField(_("maître d'ouvrage"), default=False)
    is_moa_only = models.BooleanField(_("maître d'ouvrage uniquement"), default=False)
    # Local data, never in the directory export: the bulk import leaves it out of its inserts,
    # hence a default in the database itself.
    form_desk = models.CharField(
        _("formulaires Chorus Portal Pro reçus"),
        max_length=10,
        choices=FormDesk.choices,
        blank=True,
        default="",
        db_default="",
    )
    active = models.BooleanField(_("active"), default=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    address_complement1 = models.CharField(_("complément d'adresse 1"), max_length=255, blank=True)
    address_complement2 = models.CharField(_("complément d'adresse 2"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True, db_index=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.CharField(_("courriel"), max_length=255, blank=True)
    country_code = models.CharField(_("code pays"), max_length=2, default="FR")
    country_label = models.CharField(_("pays"), max_length=100, default="France", blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("date de création"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("date de mise à jour"))

    class Meta:
        verbose_name = _("structure publique")
        verbose_name_plural = _("structures publiques")
        # City searches use the normalised ``search_city`` (indexed); names use ``search_name`` and,
        # on PostgreSQL, its trigram index (migration 0002).

    def __str__(self) -> str:
        return f"{self.name} ({self.siret})"

    @property
    def payment_delay_days(self) -> int:
        return PAYMENT_DELAY_DAYS[self.category]


class Service(models.Model):
    structure = models.ForeignKey(
        PublicStructure,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("structure"),
    )
    code = models.CharField(_("code service"), max_length=100)
    name = models.CharField(_("libellé"), max_length=255)
    active = models.BooleanField(_("actif"), default=True)
    valid_from = models.DateField(_("début de validité"), null=True, blank=True)
    valid_to = models.DateField(_("fin de validité"), null=True, blank=True)
    engagement_required = models.BooleanField(_("numéro d'engagement obligatoire"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("date de création"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("date de mise à jour"))

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(fields=["structure", "code"], name="service_code_unique"),
            models.CheckConstraint(
                name="service_validity_dates",
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class BuyerMembership(MembershipBase):
    """A buyer user's attachment to a public structure, optionally restricted to services."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="buyer_memberships",
        verbose_name=_("utilisateur"),
    )
    structure = models.ForeignKey(
        PublicStructure,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("structure"),
    )
    structure = models.ForeignKey(PublicStructure, on_delete=models.CASCADE, related_name="memberships")
    # Empty means "every service of the structure".
    services = models.ManyToManyField(
        Service, blank=True, related_name="buyer_memberships", verbose_name=_("services")
    )

    class Meta:
        verbose_name = _("rattachement acheteur")
        verbose_name_plural = _("rattachements acheteurs")
        constraints = [
            models.UniqueConstraint(fields=["user", "structure"], name="buyer_membership_unique"),
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(role=Role.PRINCIPAL, status=MembershipStatus.ACTIVE),
                name="buyer_one_principal_manager",
            ),
        ]

"""Paper invoices recorded by public buyers, and the summary tables of the compliance dashboard
and the platform statistics.

The summary tables are written only by ``compliance.aggregates`` (a periodic Celery task): the
pages read them and never scan the invoice table, which holds tens of millions of rows a year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Channel value of paper invoices in the summary tables (next to ``invoices.choices.Channel``).
PAPER = "PAPIER"


class ComplianceCategory(models.TextChoices):
    """The supplier categories of the dashboard: the LME size categories, plus public bodies
    and suppliers whose size is unknown (no declared figures, or seen only on paper)."""

    GE = "GE", _("Grande entreprise")
    ETI = "ETI", _("Entreprise de taille intermédiaire")
    PME = "PME", _("Petite ou moyenne entreprise")
    MICRO = "MICRO", _("Microentreprise")
    PUBLIC = "PUBLIC", _("Personne publique")
    UNKNOWN = "INCONNUE", _("Catégorie inconnue")


class PaperSource(models.TextChoices):
    FORM = "SAISIE", _("Saisie unitaire")
    IMPORT = "IMPORT", _("Import CSV")
    DEMO = "DEMO", _("Données de démonstration")


class PaperInvoice(models.Model):
    """An invoice a public buyer still received on paper, recorded so that the administration
    can follow the e-invoicing obligation (ordonnance n° 2014-697, art. 3)."""

    recipient = models.ForeignKey(
        "entities.PublicStructure",
        on_delete=models.PROTECT,
        related_name="paper_invoices",
        verbose_name=_("structure publique destinataire"),
    )
    supplier_siret = models.CharField(_("SIRET du fournisseur"), max_length=14)
    # Optional: helps the administration name suppliers not (yet) registered on the portal.
    supplier_name = models.CharField(_("raison sociale du fournisseur"), max_length=255, blank=True)
    # Set when the SIRET matches a registered supplier (at recording time or by the nightly
    # refresh, once the supplier registers).
    supplier = models.ForeignKey(
        "suppliers.SupplierStructure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="paper_invoices",
        verbose_name=_("fournisseur"),
    )
    number = models.CharField(_("numéro de facture"), max_length=60)
    invoice_date = models.DateField(_("date de la facture"))
    amount_ttc = models.DecimalField(_("montant TTC (€)"), max_digits=15, decimal_places=2)
    source = models.CharField(
        _("origine"), max_length=10, choices=PaperSource.choices, default=PaperSource.FORM
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )
    recorded_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("facture papier")
        verbose_name_plural = _("factures papier")
        constraints = [
            # The same paper invoice is recorded once: a re-imported file is refused, not doubled.
            models.UniqueConstraint(
                fields=["recipient", "supplier_siret", "number", "invoice_date"],
                name="paper_invoice_unique",
            ),
            # Credit notes may be negative; a zero amount is a typing error.
            models.CheckConstraint(name="paper_invoice_amount_not_zero", condition=~Q(amount_ttc=0)),
            models.CheckConstraint(
                name="paper_invoice_siret_14_chars", condition=Q(supplier_siret__regex=r"^[0-9]{14}$")
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-invoice_date", "-id"], name="paper_recipient_recent"),
            models.Index(fields=["supplier_siret", "invoice_date"], name="paper_siret_date"),
            models.Index(fields=["supplier", "invoice_date"], name="paper_supplier_date"),
            models.Index(fields=["invoice_date"], name="paper_date"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.supplier_siret}, {self.invoice_date:%d/%m/%Y})"


class PaperInvoiceHistory(models.Model):
    """One change to a recorded paper invoice, kept even once the invoice is gone: who deleted
    what and when (a recorded document is never removed without a trace; issue 19)."""

    class Action(models.TextChoices):
        DELETED = "SUPPRESSION", _("Suppression")

    recipient = models.ForeignKey(
        "entities.PublicStructure",
        on_delete=models.PROTECT,
        related_name="paper_invoice_history",
        verbose_name=_("structure publique destinataire"),
    )
    paper_invoice_id = models.BigIntegerField(_("identifiant de la facture papier"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # A snapshot of the invoice as it was: the row itself may no longer exist.
    number = models.CharField(_("numéro de facture"), max_length=60)
    supplier_siret = models.CharField(_("SIRET du fournisseur"), max_length=14)
    invoice_date = models.DateField(_("date de la facture"))
    amount_ttc = models.DecimalField(_("montant TTC (€)"), max_digits=15, decimal_places=2)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("auteur"),
    )
    actor_name = models.CharField(_("nom de l'auteur"), max_length=255)
    at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("historique des factures papier")
        verbose_name_plural = _("historique des factures papier")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["recipient", "-at"], name="paper_history_recipient")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.number} ({self.actor_name}, {self.at:%d/%m/%Y})"


class SupplierCompliance(models.Model):
    """One supplier's position with regard to the obligation (summary, rebuilt nightly).

    ``recipient_category`` "" is the row over every public structure; the other rows restrict to
    invoices sent to structures of that category (the dashboard filter). The first dates make
    the dashboard exact for any observation date: a supplier is obliged on ``as_of`` when
    ``obligation_on <= as_of``, invoiced electronically when ``first_electronic_on <= as_of``,
    and still sent paper after its obligation when ``first_paper_on <= as_of``.
    """

    # SIRET for SIRET suppliers and paper-only suppliers, "TYPE:identifier" otherwise.
    key = models.CharField(max_length=100)
    recipient_category = models.CharField(max_length=30, blank=True)
    supplier = models.ForeignKey(
        "suppliers.SupplierStructure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(max_length=255, blank=True)
    category = models.CharField(max_length=10, choices=ComplianceCategory.choices)
    department = models.CharField(max_length=3, blank=True)
    obligation_on = models.DateField()
    # Electronic deposits and paper invoices dated on or after ``obligation_on``.
    first_electronic_on = models.DateField(null=True, blank=True)
    first_paper_on = models.DateField(null=True, blank=True)
    last_paper_on = models.DateField(null=True, blank=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("situation d'un fournisseur")
        verbose_name_plural = _("situations des fournisseurs")
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient_category"], name="supplier_compliance_key"),
        ]
        indexes = [
            models.Index(
                fields=["recipient_category", "category", "obligation_on"], name="compliance_category"
            ),
            models.Index(fields=["recipient_category", "department"], name="compliance_department"),
            models.Index(fields=["recipient_category", "first_paper_on", "name"], name="compliance_paper"),
            models.Index(fields=["recipient_category", "name"], name="compliance_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.key} ({self.category})"


class RecipientMonth(models.Model):
    """Invoices received by a public structure in a month, electronic and on paper."""

    recipient = models.ForeignKey("entities.PublicStructure", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # first day of the month
    recipient_category = models.CharField(max_length=30)
    department = models.CharField(max_length=3, blank=True)
    electronic_count = models.PositiveIntegerField(default=0)
    paper_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "month"], name="recipient_month_unique"),
        ]
        indexes = [
            models.Index(fields=["month", "recipient_category"], name="recipient_month_category"),
            models.Index(fields=["month", "department"], name="recipient_month_department"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.month:%m/%Y}"


class MonthlyVolume(models.Model):
    """Invoices per month of deposit (or invoice date, on paper), channel, current status and
    categories of both sides: small enough to be read whole by the statistics pages."""

    month = models.DateField()
    channel = models.CharField(max_length=30)  # invoices.choices.Channel or PAPER
    status = models.CharField(max_length=40, blank=True)  # "" on paper
    supplier_category = models.CharField(max_length=10, choices=ComplianceCategory.choices)
    recipient_category = models.CharField(max_length=30)
    invoices = models.PositiveBigIntegerField(default=0)
    amount_ttc = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "channel", "status", "supplier_category", "recipient_category"],
                name="monthly_volume_unique",
            ),
        ]
        indexes = [models.Index(fields=["month"], name="monthly_volume_month")]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.channel} {self.status}"


class DelayMeasure(models.TextChoices):
    AVAILABLE = "MISE_A_DISPOSITION", _("Du dépôt à la mise à disposition")
    PAID = "MISE_EN_PAIEMENT", _("Du dépôt à la mise en paiement")


class DelayStat(models.Model):
    """Median and 90th percentile of a processing time, per month or year of deposit."""

    period_start = models.DateField()
    period_kind = models.CharField(max_length=1, choices=[("M", _("mois")), ("Y", _("année"))])
    measure = models.CharField(max_length=30, choices=DelayMeasure.choices)
    invoices = models.PositiveBigIntegerField(default=0)
    median_hours = models.FloatField(null=True)
    p90_hours = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "period_start", "measure"], name="delay_stat_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.period_kind} {self.period_start}"


class RecipientPunctuality(models.Model):
    """A public structure's payment punctuality for the invoices paid in a year: share paid
    within the délai global de paiement (Code de la commande publique, art. R.2192-10 and
    R.2192-11) and the average time from deposit to payment."""

    recipient = models.ForeignKey("entities.PublicStructure", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    recipient_category = models.CharField(max_length=30)
    department = models.CharField(max_length=3, blank=True)
    paid = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    total_days = models.FloatField(default=0)  # sum of deposit → payment times, in days

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "year"], name="punctuality_unique"),
        ]
        indexes = [
            models.Index(fields=["year", "recipient_category"], name="punctuality_year_category"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.year}"

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.paid if self.paid else None

    @property
    def average_days(self) -> float | None:
        return self.total_days / self.paid if self.paid else None


class YearlyActivity(models.Model):
    """Suppliers that deposited, and public structures that received, at least one invoice
    in the year."""

    year = models.PositiveSmallIntegerField(unique=True)
    active_suppliers = models.PositiveIntegerField(default=0)
    active_recipients = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.year)


class PlatformSnapshot(models.Model):
    """Platform-wide figures of the last refresh (a single row)."""

    refreshed_at = models.DateTimeField()
    suppliers_registered = models.PositiveIntegerField(default=0)
    public_structures_registered = models.PositiveIntegerField(default=0)
    active_suppliers_12m = models.PositiveIntegerField(default=0)
    active_recipients_12m = models.PositiveIntegerField(default=0)
    window_start = models.DateField(null=True)
    duration_seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.refreshed_at:%d/%m/%Y %H:%M}"


class ComplianceReminder(models.Model):
    """A reminder of the obligation sent to a supplier's members from the dashboard."""

    supplier = models.ForeignKey(
        "suppliers.SupplierStructure",
        on_delete=models.CASCADE,
        related_name="compliance_reminders",
        verbose_name=_("fournisseur"),
    )
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("envoyé par"),
    )
    as_of = models.DateField(_("situation au"))
    recipients = models.PositiveIntegerField(_("destinataires"), default=0)

    class Meta:
        verbose_name = _("rappel d'obligation")
        verbose_name_plural = _("rappels d'obligation")
        indexes = [models.Index(fields=["supplier", "-sent_at"], name="reminder_supplier_recent")]

    def __str__(self) -> str:
        return f"{self.supplier} – {self.sent_at:%d/%m/%Y}"

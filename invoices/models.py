"""One model for every payment request, whatever its channel (form, upload, API)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from .choices import (
    Channel,
    DocumentRole,
    FlowStatus,
    Framework,
    InvoiceKind,
    PaymentMode,
    VatRegime,
)

# The lifecycle's models belong to this app: imported here so that Django registers them.
from .lifecycle.models import EcbRate, StatusEvent  # noqa: F401
from .lifecycle.statuses import InvoiceStatus

MONEY = {"max_digits": 15, "decimal_places": 2}


class DepositFlow(models.Model):
    """A deposited file or batch (``numeroFluxDepot``), integrated asynchronously."""

    number = models.CharField(_("numéro de flux"), max_length=40, unique=True)
    syntax = models.CharField(_("syntaxe du flux"), max_length=40, blank=True)
    channel = models.CharField(_("mode de dépôt"), max_length=30, choices=Channel.choices)
    status = models.CharField(
        _("état"), max_length=60, choices=FlowStatus.choices, default=FlowStatus.EN_ATTENTE
    )
    filename = models.CharField(_("nom du fichier"), max_length=255, blank=True)
    file = models.FileField(upload_to="flux/%Y/%m/", blank=True, verbose_name=_("fichier"))
    sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("empreinte SHA-256"))
    supplier = models.ForeignKey(
        "suppliers.SupplierStructure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flows",
        verbose_name=_("fournisseur"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("date de création"))
    processed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("date de traitement"))
    # Taken by an integration task (compare-and-set): a message delivered twice, or while the
    # first worker still runs, does nothing; a claim older than the task's limit is stale.
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    # ``listeErreurTechnique`` and ``listeErreurDP`` of consulterCRDetaille.
    technical_errors = models.JSONField(default=list, blank=True, verbose_name=_("erreurs techniques"))
    invoice_errors = models.JSONField(default=list, blank=True, verbose_name=_("erreurs de facture"))

    class Meta:
        verbose_name = _("flux de dépôt")
        verbose_name_plural = _("flux de dépôt")
        indexes = [
            # The flows still waiting, for the sweeper and for a task taking others along
            # (``cpro.flux``): a few rows among the 80 million a year, never a scan of them all.
            models.Index(fields=["id"], name="flow_waiting", condition=Q(status=FlowStatus.EN_ATTENTE)),
        ]

    def __str__(self) -> str:
        return self.number


class Invoice(models.Model):
    """A payment request. Its primary key is the portal's identifier (``identifiantFactureCPP``)."""

    kind = models.CharField(
        _("type de facture"), max_length=10, choices=InvoiceKind.choices, default=InvoiceKind.FACTURE
    )
    framework = models.CharField(
        _("cadre de facturation"), max_length=60, choices=Framework.choices, default=Framework.A1
    )
    number = models.CharField(_("numéro de facture"), max_length=60, blank=True)
    invoice_date = models.DateField(_("date de facture"), null=True, blank=True)
    # Duplicate control is per supplier, number and invoice year (reference §5.4).
    invoice_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("année de la facture"),
    )

    supplier = models.ForeignKey(
        "suppliers.SupplierStructure",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("fournisseur"),
        # No index of its own: invoice_supplier_status, _recent and _drafts lead with this column
        # (issue #17: one index less to write on each insert and status change).
        db_index=False,
    )
    supplier_service_code = models.CharField(_("service du fournisseur"), max_length=100, blank=True)
    recipient = models.ForeignKey(
        "entities.PublicStructure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("destinataire"),
        # No index of its own: the five invoice_recipient_* indexes lead with this column
        # (issue #17: one index less to write on each insert and status change).
        db_index=False,
    )
    recipient_service = models.ForeignKey(
        "entities.Service",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("service destinataire"),
    )
    # A9 / A12: the prime contractor or mandataire who validates before the recipient.
    validator = models.ForeignKey(
        "suppliers.SupplierStructure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices_to_validate",
        verbose_name=_("valideur"),
        # No index of its own: invoice_validator_status leads with this column (partial, NOT NULL:
        # any equality implies it)
        # (issue #17: one index less to write on each insert and status change).
        db_index=False,
    )
    validator_service_code = models.CharField(
        max_length=100,
        blank=True,
        verbose_name=_("code service du valideur"),
    )

    engagement_number = models.CharField(_("numéro d'engagement"), max_length=50, blank=True)
    market_number = models.CharField(_("numéro de marché"), max_length=50, blank=True)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    exchange_rate = models.DecimalField(
        _("taux de change"), max_digits=14, decimal_places=6, null=True, blank=True
    )
    vat_regime = models.CharField(
        _("régime de TVA"),
        max_length=30,
        choices=VatRegime.choices,
        default=VatRegime.TVA_SUR_DEBIT,
    )
    vat_exemption_reason = models.CharField(_("motif d'exonération"), max_length=255, blank=True)
    payment_mode = models.CharField(
        _("mode de paiement"), max_length=20, choices=PaymentMode.choices, blank=True
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)

    total_ht = models.DecimalField(_("total HT"), default=0, **MONEY)
    total_vat = models.DecimalField(_("total TVA"), default=0, **MONEY)
    total_ttc = models.DecimalField(_("total TTC"), default=0, **MONEY)
    global_discount = models.DecimalField(_("remise globale TTC"), default=0, **MONEY)
    global_discount_reason = models.CharField(_("motif de la remise"), max_length=255, blank=True)
    # BT-113: already paid (an A2 invoice is fully paid, amount due 0). It may be negative in
    # EN 16931; a deposited file's rounding amount (BT-114) is folded into it.
    # No database rule ties a foreign currency to an exchange rate: only a seller established in
    # France must state the VAT in euros (CGI annexe II, art. 242 nonies A; invoices.checks.seller).
    prepaid_amount = models.DecimalField(_("montant déjà payé"), default=0, **MONEY)
    amount_due = models.DecimalField(_("montant à payer"), default=0, **MONEY)
    # Works documents (A4…): the amount to pay the maître d'œuvre validated when it corrected the
    # contractor's draft (``tracking.services.invoice_validator_process``). The contractor's
    # amounts above stay as deposited (they are its legal document's); the MOE's progress-payment
    # statement revises only the amount to pay, which the maître d'ouvrage pays. Empty: no
    # correction, the document's own amount due is paid.
    moe_amount_due = models.DecimalField(
        _("montant validé par le maître d'œuvre"), null=True, blank=True, **MONEY
    )

    original_invoice = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("facture d'origine"),
    )
    original_invoice_number = models.CharField(_("numéro de la facture d'origine"), max_length=60, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)

    channel = models.CharField(_("mode de dépôt"), max_length=30, choices=Channel.choices)
    source_format = models.CharField(_("format source"), max_length=30, blank=True)
    flow = models.ForeignKey(
        DepositFlow,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("flux de dépôt"),
    )
    status = models.CharField(
        _("statut"), max_length=40, choices=InvoiceStatus.choices, default=InvoiceStatus.BROUILLON
    )
    status_changed_at = models.DateTimeField(_("date du statut courant"), null=True, blank=True)
    deposited_at = models.DateTimeField(_("date de dépôt"), null=True, blank=True)
    # SHA-256 of the legal document, printed on the deposit certificate: the deposited file's
    # bytes, or for an invoice entered on the portal the CII XML its Factur-X PDF embeds.
    fingerprint = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    # Sent without a file of its own (web form, API data): the portal writes its legal document,
    # the Factur-X, before the invoice is made available. A deposited file is its own.
    document_by_portal = models.BooleanField(_("document légal écrit par le portail"), default=False)
    # The parties as they were when the invoice was sent (names, identifiers, addresses,
    # payment terms): an invoice never changes when a structure later moves or is renamed, and
    # its CII XML can be rebuilt byte for byte from the stored invoice alone.
    parties = models.JSONField(_("parties à la date du dépôt"), default=dict, blank=True)

    # Payment follow-up (délai global de paiement, reference §6.1).
    due_date = models.DateField(_("date d'échéance"), null=True, blank=True)
    clock_paused_at = models.DateTimeField(null=True, blank=True, verbose_name=_("délai suspendu depuis"))
    paused_days = models.PositiveIntegerField(default=0, verbose_name=_("jours de suspension"))
    paid_at = models.DateTimeField(_("date de mise en paiement"), null=True, blank=True)
    mandate_number = models.CharField(_("numéro de mandat"), max_length=50, blank=True)
    downloaded_by_recipient = models.BooleanField(
        default=False,
        verbose_name=_("téléchargée par le destinataire"),
    )
    # REJETEE: the supplier acknowledges ("traiter le rejet") so it leaves their work list.
    rejection_acknowledged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("rejet traité le"))

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("date de création"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("date de mise à jour"))

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        constraints = [
            # Duplicate control: a sent number is unique per supplier and invoice year. Drafts
            # are not sent and do not count.
            models.UniqueConstraint(
                fields=["supplier", "number", "invoice_year"],
                condition=~Q(status=InvoiceStatus.BROUILLON),
                name="invoice_number_unique_per_supplier_year",
            ),
            models.CheckConstraint(
                name="invoice_sent_has_deposit_data",
                condition=Q(status=InvoiceStatus.BROUILLON)
                | (Q(deposited_at__isnull=False) & Q(recipient__isnull=False) & ~Q(number="")),
            ),
            # Round(…, 2): SQLite (the embedded default) stores decimals as floating point, where
            # 651.80 + 102.52 is not 754.32; on PostgreSQL numeric the rounding changes nothing.
            models.CheckConstraint(
                name="invoice_totals_consistent",
                condition=Q(total_ttc=Round(F("total_ht") + F("total_vat"), 2)),
            ),
            models.CheckConstraint(
                name="invoice_global_discount_non_negative", condition=Q(global_discount__gte=0)
            ),
            # BR-CO-16: amount due = total TTC − what is already paid (and the global discount).
            models.CheckConstraint(
                name="invoice_amount_due_consistent",
                condition=Q(amount_due=Round(F("total_ttc") - F("global_discount") - F("prepaid_amount"), 2)),
            ),
            models.CheckConstraint(
                name="invoice_moe_amount_due_positive",
                condition=Q(moe_amount_due__isnull=True) | Q(moe_amount_due__gt=0),
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-deposited_at", "-id"], name="invoice_recipient_recent"),
            # PostgreSQL also INCLUDEs the id (migration 0015: index-only counts for the buyer).
            models.Index(fields=["recipient", "status", "-deposited_at"], name="invoice_recipient_status"),
            models.Index(fields=["supplier", "-created_at", "-id"], name="invoice_supplier_recent"),
            models.Index(fields=["supplier", "status"], name="invoice_supplier_status"),
            models.Index(fields=["number"], name="invoice_number_idx"),
            models.Index(fields=["status", "due_date"], name="invoice_status_due"),
            # The drafts page: a supplier's drafts, most recently edited first.
            models.Index(fields=["supplier", "status", "-updated_at", "-id"], name="invoice_supplier_drafts"),
            # The buyer's sorts and filters at a million invoices per structure (bench/README.md):
            # by amount, by due date, by invoice date.
            models.Index(fields=["recipient", "total_ttc", "id"], name="invoice_recipient_amount"),
            models.Index(fields=["recipient", "due_date", "id"], name="invoice_recipient_due"),
            models.Index(fields=["recipient", "invoice_date", "status"], name="invoice_recipient_invdate"),
            # The nightly statistics refresh reads deposits by date range, never the whole table.
            models.Index(fields=["deposited_at"], name="invoice_deposited_at"),
            # The validator's dashboard (tracking.selectors.validator_invoices): a big maître
            # d'œuvre's documents by status, newest first; only the invoices with a validator.
            models.Index(
                fields=["validator", "status", "-id"],
                name="invoice_validator_status",
                condition=Q(validator__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or _('(sans numéro)')} – #{self.pk}"

    @property
    def amount_payable(self) -> Decimal:
        """What the buyer pays: the maître d'œuvre's validated amount when it corrected a works
        document, otherwise the document's amount due (BT-115)."""
        return self.moe_amount_due if self.moe_amount_due is not None else self.amount_due


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("numéro de ligne"))
    reference = models.CharField(_("référence"), max_length=100, blank=True)
    designation = models.CharField(_("désignation"), max_length=512)
    quantity = models.DecimalField(_("quantité"), max_digits=19, decimal_places=4)
    unit = models.CharField(_("unité"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("prix unitaire HT"), max_digits=19, decimal_places=6)
    discount = models.DecimalField(_("remise HT"), default=0, **MONEY)
    vat_rate = models.DecimalField(_("taux de TVA"), max_digits=5, decimal_places=2)
    vat_rate_manual = models.BooleanField(_("taux de TVA manuel"), default=False)
    # BT-151 when a deposited file declares it (AE, K, G…); empty: derived from the rate.
    vat_category = models.CharField(_("catégorie de TVA"), max_length=3, blank=True)
    total_ht = models.DecimalField(_("montant HT"), **MONEY)

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position"),
            models.CheckConstraint(
                name="invoice_line_vat_rate_range", condition=Q(vat_rate__gte=0, vat_rate__lte=100)
            ),
            # BR-27: the item net price is never negative; a line discount is an allowance.
            models.CheckConstraint(name="invoice_line_price_non_negative", condition=Q(unit_price__gte=0)),
            models.CheckConstraint(name="invoice_line_discount_non_negative", condition=Q(discount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.designation}"


class InvoiceAllowanceCharge(models.Model):
    """A document-level allowance (BG-20, « remise ») or charge (BG-21, « frais »), excl. VAT.

    It changes the invoice's tax base: BT-109 = Σ BT-131 − Σ allowances + Σ charges (BR-CO-13),
    and the base of the VAT row of its category and rate (BR-S-08…)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="allowances_charges")
    position = models.PositiveIntegerField(_("ordre"))
    is_charge = models.BooleanField(_("frais (sinon remise)"), default=False)
    amount = models.DecimalField(_("montant HT"), **MONEY)  # BT-92 / BT-99
    base = models.DecimalField(_("assiette"), null=True, blank=True, **MONEY)  # BT-93 / BT-100
    percent = models.DecimalField(  # BT-94 / BT-101
        _("pourcentage"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    vat_category = models.CharField(_("catégorie de TVA"), max_length=3, blank=True)  # BT-95 / BT-102
    vat_rate = models.DecimalField(_("taux de TVA"), max_digits=5, decimal_places=2)  # BT-96 / BT-103
    vat_rate_manual = models.BooleanField(_("taux de TVA manuel"), default=False)
    reason = models.CharField(_("motif"), max_length=255, blank=True)  # BT-97 / BT-104
    reason_code = models.CharField(_("code motif"), max_length=10, blank=True)  # BT-98 / BT-105

    class Meta:
        verbose_name = _("remise ou frais sur la facture")
        verbose_name_plural = _("remises et frais sur la facture")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_allowance_charge_position"),
            models.CheckConstraint(
                name="invoice_allowance_charge_vat_rate_range",
                condition=Q(vat_rate__gte=0, vat_rate__lte=100),
            ),
        ]

    def __str__(self) -> str:
        kind = _("Frais") if self.is_charge else _("Remise")
        return f"{kind} {self.amount} ({self.reason or self.reason_code})"


class VatLine(models.Model):
    """VAT breakdown (``ligneTva``): one row per rate."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="vat_lines")
    rate = models.DecimalField(_("taux"), max_digits=5, decimal_places=2)
    rate_manual = models.BooleanField(default=False)
    category = models.CharField(_("catégorie"), max_length=3, default="S")
    base = models.DecimalField(_("base HT"), **MONEY)
    amount = models.DecimalField(_("montant de TVA"), **MONEY)

    class Meta:
        verbose_name = _("ligne de TVA")
        verbose_name_plural = _("ventilation de la TVA")
        ordering = ["-rate"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "category", "rate"], name="vat_line_unique"),
        ]

    def __str__(self) -> str:
        return f"TVA {self.category} {self.rate} % : {self.amount}"


class Document(models.Model):
    """A stored file of an invoice, kept 10 years byte for byte with its SHA-256."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="documents")
    role = models.CharField(_("rôle"), max_length=20, choices=DocumentRole.choices)
    file = models.FileField(upload_to="documents/%Y/%m/")
    name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["invoice", "role"], name="document_invoice_role")]
        constraints = [
            # One legal document per invoice: two workers generating the same Factur-X at once
            # cannot both record theirs.
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(role=DocumentRole.INVOICE),
                name="document_one_legal_invoice",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UploadItem(models.Model):
    """One file of a portal upload, validated and deposited in the background (issue 19): the
    request only stores the files; a task gives each its verdict, all or nothing per file."""

    class State(models.TextChoices):
        PENDING = "EN_ATTENTE", _("en attente")
        RUNNING = "EN_COURS", _("en cours de contrôle")
        DONE = "TERMINE", _("traité")

    batch = models.UUIDField(_("envoi"), db_index=True)
    position = models.PositiveSmallIntegerField()
    supplier = models.ForeignKey(
        "suppliers.SupplierStructure", on_delete=models.CASCADE, related_name="upload_items"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("nom du fichier"), max_length=255)
    file = models.FileField(upload_to="televersements/%Y/%m/", blank=True)
    size = models.BigIntegerField(default=0)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    # The verdicts (several for an archive): FileOutcome fields, invoice and draft as ids.
    outcomes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("fichier téléversé")
        verbose_name_plural = _("fichiers téléversés")
        ordering = ["batch", "position"]
        constraints = [models.UniqueConstraint(fields=["batch", "position"], name="upload_item_position")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_state_display()})"

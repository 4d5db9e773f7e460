"""Official Chorus Pro code lists for payment requests (reference §2, §4.2)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceKind(models.TextChoices):
    FACTURE = "FACTURE", _("Facture")
    AVOIR = "AVOIR", _("Avoir")
    ACOMPTE = "ACOMPTE", _("Facture d'acompte")


class Framework(models.TextChoices):
    """``codeCadreFacturation``, labels from the AIFE External Specifications EDI V4.10."""

    A1 = "A1_FACTURE_FOURNISSEUR", _("A1 – Dépôt par un fournisseur d'une facture")
    A2 = "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE", _("A2 – Dépôt par un fournisseur d'une facture déjà payée")
    A3 = "A3_MEMOIRE_JUSTICE", _("A3 – Dépôt d'un mémoire de frais de justice")
    A4 = (
        "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR",
        _("A4 – Dépôt par un fournisseur d'un projet de décompte mensuel"),
    )
    A5 = "A5_ETAT_ACOMPTE_FOURNISSEUR", _("A5 – Dépôt par un fournisseur d'un état d'acompte")
    A6 = "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR", _("A6 – Dépôt par un fournisseur d'un état d'acompte validé")
    A7 = (
        "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR",
        _("A7 – Dépôt par un fournisseur d'un projet de décompte final"),
    )
    A8 = (
        "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR",
        _("A8 – Dépôt par un fournisseur d'un décompte général et définitif"),
    )
    A9 = "A9_FACTURE_SOUSTRAITANT", _("A9 – Dépôt par un sous-traitant d'une facture")
    A10 = (
        "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT",
        _("A10 – Dépôt par un sous-traitant d'un projet de décompte mensuel"),
    )
    A11 = (
        "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT",
        _("A11 – Dépôt par un sous-traitant d'un projet de décompte final"),
    )
    A12 = "A12_FACTURE_COTRAITANT", _("A12 – Dépôt par un cotraitant d'une facture")
    A13 = (
        "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT",
        _("A13 – Dépôt par un cotraitant d'un projet de décompte mensuel"),
    )
    A14 = (
        "A14_PROJET_DECOMPTE_FINAL_COTRAITANT",
        _("A14 – Dépôt par un cotraitant d'un projet de décompte final"),
    )
    A15 = "A15_ETAT_ACOMPTE_MOE", _("A15 – Dépôt par une MOE d'un état d'acompte")
    A16 = "A16_ETAT_ACOMPTE_VALIDE_MOE", _("A16 – Dépôt par une MOE d'un état d'acompte validé")
    A17 = "A17_PROJET_DECOMPTE_GENERAL_MOE", _("A17 – Dépôt par une MOE d'un projet de décompte général")
    A18 = "A18_DECOMPTE_GENERAL_MOE", _("A18 – Dépôt par une MOE d'un décompte général")
    A19 = "A19_ETAT_ACOMPTE_VALIDE_MOA", _("A19 – Dépôt par une MOA d'un état d'acompte validé")
    A20 = "A20_DECOMPTE_GENERAL_MOA", _("A20 – Dépôt par une MOA d'un décompte général")
    A21 = (
        "A21_DEMANDE_REMBOURSEMENT_TIC",
        _("A21 – Dépôt par un bénéficiaire d'une demande de remboursement de la TIC"),
    )
    A22 = (
        "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE",
        _(
            "A22 – Dépôt par un fournisseur d'un projet de décompte général "
            "dans le cadre d'une procédure tacite"
        ),
    )
    A23 = (
        "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR",
        _("A23 – Dépôt par un fournisseur d'un décompte général et définitif tacite"),
    )
    A24 = (
        "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE",
        _("A24 – Dépôt par une MOE d'un décompte général et définitif tacite"),
    )
    A25 = (
        "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE",
        _("A25 – Dépôt par une MOA d'un décompte général et définitif dans le cadre d'une procédure tacite"),
    )


# A9 / A12 go through a validator (prime contractor / mandataire) before the recipient.
FRAMEWORKS_WITH_VALIDATOR = frozenset({Framework.A9, Framework.A12})
# The contractors' draft statements that the maître d'œuvre checks (and may correct) before the
# maître d'ouvrage (reference §2: A4 "titulaire → MOE → MOA"; CCAG Travaux 2021 art. 12.1.1:
# the draft statement is handed to the maître d'œuvre). The MOE is optional: a contract
# without one sends the document straight to the MOA.
FRAMEWORKS_WITH_MOE = frozenset(
    {
        Framework.A4,
        Framework.A7,
        Framework.A10,
        Framework.A11,
        Framework.A13,
        Framework.A14,
    }
)
# Works billing documents (CCAG Travaux): storable and routable.
WORKS_FRAMEWORKS = frozenset(
    {
        Framework.A4,
        Framework.A5,
        Framework.A6,
        Framework.A7,
        Framework.A8,
        Framework.A10,
        Framework.A11,
        Framework.A13,
        Framework.A14,
        Framework.A15,
        Framework.A16,
        Framework.A17,
        Framework.A18,
        Framework.A19,
        Framework.A20,
        Framework.A22,
        Framework.A23,
        Framework.A24,
        Framework.A25,
    }
)


class Channel(models.TextChoices):
    """``modeDepot`` (reference §4.2, PHPLIB IModeDepot)."""

    SAISIE_PORTAIL = "SAISIE_PORTAIL", _("Saisie sur le portail")
    DEPOT_PDF_PORTAIL = "DEPOT_PDF_PORTAIL", _("Dépôt PDF sur le portail")
    UPLOAD_PORTAIL = "UPLOAD_PORTAIL", _("Dépôt de fichier structuré sur le portail")
    SAISIE_API = "SAISIE_API", _("Saisie par API")
    DEPOT_PDF_API = "DEPOT_PDF_API", _("Dépôt PDF par API")
    UPLOAD_API = "UPLOAD_API", _("Dépôt de flux par API")
    EDI = "EDI", _("Flux EDI")


class VatRegime(models.TextChoices):
    TVA_SUR_DEBIT = "TVA_SUR_DEBIT", _("TVA sur les débits")
    TVA_SUR_ENCAISSEMENT = "TVA_SUR_ENCAISSEMENT", _("TVA sur les encaissements")
    EXONERATION = "EXONERATION", _("Exonération de TVA")


class PaymentMode(models.TextChoices):
    VIREMENT = "VIREMENT", _("Virement")
    CHEQUE = "CHEQUE", _("Chèque")
    PRELEVEMENT = "PRELEVEMENT", _("Prélèvement")
    ESPECE = "ESPECE", _("Espèces")
    AUTRE = "AUTRE", _("Autre")
    REPORT = "REPORT", _("Report")


# The VAT rates a seller established in France may invoice (``recuperer/tauxtva``), with the
# article of the Code général des impôts that sets each one:
# - mainland: 20 % normal rate (art. 278), 10 % (art. 279), 5.5 % (art. 278-0 bis, 278 bis),
#   2.1 % (art. 281 quater to 281 nonies, 298 septies: medicines, press, first performances);
# - Corsica (art. 297, I-1): 0.9 % (1°), 2.1 % (2°), 10 % (5°), 13 % (6°, petroleum products);
# - Guadeloupe, Martinique, La Réunion: 8.5 % normal and 2.1 % reduced (art. 296, 1°),
#   1.75 % and 1.05 % particular rates (art. 296 bis; 1.05 % also for the press, art. 298 septies);
#   no VAT in Guyane and Mayotte (art. 294, 1);
# - 0 %: exempt, reverse-charged, intra-EU, export or out-of-scope lines (categories E, AE, K,
#   G, O, Z of EN 16931), whose exemption reason the invoice states (art. 242 nonies A, I-13°).
# The order is the form's.
FRENCH_VAT_RATES: tuple[Decimal, ...] = tuple(
    Decimal(r) for r in ("20", "10", "5.5", "2.1", "13", "0.9", "8.5", "1.75", "1.05", "0")
)


class DocumentRole(models.TextChoices):
    # The legal invoice: the deposited original (byte for byte) or the generated Factur-X.
    INVOICE = "FACTURE", _("Facture (document légal)")
    # Supporting documents added by the supplier (PJ type 02).
    ATTACHMENT = "PIECE_JOINTE", _("Pièce jointe")
    # A readable rendering of an XML-only invoice, produced on demand and cached.
    RENDERING = "RENDU", _("Rendu lisible")


class FlowStatus(models.TextChoices):
    """States of a deposited flow (``etatCourantDepotFlux``, reference §1.4)."""

    EN_ATTENTE = "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP", _("En attente de traitement")
    INTEGRE = "IN_INTEGRE", _("Intégré")
    INTEGRE_PARTIEL = "IN_INTEGRE_PARTIEL", _("Intégré partiellement")
    REJETE = "IN_REJETE", _("Rejeté")


# EN 16931 VAT category codes (UNTDID 5305, BT-118 / BT-151) the portal produces or accepts.
class VatCategory(models.TextChoices):
    STANDARD = "S", _("Taux normal ou réduit")
    ZERO = "Z", _("Taux zéro")
    EXEMPT = "E", _("Exonéré de TVA")
    REVERSE_CHARGE = "AE", _("Autoliquidation")
    INTRA_EU = "K", _("Livraison intracommunautaire")
    EXPORT = "G", _("Exportation hors Union européenne")
    NOT_SUBJECT = "O", _("Hors du champ de la TVA")
    CANARY = "L", _("IGIC (Canaries)")
    CEUTA = "M", _("IPSI (Ceuta et Melilla)")


# Payment means (UNTDID 4461, BT-81) of each Chorus Pro payment mode, as in the pivot format
# (reference §5.1: 10/20/30/31/42/48/49/97).
PAYMENT_MEANS_CODE: dict[str, str] = {
    PaymentMode.ESPECE: "10",
    PaymentMode.CHEQUE: "20",
    PaymentMode.VIREMENT: "30",
    PaymentMode.PRELEVEMENT: "49",
    PaymentMode.REPORT: "97",
    PaymentMode.AUTRE: "1",
}
# Credit transfer needs the supplier's IBAN (reference §5.4, OCA: UNCL 30, 31, 42).
PAYMENT_MODES_WITH_IBAN = frozenset({PaymentMode.VIREMENT})

# Document type codes (UNTDID 1001, BT-3): 380 invoice, 381 credit note, 386 prepayment invoice.
TYPE_CODE: dict[str, str] = {
    InvoiceKind.FACTURE: "380",
    InvoiceKind.AVOIR: "381",
    InvoiceKind.ACOMPTE: "386",
}

# Units offered by the form (UN/ECE Recommendation 20 codes, BT-130), with French labels.
UNITS: tuple[tuple[str, str], ...] = (
    ("C62", _("unité")),
    ("H87", _("pièce")),
    ("LS", _("forfait")),
    ("HUR", _("heure")),
    ("DAY", _("jour")),
    ("WEE", _("semaine")),
    ("MON", _("mois")),
    ("ANN", _("année")),
    ("KGM", _("kilogramme")),
    ("TNE", _("tonne")),
    ("LTR", _("litre")),
    ("MTR", _("mètre")),
    ("MTK", _("mètre carré")),
    ("MTQ", _("mètre cube")),
    ("KMT", _("kilomètre")),
    ("KWH", _("kilowattheure")),
    ("SET", _("lot")),
)
DEFAULT_UNIT = "C62"

# Attachment rules of Chorus Pro (reference §5.3, communaute.chorus-pro.gouv.fr
# "pièces jointes : quelques règles à respecter").
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_NAME_MAX_LENGTH = 50
DEPOSIT_MAX_BYTES = 120 * 1024 * 1024
ATTACHMENT_EXTENSIONS = frozenset(
    {
        "bmp",
        "gif",
        "fax",
        "odt",
        "ppt",
        "tiff",
        "xls",
        "bz2",
        "gz",
        "jpeg",
        "p7s",
        "rtf",
        "txt",
        "xml",
        "csv",
        "gzip",
        "jpg",
        "pdf",
        "svg",
        "xhtml",
        "xlsx",
        "doc",
        "htm",
        "odp",
        "png",
        "tgz",
        "xlc",
        "zip",
        "docx",
        "html",
        "ods",
        "pps",
        "tif",
        "xlm",
        "pptx",
    }
)

# Currencies (ISO 4217) accepted for an invoice; anything but EUR needs its exchange rate.
CURRENCIES: tuple[str, ...] = (
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "JPY",
    "CAD",
    "AUD",
    "CNY",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "HUF",
    "RON",
    "BGN",
    "XPF",
    "XOF",
    "XAF",
    "MAD",
    "TND",
    "DZD",
)

"""Deposits of the supplier: ``soumettre`` (structured data, "saisie API") and ``deposer/pdf``
(a PDF stored for ``soumettre``, with what it says). ``deposer/flux`` lives in ``cpro.api.flux``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from invoices.checks import InvoiceRejected
from invoices.choices import (
    ATTACHMENT_MAX_BYTES,
    UNITS,
    Channel,
    Framework,
    InvoiceKind,
    PaymentMode,
    VatRegime,
)
from invoices.data import AttachmentData, InvoiceData, LineData, VatLineData
from invoices.services import invoice_deposit
from invoices.validation import validate_document
from suppliers.models import BankAccount

from ...services import api_attachment_create
from ..auth import SUPPLIER
from ..base import DEPOSIT_MAX_BODY, CproView, idempotent, ok
from ..errors import ApiError, Code
from ..fields import (
    Base64Text,
    LenientDateField,
    b64decode_field,
    cpro_schema,
    fmt_date,
    opt_int,
    opt_list,
    opt_str,
    reply_out,
    req_int,
)
from .common import TAG_SUPPLIER, attachment_content, check_errors_to_api
from .supplier import PJComplementaireIn

MONEY_FIELD = {"max_digits": 17, "decimal_places": 6, "required": False, "allow_null": True}


# --- soumettre (structured data, "saisie API") ----------------------------------------------------
LignePosteIn = inline_serializer(
    "LignePoste",
    {
        "lignePosteNumero": opt_int(),
        "lignePosteReference": opt_str(100),
        "lignePosteDenomination": serializers.CharField(max_length=512),
        "lignePosteQuantite": serializers.DecimalField(max_digits=19, decimal_places=4),
        "lignePosteUnite": opt_str(
            20, help_text="Texte libre du fournisseur (« lot », « heure »…) ou code UN/ECE (C62, HUR…)."
        ),
        "lignePosteMontantUnitaireHT": serializers.DecimalField(max_digits=19, decimal_places=6),
        "lignePosteMontantRemiseHT": serializers.DecimalField(**MONEY_FIELD),
        "lignePosteTauxTva": opt_str(10),
        "lignePosteTauxTvaManuel": serializers.DecimalField(**MONEY_FIELD),
    },
)
LigneTvaIn = inline_serializer(
    "LigneTva",
    {
        "ligneTvaTaux": opt_str(10),
        "ligneTvaTauxManuel": serializers.DecimalField(**MONEY_FIELD),
        # 0 when not given: a Go connector omits zero amounts (an exempt rate has no VAT).
        "ligneTvaMontantBaseHtParTaux": serializers.DecimalField(**MONEY_FIELD),
        "ligneTvaMontantTvaParTaux": serializers.DecimalField(**MONEY_FIELD),
    },
)


class SoumettreRequest(serializers.Serializer):
    modeDepot = serializers.ChoiceField(
        choices=["SAISIE_API", "DEPOT_PDF_API", "DEPOT_PDF_SIGNE_API"],
        required=False,
        allow_null=True,
        allow_blank=True,
    )
    numeroFactureSaisi = serializers.CharField(max_length=60)
    # Optional, as in the official API: the deposit date when not given (issue 12).
    dateFacture = LenientDateField(help_text="AAAA-MM-JJ ; la date du dépôt par défaut.")
    destinataire = inline_serializer(
        "SoumettreDestinataire",
        {"codeDestinataire": serializers.CharField(max_length=20), "codeServiceExecutant": opt_str(100)},
    )
    fournisseur = inline_serializer(
        "SoumettreFournisseur",
        {
            "idFournisseur": opt_int(),
            "idServiceFournisseur": opt_int(),
            "codeCoordonneesBancairesFournisseur": opt_int(),
        },
        required=False,
        allow_null=True,
    )
    cadreDeFacturation = inline_serializer(
        "SoumettreCadre",
        {
            "codeCadreFacturation": serializers.ChoiceField(
                choices=Framework.values, required=False, allow_null=True, allow_blank=True
            ),
            "codeStructureValideur": opt_str(20),
            "codeServiceValideur": opt_str(100),
        },
        required=False,
        allow_null=True,
    )
    references = inline_serializer(
        "SoumettreReferences",
        {
            "deviseFacture": opt_str(3),
            "typeFacture": serializers.ChoiceField(
                choices=InvoiceKind.values, required=False, allow_null=True, allow_blank=True
            ),
            "typeTva": serializers.ChoiceField(
                choices=VatRegime.values, required=False, allow_null=True, allow_blank=True
            ),
            "modePaiement": serializers.ChoiceField(
                choices=PaymentMode.values, required=False, allow_null=True, allow_blank=True
            ),
            "numeroBonCommande": opt_str(50),
            "numeroMarche": opt_str(50),
            "numeroFactureOrigine": opt_str(60),
            "motifExonerationTva": opt_str(255),
        },
        required=False,
        allow_null=True,
    )
    lignePoste = serializers.ListField(child=LignePosteIn, min_length=1, max_length=1000)
    ligneTva = opt_list(LigneTvaIn, 20)
    montantTotal = inline_serializer(
        "SoumettreMontantTotal",
        {
            "montantHtTotal": serializers.DecimalField(**MONEY_FIELD),
            "montantTVA": serializers.DecimalField(**MONEY_FIELD),
            "montantTtcTotal": serializers.DecimalField(**MONEY_FIELD),
            "montantRemiseGlobaleTTC": serializers.DecimalField(**MONEY_FIELD),
            "motifRemiseGlobaleTTC": opt_str(255),
            "montantAPayer": serializers.DecimalField(**MONEY_FIELD),
        },
        required=False,
        allow_null=True,
    )
    pieceJointePrincipale = opt_list(
        inline_serializer(
            "PieceJointePrincipale",
            {"pieceJointePrincipaleDesignation": opt_str(255), "pieceJointePrincipaleId": req_int()},
        ),
        1,
    )
    pieceJointeComplementaire = opt_list(PJComplementaireIn(), 20)
    commentaire = opt_str(1000)
    idUtilisateurCourant = opt_int()


def _rate(code: str | None, manual: Decimal | None) -> tuple[Decimal, bool]:
    if manual is not None:
        return manual, True
    text = (code or "0").upper().replace("TVA", "").replace("%", "").replace(",", ".").strip() or "0"
    try:
        return Decimal(text), False
    except ArithmeticError:
        raise ApiError(
            Code.INVALID_REQUEST, _("Taux de TVA « %(c)s » inconnu : voir recuperer/tauxtva.") % {"c": code}
        ) from None


# Units a supplier writes in words (lignePosteUnite is free text in the official API), mapped to
# their UN/ECE Recommendation 20 code (BT-130); an unknown text is the default unit C62.
UNIT_WORDS = {
    "U": "C62",
    "UN": "C62",
    "UNITE": "C62",
    "PIECE": "H87",
    "PCE": "H87",
    "FORFAIT": "LS",
    "H": "HUR",
    "HEURE": "HUR",
    "J": "DAY",
    "JOUR": "DAY",
    "SEMAINE": "WEE",
    "MOIS": "MON",
    "AN": "ANN",
    "ANNEE": "ANN",
    "KG": "KGM",
    "KILOGRAMME": "KGM",
    "T": "TNE",
    "TONNE": "TNE",
    "L": "LTR",
    "LITRE": "LTR",
    "M": "MTR",
    "METRE": "MTR",
    "M2": "MTK",
    "M²": "MTK",
    "M3": "MTQ",
    "M³": "MTQ",
    "KM": "KMT",
    "KWH": "KWH",
    "LOT": "SET",
}


def unit_code(text: str) -> str:
    """``lignePosteUnite`` → a UN/ECE code: a code as such, a French word mapped, else C62."""
    import unicodedata

    word = text.strip()
    if not word:
        return ""
    if word.upper() in {code for code, _label in UNITS}:
        return word.upper()
    plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().upper().rstrip("S")
    plain = plain.rstrip(".") or word.upper()
    return UNIT_WORDS.get(plain, UNIT_WORDS.get(word.upper(), "C62"))


def supplier_iban(supplier: Any, bank_account_id: int | None) -> str:
    """The IBAN of a transfer deposited without one: the structure's bank account named by
    ``codeCoordonneesBancairesFournisseur``, or its only valid one (``recuperer/coordbanc/valides``
    lists them). Another structure's or an inactive account answers 20003."""

    accounts = BankAccount.objects.filter(structure=supplier, active=True)
    if bank_account_id:
        account = accounts.filter(pk=bank_account_id).first()
        if account is None:
            raise ApiError(
                Code.UNKNOWN,
                _("Les coordonnées bancaires %(id)s sont inconnues : voir recuperer/coordbanc/valides.")
                % {"id": bank_account_id},
                errors=[
                    {
                        "champ": "fournisseur.codeCoordonneesBancairesFournisseur",
                        "message": str(bank_account_id),
                    }
                ],
            )
        return account.iban
    only = list(accounts[:2])
    return only[0].iban if len(only) == 1 else ""


def invoice_data_from_request(data: dict[str, Any], *, channel: str) -> Any:

    references = data.get("references") or {}
    frame = data.get("cadreDeFacturation") or {}
    totals = data.get("montantTotal") or {}
    lines = []
    for line in data["lignePoste"]:
        rate, manual = _rate(line.get("lignePosteTauxTva"), line.get("lignePosteTauxTvaManuel"))
        lines.append(
            LineData(
                designation=line["lignePosteDenomination"],
                quantity=line["lignePosteQuantite"],
                unit_price=line["lignePosteMontantUnitaireHT"],
                vat_rate=rate,
                vat_rate_manual=manual,
                reference=line.get("lignePosteReference") or "",
                unit=unit_code(line.get("lignePosteUnite") or ""),
                discount=line.get("lignePosteMontantRemiseHT") or Decimal("0"),
            )
        )
    vat_lines = None
    if data.get("ligneTva"):
        vat_lines = []
        for vat in data["ligneTva"]:
            rate, manual = _rate(vat.get("ligneTvaTaux"), vat.get("ligneTvaTauxManuel"))
            vat_lines.append(
                VatLineData(
                    rate=rate,
                    rate_manual=manual,
                    base=vat.get("ligneTvaMontantBaseHtParTaux") or Decimal("0"),
                    amount=vat.get("ligneTvaMontantTvaParTaux") or Decimal("0"),
                )
            )
    return InvoiceData(
        kind=references.get("typeFacture") or InvoiceKind.FACTURE,
        framework=frame.get("codeCadreFacturation") or Framework.A1,
        number=data["numeroFactureSaisi"].strip(),
        invoice_date=data.get("dateFacture") or timezone.localdate(),
        recipient_siret=data["destinataire"]["codeDestinataire"].replace(" ", ""),
        service_code=(data["destinataire"].get("codeServiceExecutant") or "").strip(),
        engagement_number=(references.get("numeroBonCommande") or "").strip(),
        market_number=(references.get("numeroMarche") or "").strip(),
        validator_identifier=(frame.get("codeStructureValideur") or "").strip(),
        validator_service_code=(frame.get("codeServiceValideur") or "").strip(),
        currency=(references.get("deviseFacture") or "EUR").upper(),
        vat_regime=references.get("typeTva") or VatRegime.TVA_SUR_DEBIT,
        vat_exemption_reason=references.get("motifExonerationTva") or "",
        payment_mode=references.get("modePaiement") or "",
        global_discount=totals.get("montantRemiseGlobaleTTC") or Decimal("0"),
        global_discount_reason=totals.get("motifRemiseGlobaleTTC") or "",
        original_invoice_number=(references.get("numeroFactureOrigine") or "").strip(),
        comment=data.get("commentaire") or "",
        lines=lines,
        declared_vat_lines=vat_lines,
        declared_total_ht=totals.get("montantHtTotal"),
        declared_total_vat=totals.get("montantTVA"),
        declared_total_ttc=totals.get("montantTtcTotal"),
        declared_amount_due=totals.get("montantAPayer"),
        channel=channel,
    )


class SoumettreView(CproView):
    side = SUPPLIER
    max_body = DEPOSIT_MAX_BODY

    @cpro_schema(
        request=SoumettreRequest,
        response=reply_out(
            "SoumettreReponse",
            {
                "identifiantFactureCPP": serializers.IntegerField(),
                "numeroFacture": serializers.CharField(),
                "dateDepot": serializers.CharField(),
                "statutFacture": serializers.CharField(),
                "identifiantStructure": serializers.CharField(),
                "empreinteCertificatDepot": serializers.CharField(),
            },
        ),
        summary="Déposer une facture à partir de ses données (saisie API)",
        tag=TAG_SUPPLIER,
        operation_id="factures_soumettre",
        description="Honore l'en-tête Idempotency-Key : un nouvel essai avec la même clé et le même corps "
        "renvoie la première réponse sans créer de seconde facture.",
    )
    def post(self, request: Request) -> Response:
        return idempotent(request, endpoint="soumettre", handler=self._deposit)

    def _deposit(self) -> Response:

        data = self.validated(SoumettreRequest)
        mode = data.get("modeDepot") or "SAISIE_API"
        channel = Channel.DEPOT_PDF_API if mode.startswith("DEPOT_PDF") else Channel.SAISIE_API
        invoice_data = invoice_data_from_request(data, channel=channel)
        principal = self.principal
        if not invoice_data.iban:
            invoice_data.iban = supplier_iban(
                principal.supplier, (data.get("fournisseur") or {}).get("codeCoordonneesBancairesFournisseur")
            )
        for item in (data.get("pieceJointePrincipale") or []) + (data.get("pieceJointeComplementaire") or []):
            pk = item.get("pieceJointePrincipaleId") or item.get("pieceJointeComplementaireId")
            error = ApiError(Code.UNKNOWN, _("La pièce jointe %(id)s est inconnue.") % {"id": pk})
            attachment, content = attachment_content(principal, pk, error=error)
            invoice_data.attachments.append(
                AttachmentData(name=attachment.name, content=content, content_type=attachment.content_type)
            )
        try:
            invoice = invoice_deposit(
                supplier=principal.supplier, data=invoice_data, actor=principal.account, channel=channel
            )
        except InvoiceRejected as exc:
            raise check_errors_to_api(exc.errors) from exc
        return ok(
            {
                "identifiantFactureCPP": invoice.pk,
                "numeroFacture": invoice.number,
                "dateDepot": fmt_date(invoice.deposited_at),
                "statutFacture": invoice.status,
                "identifiantStructure": principal.supplier.identifier,
                "empreinteCertificatDepot": invoice.fingerprint,
            }
        )


# --- deposer/pdf --------------------------------------------------------------------------------
class DeposerPdfRequest(serializers.Serializer):
    fichierFacture = Base64Text(help_text="Le PDF, encodé en base64 (10 Mo au plus une fois décodé).")
    nomFichier = serializers.CharField(max_length=50)
    formatDepot = serializers.ChoiceField(
        choices=["PDF_NON_SIGNE", "PDF_SIGNE"], required=False, allow_null=True, allow_blank=True
    )
    idUtilisateurCourant = opt_int()


class DeposerPdfView(CproView):
    """Store a PDF (``pieceJointeId`` for ``soumettre``) and return what it says. Chorus Pro runs
    OCR; here a Factur-X PDF gives its embedded data, a plain PDF gives nothing to pre-fill."""

    side = SUPPLIER
    max_body = DEPOSIT_MAX_BODY

    @cpro_schema(
        request=DeposerPdfRequest,
        response=reply_out(
            "DeposerPdfReponse",
            {
                "pieceJointeId": serializers.IntegerField(),
                "dateFacture": serializers.CharField(allow_null=True),
                "numeroFacture": serializers.CharField(),
                "codeDestinataire": serializers.CharField(),
                "codeFournisseur": serializers.CharField(),
                "codeServiceExecutant": serializers.CharField(),
                "numeroBonCommande": serializers.CharField(),
                "typeFacture": serializers.CharField(),
                "codeDeviseFacture": serializers.CharField(),
                "montantHtTotal": serializers.FloatField(allow_null=True),
                "montantTVA": serializers.FloatField(allow_null=True),
                "montantAPayer": serializers.FloatField(allow_null=True),
            },
        ),
        summary="Déposer un PDF de facture (à compléter par soumettre)",
        tag=TAG_SUPPLIER,
        operation_id="factures_deposer_pdf",
    )
    def post(self, request: Request) -> Response:
        return idempotent(request, endpoint="deposer/pdf", handler=self._deposit)

    def _deposit(self) -> Response:

        data = self.validated(DeposerPdfRequest)
        content = b64decode_field(
            data["fichierFacture"], field="fichierFacture", max_bytes=ATTACHMENT_MAX_BYTES
        )
        name = data["nomFichier"].strip()
        if not content.startswith(b"%PDF-") or not name.lower().endswith(".pdf"):
            raise ApiError(
                Code.INVALID_FILE, _("fichierFacture doit être un PDF et nomFichier finir par .pdf.")
            )

        attachment = api_attachment_create(principal=self.principal, name=name, content=content)
        verdict = validate_document(content=content, filename=name)
        parsed = verdict.parsed

        def amount(value: Any) -> float | None:
            return float(value) if value is not None else None

        return ok(
            {
                "pieceJointeId": attachment.pk,
                "dateFacture": fmt_date(parsed.issue_date) if parsed else None,
                "numeroFacture": (parsed.number or "") if parsed else "",
                "codeDestinataire": (parsed.buyer_siret or "") if parsed else "",
                "codeFournisseur": (parsed.seller_siret or "") if parsed else "",
                "codeServiceExecutant": (parsed.buyer_reference or "") if parsed else "",
                "numeroBonCommande": (parsed.purchase_order or "") if parsed else "",
                "typeFacture": ("AVOIR" if parsed.is_credit_note else "FACTURE") if parsed else "FACTURE",
                "codeDeviseFacture": (parsed.currency or "EUR") if parsed else "EUR",
                "montantHtTotal": amount(parsed.total_ht) if parsed else None,
                "montantTVA": amount(parsed.total_vat) if parsed else None,
                "montantAPayer": amount(parsed.amount_due) if parsed else None,
            }
        )

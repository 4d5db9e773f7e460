"""The official shape of an invoice's detail: ``{codeRetour, libelle, facture: {…}}`` answered by
``consulter/fournisseur``, ``consulter/recipiendaire`` and ``consulter/valideur`` (issue 12,
point 5). Field names and types are those that go-choruspro decodes (``Facture`` and its parts):
dates ``YYYY-MM-DD``, ``dateCreationFacture`` ``YYYY-MM-DD HH:MM``, amounts as numbers,
``lignePosteUniteCode`` as a number (the unit's rank in ``invoices.choices.UNITS``).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from invoices.choices import DEFAULT_UNIT, UNITS, WORKS_FRAMEWORKS, DocumentRole

from ...ids import public_cpp_id, supplier_cpp_id
from ..fields import fmt_date, fmt_minute, money, money_or_null, shape


def _unit(code: str) -> tuple[int | None, str]:

    code = code or DEFAULT_UNIT
    for rank, (value, label) in enumerate(UNITS, start=1):
        if value == code:
            return rank, str(label)
    return None, code


def _attachment_type(role: str) -> tuple[str, str]:

    if role == DocumentRole.INVOICE:
        return "FACTURE", "Facture"
    return "PJ_COMPLEMENTAIRE", "Pièce jointe complémentaire"


def _page(prefix: str, suffix: str, count: int) -> dict[str, int]:
    """The page counters of a list inside the detail (the whole list is one page)."""
    return {
        f"nbResultatsParPage{suffix}": max(count, 1),
        f"pageCourante{suffix}": 1,
        f"pages{suffix}": 1 if count else 0,
        f"total{suffix}": count,
    }


def official_facture(invoice: Any, documents: list[Any] | None = None) -> dict[str, Any]:
    """``facture`` of the consulter answers (lines, VAT lines and documents prefetched)."""

    recipient, service, supplier = invoice.recipient, invoice.recipient_service, invoice.supplier
    validator = invoice.validator if invoice.validator_id else None
    documents = documents if documents is not None else list(invoice.documents.all())
    visible = [d for d in documents if d.role != DocumentRole.RENDERING]
    main = next((d for d in visible if d.role == DocumentRole.INVOICE), None)
    lines = list(invoice.lines.all())
    vat_lines = list(invoice.vat_lines.all())
    iban = (invoice.iban or "").replace(" ", "")
    frame: dict[str, Any] = {"codeCadreFacturation": invoice.framework}
    if validator is not None:
        frame |= {
            "idValideur1": supplier_cpp_id(validator.pk),
            "codeValideur1": validator.identifier,
            "raisonSocialeValideur1": validator.name,
            "typeIdentifiantValideur1": validator.identifier_type,
        }
    facture: dict[str, Any] = {
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "statutFacture": invoice.status,
        "modeDepot": invoice.channel,
        "commentaire": invoice.comment,
        "cadreDeFacturation": frame,
        "fournisseur": {
            "idFournisseur": supplier_cpp_id(supplier.pk),
            "codeFournisseur": supplier.identifier,
            "typeIdentifiantFournisseur": supplier.identifier_type,
            "designationFournisseur": supplier.name,
            "codeServiceFournisseur": invoice.supplier_service_code,
            "adresseFournisseurDetail": supplier.address,
            "adresseFournisseurComplement1": supplier.address_complement,
            "adresseFournisseurCodePostal": supplier.postcode,
            "adresseFournisseurVille": supplier.city,
            "adresseFournisseurCodePays": supplier.country_code,
            "coordBancairesFournisseurType": "IBAN" if iban else "",
            "coordBancairesFournisseurCompteBancaire": iban,
            "coordBancairesFournisseurCodePays": iban[:2],
            "coordBancairesFournisseurCleIban": iban[2:4],
        },
        "destinataire": {
            "idDestinataire": public_cpp_id(recipient.pk) if recipient else 0,
            "codeDestinataire": recipient.siret if recipient else "",
            "libelleDestinataire": recipient.name if recipient else "",
            "destinataireEtat": ("ACTIF" if recipient.active else "INACTIF") if recipient else "",
            "idServiceExecutant": service.pk if service else 0,
            "codeServiceExecutant": service.code if service else "",
            "libelleServiceExecutant": service.name if service else "",
        },
        "references": {
            "codeDeviseFacture": invoice.currency,
            "typeFacture": invoice.kind,
            "typeTva": invoice.vat_regime,
            "modePaiement": invoice.payment_mode,
            "dateFacture": fmt_date(invoice.invoice_date),
            "dateDepot": fmt_date(invoice.deposited_at),
            "dateCreationFacture": fmt_minute(invoice.created_at),
            "dateEcheancePaiement": fmt_date(invoice.due_date),
            "numeroBonCommande": invoice.engagement_number,
            "numeroMarche": invoice.market_number,
            "numeroFactureOrigine": invoice.original_invoice_number,
            "motifExonerationTva": invoice.vat_exemption_reason,
            "numeroDpMandat": invoice.mandate_number,
            "tailleTotalePiecesJointes": float(sum(d.size for d in visible)),
            "typeFactureTravaux": "",
        },
        "montantTotal": {
            "montantHtTotal": money(invoice.total_ht),
            "montantTVA": money(invoice.total_vat),
            "montantTtcAvantRemiseGlobalTTC": money(invoice.total_ttc + invoice.global_discount),
            "montantRemiseGlobaleTTC": money(invoice.global_discount),
            "motifRemiseGlobaleTTC": invoice.global_discount_reason,
            "montantTtcTotal": money(invoice.total_ttc),
            "montantAPayer": money(invoice.amount_due),
            # Not in go-choruspro's ``MontantTotal`` (no official name is known, see
            # ``validator.TraiterFactureAValiderRequest``): connectors that do not know it skip it.
            "montantValideMOE": money_or_null(invoice.moe_amount_due),
        },
        "lignesDePoste": {
            "lignePoste": [_line(line) for line in lines],
            **_page("", "LignesPoste", len(lines)),
        },
        "recapitulatifDeTva": {
            "ligneTva": [
                {
                    "ligneTvaTauxRefCode": vat.category,
                    "ligneTvaTauxRefLibelle": f"{format(vat.rate.normalize(), 'f')} %",
                    "ligneTvaTauxRefValeur": float(vat.rate),
                    "ligneTvaMontantBaseHtParTaux": money(vat.base),
                    "ligneTvaMontantTvaParTaux": money(vat.amount),
                }
                for vat in vat_lines
            ],
            **_page("", "LignesRecapitulativesTVA", len(vat_lines)),
        },
        "listeDesPiecesJointes": {
            "pieceJointe": [
                {
                    "pieceJointeId": d.pk,
                    "pieceJointeIdLiaison": d.pk,
                    "pieceJointeDesignation": d.name,
                    "pieceJointeExtension": (d.name.rsplit(".", 1)[-1] if "." in d.name else "").upper(),
                    "pieceJointeTypeCode": _attachment_type(d.role)[0],
                    "pieceJointeTypeLibelle": _attachment_type(d.role)[1],
                    "pieceJointeNumeroLigneFacture": 0,
                }
                for d in visible
            ],
            **_page("", "ListePiecesJointe", len(visible)),
        },
    }
    if main is not None:
        facture["pieceJointePrincipale"] = {
            "idPieceJointePrincipale": main.pk,
            "idLiaisonPieceJointePrincipale": main.pk,
        }
    if invoice.original_invoice_id:
        original = invoice.original_invoice
        facture["piecePrecedente"] = {
            "idPiecePrecedente": original.pk,
            "numeroPiecePrecedente": original.number,
            "cadreFacturationPiecePrecedente": original.framework,
        }
    if invoice.framework in WORKS_FRAMEWORKS:
        facture["references"]["typeFactureTravaux"] = invoice.framework
    return facture


def _line(line: Any) -> dict[str, Any]:
    rank, label = _unit(line.unit)
    row = {
        "lignePosteNumero": line.position,
        "lignePosteReference": line.reference,
        "lignePosteDenomination": line.designation,
        "lignePosteQuantite": float(line.quantity),
        "lignePosteUniteLibelle": label,
        "lignePosteMontantUnitaireHT": float(line.unit_price),
        "lignePosteMontantRemiseHT": money(line.discount),
        "lignePosteTauxTva": format(line.vat_rate.normalize(), "f"),
        "lignePosteMontantHtApresRemise": money(line.total_ht),
        "lignePosteMontantTva": money(line.total_ht * line.vat_rate / 100),
        "lignePosteMontantTtcApresRemise": money(line.total_ht * (100 + line.vat_rate) / 100),
    }
    if rank is not None:
        row["lignePosteUniteCode"] = rank
    return row


# --- OpenAPI description ------------------------------------------------------------------------
def _obj(name: str, fields: dict[str, serializers.Field]) -> serializers.Serializer:
    return shape(name, fields)()


def _page_fields(suffix: str) -> dict[str, serializers.Field]:
    return {
        f"nbResultatsParPage{suffix}": serializers.IntegerField(),
        f"pageCourante{suffix}": serializers.IntegerField(),
        f"pages{suffix}": serializers.IntegerField(),
        f"total{suffix}": serializers.IntegerField(),
    }


def _texts(*names: str) -> dict[str, serializers.Field]:
    return {name: serializers.CharField() for name in names}


def _numbers(*names: str) -> dict[str, serializers.Field]:
    return {name: serializers.FloatField() for name in names}


FactureOut = shape(
    "Facture",
    {
        "identifiantFactureCPP": serializers.IntegerField(),
        **_texts("numeroFacture", "statutFacture", "modeDepot", "commentaire"),
        "cadreDeFacturation": _obj(
            "FactureCadreDeFacturation",
            {
                "codeCadreFacturation": serializers.CharField(),
                "idValideur1": serializers.IntegerField(required=False),
                **{
                    k: serializers.CharField(required=False)
                    for k in ("codeValideur1", "raisonSocialeValideur1", "typeIdentifiantValideur1")
                },
            },
        ),
        "fournisseur": _obj(
            "FactureDetailFournisseur",
            {
                "idFournisseur": serializers.IntegerField(),
                **_texts(
                    "codeFournisseur",
                    "typeIdentifiantFournisseur",
                    "designationFournisseur",
                    "codeServiceFournisseur",
                    "adresseFournisseurDetail",
                    "adresseFournisseurComplement1",
                    "adresseFournisseurCodePostal",
                    "adresseFournisseurVille",
                    "adresseFournisseurCodePays",
                    "coordBancairesFournisseurType",
                    "coordBancairesFournisseurCompteBancaire",
                    "coordBancairesFournisseurCodePays",
                    "coordBancairesFournisseurCleIban",
                ),
            },
        ),
        "destinataire": _obj(
            "FactureDestinataire",
            {
                "idDestinataire": serializers.IntegerField(),
                "idServiceExecutant": serializers.IntegerField(),
                **_texts(
                    "codeDestinataire",
                    "libelleDestinataire",
                    "destinataireEtat",
                    "codeServiceExecutant",
                    "libelleServiceExecutant",
                ),
            },
        ),
        "references": _obj(
            "FactureReferences",
            {
                **_texts(
                    "codeDeviseFacture",
                    "typeFacture",
                    "typeTva",
                    "modePaiement",
                    "numeroBonCommande",
                    "numeroMarche",
                    "numeroFactureOrigine",
                    "motifExonerationTva",
                    "numeroDpMandat",
                    "typeFactureTravaux",
                ),
                "dateFacture": serializers.DateField(allow_null=True),
                "dateDepot": serializers.DateField(allow_null=True),
                "dateCreationFacture": serializers.CharField(help_text="AAAA-MM-JJ HH:MM"),
                "dateEcheancePaiement": serializers.DateField(allow_null=True),
                "tailleTotalePiecesJointes": serializers.FloatField(),
            },
        ),
        "montantTotal": _obj(
            "FactureMontantTotal",
            {
                **_numbers(
                    "montantHtTotal",
                    "montantTVA",
                    "montantTtcAvantRemiseGlobalTTC",
                    "montantRemiseGlobaleTTC",
                    "montantTtcTotal",
                    "montantAPayer",
                ),
                "montantValideMOE": serializers.FloatField(
                    allow_null=True,
                    help_text="Document de travaux : montant à payer TTC validé par le maître d'œuvre "
                    "quand il a corrigé celui du projet de décompte (null sinon).",
                ),
                "motifRemiseGlobaleTTC": serializers.CharField(),
            },
        ),
        "lignesDePoste": _obj(
            "FactureLignesDePoste",
            {
                "lignePoste": shape(
                    "FactureLignePoste",
                    {
                        "lignePosteNumero": serializers.IntegerField(),
                        **_texts(
                            "lignePosteReference",
                            "lignePosteDenomination",
                            "lignePosteUniteLibelle",
                            "lignePosteTauxTva",
                        ),
                        "lignePosteUniteCode": serializers.IntegerField(
                            required=False, help_text="Rang de l'unité UN/ECE dans la liste du portail."
                        ),
                        **_numbers(
                            "lignePosteQuantite",
                            "lignePosteMontantUnitaireHT",
                            "lignePosteMontantRemiseHT",
                            "lignePosteMontantHtApresRemise",
                            "lignePosteMontantTva",
                            "lignePosteMontantTtcApresRemise",
                        ),
                    },
                )(many=True),
                **_page_fields("LignesPoste"),
            },
        ),
        "recapitulatifDeTva": _obj(
            "FactureRecapitulatifDeTva",
            {
                "ligneTva": shape(
                    "FactureLigneTva",
                    {
                        **_texts("ligneTvaTauxRefCode", "ligneTvaTauxRefLibelle"),
                        **_numbers(
                            "ligneTvaTauxRefValeur",
                            "ligneTvaMontantBaseHtParTaux",
                            "ligneTvaMontantTvaParTaux",
                        ),
                    },
                )(many=True),
                **_page_fields("LignesRecapitulativesTVA"),
            },
        ),
        "listeDesPiecesJointes": _obj(
            "FactureListeDesPiecesJointes",
            {
                "pieceJointe": shape(
                    "FacturePieceJointe",
                    {
                        "pieceJointeId": serializers.IntegerField(),
                        "pieceJointeIdLiaison": serializers.IntegerField(),
                        "pieceJointeNumeroLigneFacture": serializers.IntegerField(),
                        **_texts(
                            "pieceJointeDesignation",
                            "pieceJointeExtension",
                            "pieceJointeTypeCode",
                            "pieceJointeTypeLibelle",
                        ),
                    },
                )(many=True),
                **_page_fields("ListePiecesJointe"),
            },
        ),
        "pieceJointePrincipale": shape(
            "FacturePieceJointePrincipale",
            {
                "idPieceJointePrincipale": serializers.IntegerField(),
                "idLiaisonPieceJointePrincipale": serializers.IntegerField(),
            },
        )(required=False),
        "piecePrecedente": shape(
            "FacturePiecePrecedente",
            {
                "idPiecePrecedente": serializers.IntegerField(),
                "numeroPiecePrecedente": serializers.CharField(),
                "cadreFacturationPiecePrecedente": serializers.CharField(),
            },
        )(required=False),
    },
)

"""The XML of ``retour/``: one format for deposit reports (CR) and status files.

Modelled on the official ``CPPStatutPivot`` V1_19 (reference §1.4, AIFE XSD in PASTELL): a
``CPPStatut`` root, an ``Enveloppe`` (date of production ``DtPrd``, flow id ``IdFlx``, sender and
receiver), then either ``CPPFluxStatuts`` (the report of a deposited flow, reception codes 90 /
93 / 96) or ``CPPFactureStatuts`` (a status change of an invoice, codes 01-12 where the official
list has one). Our additions (``EtatFlux``, ``NomFichier``, ``Factures``, ``Champ``,
``NumeroDP``, ``CodeStatut``, ``IdFactureCPP``) carry what ``consulterCRDetaille`` and
``consulter/historique`` give. The schema is ``edi/schemas/ChorusEdiRetour_V1_0.xsd``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone
from lxml import etree

SCHEMA = Path(__file__).resolve().parent / "schemas" / "ChorusEdiRetour_V1_0.xsd"
VERSION = "CHORUS_EDI_V1_0"
# Reception codes of CPPFluxStatutUnitaire/IdStatut (CPPStatutPivot V1_19).
FLOW_CODES = {"IN_INTEGRE": "90", "IN_REJETE": "93", "IN_INTEGRE_PARTIEL": "96"}
# Invoice status codes of CPPFactureStatutUnitaire/IdStatut (CPPStatutPivot V1_19 documentation).
INVOICE_CODES = {
    "DEPOSEE": "01",
    "EN_COURS_ACHEMINEMENT": "02",
    "MISE_A_DISPOSITION": "03",
    "REJETEE": "05",
    "SUSPENDUE": "06",
    "SERVICE_FAIT": "07",
    "MANDATEE": "08",
    "MISE_A_DISPOSITION_COMPTABLE": "09",
    "COMPTABILISEE": "10",
    "MISE_EN_PAIEMENT": "11",
    "COMPLETEE": "12",
}
FIELD = re.compile(r"\((B[TG]-\d+)")


@dataclass(frozen=True)
class ReportError:
    nature: str  # TECHNIQUE (the file cannot be read) or DP (an invoice is refused)
    code: str
    message: str
    field: str = ""
    invoice_number: str = ""


def file_stamp(at: datetime) -> str:
    """The prefix of every name in ``retour/``: UTC, to the microsecond, so names sort by date."""
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def report_name(*, at: datetime, flow_number: str) -> str:
    return f"{file_stamp(at)}_CR_{flow_number}.xml"


def refusal_name(*, at: datetime, original: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", original)[:80]
    return f"{file_stamp(at)}_CR_REFUS_{safe}.xml"


def status_name(*, at: datetime, invoice_id: int, event_id: int) -> str:
    return f"{file_stamp(at)}_STATUT_{invoice_id}_{event_id}.xml"


def _sub(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(parent, tag, **attrs)
    if text is not None:
        element.text = text
    return element


def _envelope(root: Any, *, flow_id: str, receiver: str, receiver_name: str) -> None:
    unit = _sub(_sub(root, "Enveloppe"), "EnveloppeUnitaire", NumOrdre="1")
    parameters = _sub(unit, "Parametres")
    for order, (code, value) in enumerate(
        (("DtPrd", timezone.localtime().isoformat(timespec="seconds")), ("IdFlx", flow_id)), start=1
    ):
        parameter = _sub(parameters, "ParametreIndiv", NumOrdre=f"{order:04d}")
        _sub(parameter, "Code", code)
        _sub(parameter, "Valeurparametre", value)
    partners = _sub(unit, "Partenaires")
    recepteur = _sub(partners, "Recepteur")
    _sub(recepteur, "Id", receiver)
    _sub(recepteur, "Libelle", receiver_name)
    emetteur = _sub(partners, "Emetteur")
    _sub(emetteur, "Id", "CHORUS")
    _sub(emetteur, "Libelle", "Chorus")


def _bytes(root: Any) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def errors_of_flow(flow: Any) -> list[ReportError]:
    """``listeErreurTechnique`` and ``listeErreurDP`` of the flow, as ``consulterCRDetaille``
    gives them, with the field (BT/BG) each sentence names."""
    out = []
    for error in flow.technical_errors or []:
        message = error.get("libelleErreur", "")
        match = FIELD.search(message)
        out.append(
            ReportError(
                nature="TECHNIQUE",
                code=error.get("codeErreur", ""),
                message=message,
                field=match.group(1) if match else "",
                invoice_number=error.get("numeroDP", ""),
            )
        )
    for error in flow.invoice_errors or []:
        message = error.get("libelleErreurDP", "")
        match = FIELD.search(message)
        out.append(
            ReportError(
                nature="DP",
                code=error.get("codeErreurDP", ""),
                message=message,
                field=match.group(1) if match else "",
                invoice_number=error.get("numeroDP", ""),
            )
        )
    return out


def flow_report(
    *,
    flow_number: str,
    filename: str,
    state: str,
    at: datetime,
    errors: list[ReportError],
    invoices: list[tuple[str, int]],
    receiver: str,
    receiver_name: str,
) -> bytes:
    """A CR: the flow's number, the original file name, its state and every error."""
    root = etree.Element("CPPStatut", Version=VERSION)
    _envelope(root, flow_id=flow_number or "REFUS", receiver=receiver, receiver_name=receiver_name)
    flux = _sub(root, "CPPFluxStatuts", compteur="1")
    data = _sub(_sub(flux, "CPPFluxStatutUnitaire", NumOrdre="1"), "DonneesStatut")
    _sub(data, "IdStatut", FLOW_CODES[state])
    _sub(data, "EtatFlux", state)
    _sub(data, "Horodatage", timezone.localtime(at).isoformat(timespec="seconds"))
    _sub(data, "IdFlux", flow_number)
    _sub(data, "NomFichier", filename)
    if invoices:
        listing = _sub(data, "Factures", compteur=str(len(invoices)))
        for number, invoice_id in invoices:
            invoice = _sub(listing, "Facture")
            _sub(invoice, "NumeroFacture", number)
            _sub(invoice, "IdFactureCPP", str(invoice_id))
    if errors:
        details = _sub(data, "Details", NbLignesErreur=str(len(errors)))
        for line, error in enumerate(errors, start=1):
            row = _sub(details, "LigneErreurDetail", IdLigne=str(line))
            _sub(row, "NatureErreur", error.nature)
            _sub(row, "CodeErreur", error.code)
            _sub(row, "LibelleErreur", error.message)
            if error.field:
                _sub(row, "Champ", error.field)
            if error.invoice_number:
                _sub(row, "NumeroDP", error.invoice_number)
    return _bytes(root)


def status_report(*, event: Any, invoice: Any, reason_label: str, receiver: str, receiver_name: str) -> bytes:
    """A status file: the invoice's number and Chorus id, the new status, date, reason, comment."""
    root = etree.Element("CPPStatut", Version=VERSION)
    _envelope(root, flow_id=f"STATUT-{event.pk}", receiver=receiver, receiver_name=receiver_name)
    statuses = _sub(root, "CPPFactureStatuts", compteur="1")
    unit = _sub(statuses, "CPPFactureStatutUnitaire", NumOrdre="1")
    supplier = _sub(unit, "Fournisseur")
    _sub(supplier, "TypeIdentifiant", "1")
    _sub(supplier, "Identifiant", invoice.supplier.identifier)
    _sub(supplier, "RaisonSociale", invoice.supplier.name)
    debtor = _sub(unit, "Debiteur")
    _sub(debtor, "TypeIdentifiant", "1")
    _sub(debtor, "Identifiant", invoice.recipient.siret if invoice.recipient_id else "")
    if invoice.recipient_id:
        _sub(debtor, "Nom", invoice.recipient.name)
    if invoice.recipient_service_id:
        _sub(debtor, "CodeService", invoice.recipient_service.code)
    data = _sub(unit, "DonneesStatut")
    if event.status in INVOICE_CODES:
        _sub(data, "IdStatut", INVOICE_CODES[event.status])
    _sub(data, "CodeStatut", event.status)
    if event.reason_code:
        _sub(data, "ComplementStatut", event.reason_code)
        _sub(data, "LibelleMotif", reason_label)
    if event.comment:
        _sub(data, "Commentaire", event.comment)
    _sub(data, "Horodatage", timezone.localtime(event.at).isoformat(timespec="seconds"))
    _sub(data, "IdFacture", invoice.number)
    _sub(data, "IdFactureCPP", str(invoice.pk))
    if invoice.invoice_date:
        _sub(data, "DateFacture", invoice.invoice_date.isoformat())
    return _bytes(root)


def schema() -> Any:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))

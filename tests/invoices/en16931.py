"""The official validators, run from the shared corpus: Factur-X XSD (lxml) and the EN 16931 /
Factur-X schematron compiled to XSLT 2.0 (saxonche)."""

from __future__ import annotations

import functools

from lxml import etree

from tests.invoices.conftest import CORPUS

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
XSD = CORPUS / "schemas" / "facturx-1.09" / "en16931" / "Factur-X_EN16931.xsd"
EN16931_CII_XSLT = CORPUS / "validation" / "en16931-1.3.16" / "EN16931-CII-validation.xslt"
FACTURX_XSLT = CORPUS / "validation" / "facturx-1.09" / "en16931" / "Factur-X_1.09_EN16931.xsl"


@functools.cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def xsd_errors(xml: bytes) -> list[str]:
    schema = _schema()
    if schema.validate(etree.fromstring(xml)):
        return []
    return [str(error) for error in schema.error_log]


@functools.cache
def _processor():
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@functools.cache
def _executable(path: str):
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=path)


def schematron_failures(xml: bytes, stylesheet=EN16931_CII_XSLT) -> list[tuple[str, str, str]]:
    """(flag, rule id, text) of every failed assertion; flag "fatal"/"error"/"warning"."""
    node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    svrl = _executable(str(stylesheet)).transform_to_string(xdm_node=node)
    report = etree.fromstring(svrl.encode("utf-8"))
    return [
        (
            f.get("flag") or "error",
            f.get("id") or "",
            " ".join((f.findtext("svrl:text", namespaces=SVRL) or "").split()),
        )
        for f in report.findall(".//svrl:failed-assert", SVRL)
    ]


def blocking(failures: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return [f for f in failures if f[0] != "warning"]

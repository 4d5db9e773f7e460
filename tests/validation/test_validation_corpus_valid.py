"""A supplier uploads an invoice made by real invoicing software: every invoice the published
corpus presents as valid is accepted, unless the current official schemas or rules refuse it.

Each refusal below was investigated one by one; the dict says which rule fires and why. Most
come from the German XRechnung CIUS and from ZUGFeRD 2.0 / Factur-X 1.0 files made for
earlier code lists and schemas than the Factur-X 1.09 artefacts we run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from invoices.validation import DocumentFormat, Profile, SyntaxFlux, Verdict, validate_document

# The corpus lives beside the repository; CHORUS_CORPUS points to it from a worktree elsewhere.
CORPUS = Path(
    os.environ.get("CHORUS_CORPUS") or Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
)
if not CORPUS.is_dir():  # the corpus lives beside the repository (read-only in CI)
    pytest.skip(f"corpus not found at {CORPUS}", allow_module_level=True)


def corpus_files(*folders: str) -> list[str]:
    return sorted(
        str(path.relative_to(CORPUS))
        for folder in folders
        for path in (CORPUS / folder).rglob("*")
        if path.is_file()
    )


XRECHNUNG_BT24 = (
    "XRechnung (German CIUS): BT-24 'urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:"
    "xrechnung_…' (or the older urn:xoev-de:kosit:standard:xrechnung_…) is not in the Factur-X "
    "1.09 code list for BT-24 that the CII rules check; Chorus Pro expects "
    "urn:cen.eu:en16931:2017 or a Factur-X profile. The UBL twins pass: the CEN UBL rules do "
    "not restrict BT-24."
)
ZUGFERD1_BT24 = (
    "CEN example written with the ZUGFeRD 1.0 identifier urn:ferd:CrossIndustryDocument:invoice:"
    "1p0:comfort in BT-24, not in the Factur-X 1.09 list"
)
FACTURX10_BT24 = (
    "pre-release Factur-X 1.0 identifier urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:… "
    "(colons instead of '#compliant#urn:'), not in the Factur-X 1.09 list for BT-24"
)
FACTURX10_MINIMUM = (
    "Factur-X 1.0 (2017) MINIMUM example with the seller's postal address and tax registration, "
    "elements the Factur-X 1.09 MINIMUM profile no longer has; the upload page still opens the "
    "promised draft from it, the PDF being the legal invoice (tests/upload/test_upload_paths.py). "
    "(Its @currencyID on every amount, accepted by the profile XSD, is only a warning.)"
)
ZUGFERD20_ACTUALAMOUNT = (
    "ZUGFeRD 2.0 XSD order: the gross-price AppliedTradeAllowanceCharge puts ActualAmount "
    "before ChargeIndicator, which the Factur-X 1.09 EN16931 XSD refuses"
)
MINIMUM_POSTCODE = (
    "ZUGFeRD 2.0/2.1 MINIMUM with a postal address (PostcodeCode…), removed from the MINIMUM "
    "profile in the 1.09 XSD"
)
EAS_9958 = (
    "electronic address scheme 9958 (German Leitweg-ID), withdrawn from the CEF EAS code list "
    "(replaced by 0204)"
)
EXTENDED_CODES = (
    "ZUGFeRD 2.0/2.1 EXTENDED example with EAS 9958 (withdrawn) and allowance/charge reason "
    "codes ABK, ADZ, CAO not in the Factur-X 1.09 lists for those elements"
)
XRECHNUNG_BT41 = (
    "XRechnung with two seller contacts: CII-SR-465 (only one BT-41) is a warning in the CEN "
    "rules but an error in the Factur-X 1.09 rules, besides the XRechnung BT-24"
)

# file -> (rule that fires, why the current official artefacts refuse it)
REFUSED_BY_CURRENT_RULES: dict[str, tuple[str, str]] = {
    "cii/valid/en16931-examples/CII-BR-CO-10-RoundingIssue.xml": ("FX-SCH-A-000556", ZUGFERD1_BT24),
    "cii/valid/en16931-examples/CII_business_example_02.xml": ("FX-SCH-A-000556", ZUGFERD1_BT24),
    "cii/valid/en16931-examples/CII_business_example_Z.xml": ("FX-SCH-A-000556", ZUGFERD1_BT24),
    "cii/valid/en16931-examples/CII_example5.xml": (
        "FX-HORS-PROFIL",
        "header AdditionalReferencedDocument without TypeCode: Factur-X 1.09 only allows 50 "
        "(tender, BT-17), 130 (invoiced object, BT-18) and 916 (supporting document, BG-24)",
    ),
    "cii/valid/en16931-examples/huf_example_cii.xml": (
        "FX-HORS-PROFIL",
        "same as CII_example5: AdditionalReferencedDocument outside TypeCode 50/130/916",
    ),
    "cii/valid/en16931-examples/XRechnung-O.xml": (
        "FX-SCH-A-000589",
        "lower-case VATEX code 'vatex-eu-132-1a' (the list is upper case) and a line object "
        "identifier (BT-128) without TypeCode 130 (FX-SCH-A-000616)",
    ),
    "cii/valid/mustang-validator/01.01a-INVOICE_uncefact.xml": (
        "XSD",
        "InvoiceeTradeParty is not in the EN 16931 profile XSD (valid only against full D16B, "
        "as the corpus notes), plus the XRechnung BT-24",
    ),
    "cii/valid/mustang-validator/CII_XRechnung_with_Peppol_violation.xml": (
        "FX-SCH-A-000556",
        XRECHNUNG_BT24,
    ),
    "cii/valid/mustang-validator/XRechnung_internalRecalcBug.xml": ("FX-SCH-A-000556", XRECHNUNG_BT24),
    "cii/valid/mustang-validator/validXRV30.xml": ("FX-SCH-A-000556", XRECHNUNG_BT24),
    "cii/valid/mustang-validator/validXRv2.xml": ("FX-SCH-A-000556", XRECHNUNG_BT24),
    **{
        f"cii/valid/xrechnung-testsuite/{name}_uncefact.xml": ("FX-SCH-A-000556", XRECHNUNG_BT24)
        for name in (
            "01.01a-INVOICE",
            "01.02_comprehensive_test",
            "01.02a-INVOICE",
            "01.03a-INVOICE",
            "01.04a-INVOICE",
            "01.05_minimal_test",
            "01.05a-INVOICE",
            "01.06_minimal_test",
            "01.06a-INVOICE",
            "01.07a-INVOICE",
            "01.08a-INVOICE",
            "01.09a-INVOICE",
            "01.10a-INVOICE",
            "01.11a-INVOICE",
            "01.12a-INVOICE",
            "01.13a-INVOICE",
            "01.14a-INVOICE",
            "01.15a-INVOICE",
            "01.17a-INVOICE",
            "01.18a-INVOICE",
            "01.19a-INVOICE",
            "01.20a-INVOICE",
            "02.01a-INVOICE",
            "02.05a-INVOICE",
            "03.01a-INVOICE",
            "03.03a-INVOICE",
            "03.06a-INVOICE",
        )
    },
    "cii/valid/xrechnung-testsuite/01.21a-INVOICE_uncefact.xml": (
        "FX-SCH-A-000570",
        "XRechnung reverse-charge case: buyer tax registration with scheme FC (only VA allowed "
        "for BT-48), two buyer tax registrations and a line-level ExemptionReason, besides BT-24",
    ),
    "cii/valid/xrechnung-testsuite/02.01a-cvd_INVOICE_uncefact.xml": (
        "FX-SCH-A-000297",
        "XRechnung CVD (Clean Vehicles Directive) extension: item classification listID 'M2' is "
        "not in UNTDID 7143, besides BT-24",
    ),
    "cii/valid/xrechnung-testsuite/04.05a-INVOICE_uncefact.xml": (
        "FX-SCH-A-000579",
        "XRechnung extension test: GlobalID schemes XR01/XR03 are not ISO 6523 ICD codes, besides BT-24",
    ),
    "cii/valid/zugferd-corpus-mustang/testout-XR-Edge.xml": ("FX-SCH-A-000556", XRECHNUNG_BT24),
    "cii/valid/zugferd-corpus-mustang/testout-XR.xml": ("FX-SCH-A-000556", XRECHNUNG_BT24),
    "cii/valid/zugferd-corpus-xml-rechnung/EN16931_ElektronischeAdresse.cii.xml": (
        "FX-SCH-A-000571",
        EAS_9958,
    ),
    "cii/valid/zugferd-corpus-xml-rechnung/EN16931_RechnungsUebertragung.cii.xml": (
        "FX-SCH-A-000571",
        EAS_9958,
    ),
    "cii/valid/zugferd-corpus-xml-rechnung/XRECHNUNG_Betriebskostenabrechnung.cii.xml": (
        "CII-SR-465",
        XRECHNUNG_BT41,
    ),
    "cii/valid/zugferd-corpus-xml-rechnung/XRECHNUNG_Einfach.cii.xml": ("CII-SR-465", XRECHNUNG_BT41),
    "facturx/valid/fnfe-factur-x-1.0/Avoir_FR_type381_BASIC.pdf": ("FX-SCH-A-000026", FACTURX10_BT24),
    "facturx/valid/fnfe-factur-x-1.0/Facture_DOM_MINIMUM.pdf": ("FX-HORS-PROFIL", FACTURX10_MINIMUM),
    "facturx/valid/fnfe-factur-x-1.0/Facture_FR_MINIMUM.pdf": ("FX-HORS-PROFIL", FACTURX10_MINIMUM),
    "facturx/valid/fnfe-factur-x-1.0/Facture_UE_MINIMUM.pdf": ("FX-HORS-PROFIL", FACTURX10_MINIMUM),
    "facturx/valid/fnfe-factur-x-1.0/Facture_UE_BASICWL.pdf": (
        "BR-IC-11",
        "intra-community supply (K) without delivery date or invoicing period (BR-IC-11) nor "
        "delivery country (BR-IC-12), which the EN 16931 rules require of category K; the upload "
        "page still opens the promised draft from this BASIC WL PDF",
    ),
    "facturx/valid/mustang-validator/validV2PDF.pdf": (
        "FX-SCH-A-000556",
        "the XMP designates factur-x.xml, a pre-release Factur-X 1.0 XML with BT-24 "
        "urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:en16931 (the PDF also carries a "
        "ZUGFeRD 1.0 ZUGFeRD-invoice.xml)",
    ),
    "facturx/valid/mustang-validator/validXRechnung.pdf": ("FX-SCH-A-000556", XRECHNUNG_BT24),
    "facturx/valid/zugferd-2.0-intarsys/EN16931/zugferd_2p0_EN16931_1_Teilrechnung.pdf": (
        "XSD",
        ZUGFERD20_ACTUALAMOUNT,
    ),
    "facturx/valid/zugferd-2.0-intarsys/EN16931/zugferd_2p0_EN16931_Rabatte.pdf": (
        "XSD",
        ZUGFERD20_ACTUALAMOUNT,
    ),
    "facturx/valid/zugferd-2.0-intarsys/EN16931/zugferd_2p0_EN16931_Rechnungskorrektur.pdf": (
        "XSD",
        ZUGFERD20_ACTUALAMOUNT,
    ),
    "facturx/valid/zugferd-2.0-intarsys/EXTENDED/zugferd_2p0_EXTENDED_Fremdwaehrung.pdf": (
        "FX-SCH-A-000973",
        EXTENDED_CODES,
    ),
    "facturx/valid/zugferd-2.0-intarsys/EXTENDED/"
    "zugferd_2p0_EXTENDED_InnergemeinschLieferungMehrereBestellungen.pdf": ("FX-SCH-A-000704", EAS_9958),
    "facturx/valid/zugferd-2.0-intarsys/EXTENDED/zugferd_2p0_EXTENDED_Warenrechnung.pdf": (
        "FX-SCH-A-001084",
        "package quantities with UN/ECE Rec. 21 codes CT, BO, BC, PX; Rec. 20 now carries them "
        "prefixed with X (XCT…)",
    ),
    "facturx/valid/zugferd-2.0-intarsys/MINIMUM/zugferd_2p0_MINIMUM.pdf": ("XSD", MINIMUM_POSTCODE),
    "facturx/valid/zugferd-2.1-symtrax/EXTENDED/zugferd_2p1_EXTENDED_Fremdwaehrung.pdf": (
        "FX-SCH-A-000973",
        EXTENDED_CODES,
    ),
    "facturx/valid/zugferd-2.1-symtrax/MINIMUM/zugferd_2p1_MINIMUM_Rechnung.pdf": ("XSD", MINIMUM_POSTCODE),
    "facturx/valid/zugferd-corpus-mustang/MustangGnuaccountingBeispielRE-20190610_507.pdf": (
        "XSD",
        "GermanBankleitzahlID (ZUGFeRD 2.0 only) and seller legal id scheme 9930, not an ISO "
        "6523 ICD code (FX-SCH-A-000581)",
    ),
    "facturx/valid/zugferd-corpus-xml-rechnung-fx/XRECHNUNG_Einfach.pdf": ("CII-SR-465", XRECHNUNG_BT41),
    "ubl/valid/xrechnung-testsuite/02.01a-cvd_INVOICE_ubl.xml": (
        "BR-CL-13",
        "XRechnung CVD extension: item classification scheme 'M2' is not in UNTDID 7143",
    ),
    "ubl/valid/xrechnung-testsuite/05.01a-INVOICE_ubl.xml": (
        "BR-CO-16",
        "XRechnung third-party payment extension (BG-DEX-09) lowers the amount due, which "
        "plain EN 16931 computes as BT-112 - BT-113 + BT-114",
    ),
    "ubl/valid/zugferd-corpus-xml-rechnung/EN16931_ElektronischeAdresse.ubl.xml": ("BR-CL-25", EAS_9958),
    "ubl/valid/zugferd-corpus-xml-rechnung/EN16931_RechnungsUebertragung.ubl.xml": ("BR-CL-25", EAS_9958),
}

STRUCTURED_FORMATS = {
    DocumentFormat.CII: SyntaxFlux.CII_16B,
    DocumentFormat.UBL_INVOICE: SyntaxFlux.UBL_INVOICE,
    DocumentFormat.UBL_CREDITNOTE: SyntaxFlux.UBL_INVOICE,
}


def _upload(relative: str) -> Verdict:
    return validate_document(content=(CORPUS / relative).read_bytes(), filename=Path(relative).name)


def _assert_accepted_or_known_refusal(relative: str) -> None:
    verdict = _upload(relative)
    if relative in REFUSED_BY_CURRENT_RULES:
        rule, reason = REFUSED_BY_CURRENT_RULES[relative]
        assert not verdict.ok, f"now accepted, remove it from the exceptions: {reason}"
        assert rule in {issue.rule_id for issue in verdict.errors}, reason
        return
    assert verdict.ok, [(issue.rule_id, issue.message) for issue in verdict.errors]
    if verdict.format == DocumentFormat.FACTURX_PDF:
        structured = verdict.profile in (Profile.BASIC, Profile.EN16931, Profile.EXTENDED)
        assert verdict.structured is structured
        assert verdict.syntax_flux == (SyntaxFlux.CII_FACTURX if structured else None)
    else:
        assert verdict.syntax_flux == STRUCTURED_FORMATS[verdict.format]
        assert verdict.structured
    assert verdict.xml and verdict.parsed is not None


@pytest.mark.parametrize("relative", corpus_files("cii/valid"))
def test_supplier_upload_of_published_cii_invoices_is_accepted(relative: str) -> None:
    # Given a CII invoice its publisher presents as valid (CEN, KoSIT, FeRD, Mustang)
    # When a supplier uploads it
    # Then it is accepted as a structured CII invoice, or refused for the listed reason
    _assert_accepted_or_known_refusal(relative)


@pytest.mark.parametrize("relative", corpus_files("ubl/valid"))
def test_supplier_upload_of_published_ubl_invoices_is_accepted(relative: str) -> None:
    # Given a UBL 2.1 invoice or credit note presented as valid
    # When a supplier uploads it
    # Then it is accepted, or refused for the listed reason
    _assert_accepted_or_known_refusal(relative)


@pytest.mark.parametrize("relative", corpus_files("facturx/valid"))
def test_supplier_upload_of_published_facturx_pdfs_is_accepted(relative: str) -> None:
    # Given a Factur-X / ZUGFeRD 2.x PDF presented as valid
    # When a supplier uploads it
    # Then it is accepted (structured from BASIC up, "complete the form" for MINIMUM/BASIC WL)
    _assert_accepted_or_known_refusal(relative)


def test_every_listed_refusal_names_a_corpus_file() -> None:
    # Given the exceptions above
    listed = set(REFUSED_BY_CURRENT_RULES)
    # Then none is stale
    assert listed <= set(corpus_files("cii/valid", "ubl/valid", "facturx/valid"))


@pytest.mark.parametrize(
    ("name", "profile", "accepted"),
    [
        ("factur-x-minimum.xml", Profile.MINIMUM, False),
        ("factur-x-basicwl.xml", Profile.BASICWL, False),
        ("factur-x-basic.xml", Profile.BASIC, True),
        ("factur-x-en16931.xml", Profile.EN16931, True),
        ("factur-x-extended.xml", Profile.EXTENDED, True),
    ],
)
def test_bare_facturx_xml_is_accepted_as_cii_only_from_the_basic_profile(
    name: str, profile: Profile, accepted: bool
) -> None:
    # Given the Factur-X XML of each profile, uploaded alone (no PDF)
    verdict = _upload(f"facturx/xml/akretion-fixtures/{name}")
    # Then the profile is recognised
    assert verdict.format == DocumentFormat.CII
    assert verdict.profile == profile
    # And MINIMUM / BASIC WL alone are refused: without a PDF there is no legal invoice
    assert verdict.ok is accepted
    assert verdict.structured is accepted
    if not accepted:
        assert "FORMAT-PROFIL" in {issue.rule_id for issue in verdict.errors}

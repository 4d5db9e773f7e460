"""Layer 2 (syntaxe): XSD validation with lxml, each schema compiled once per process."""

from __future__ import annotations

import threading
from pathlib import Path

from lxml import etree

from . import messages
from .btpaths import bt_for_path
from .resources import xsd_path
from .types import ERROR, DocumentFormat, Issue, Layer, Profile

# Compiling the UBL schemas takes ~0.3 s: do it once per process, keyed by file.
_SCHEMAS: dict[Path, etree.XMLSchema] = {}
# A schema keeps its error log on the instance, so concurrent validations through the same
# XMLSchema would mix their errors: one lock per schema (a validation takes ~1 ms).
_LOCKS: dict[Path, threading.Lock] = {}
_COMPILE_LOCK = threading.Lock()
MAX_XSD_ISSUES = 200  # a broken file can yield thousands; the first 200 are enough to act on


def schema_for(fmt: DocumentFormat, profile: Profile | None) -> tuple[etree.XMLSchema, threading.Lock]:
    path = xsd_path(fmt, profile)
    schema = _SCHEMAS.get(path)
    if schema is None:
        with _COMPILE_LOCK:
            schema = _SCHEMAS.get(path)
            if schema is None:
                # Trusted package files; still no network (the UBL XSDs import xmldsig etc.
                # by relative path only).
                parser = etree.XMLParser(no_network=True, resolve_entities=False)
                schema = etree.XMLSchema(etree.parse(str(path), parser))
                _LOCKS[path] = threading.Lock()
                _SCHEMAS[path] = schema
    return schema, _LOCKS[path]


def validate_xsd(root: etree._Element, fmt: DocumentFormat, profile: Profile | None) -> list[Issue]:
    """Every schema error (capped at MAX_XSD_ISSUES), in French."""
    schema, lock = schema_for(fmt, profile)
    with lock:
        valid = schema.validate(root.getroottree())
        entries = [] if valid else list(schema.error_log)
    issues: list[Issue] = []
    for entry in entries[:MAX_XSD_ISSUES]:
        text, value = messages.xsd_message(entry.message)
        path = entry.path or ""
        bt = bt_for_path(path)
        issues.append(
            Issue(
                "XSD",
                ERROR,
                Layer.SYNTAX,
                f"{text} (ligne {entry.line})",
                bt=bt,
                bt_label=messages.bt_label(bt),
                value=value,
                location=path,
            )
        )
    if len(entries) > MAX_XSD_ISSUES:
        issues.append(
            Issue(
                "XSD",
                ERROR,
                Layer.SYNTAX,
                f"… et {len(entries) - MAX_XSD_ISSUES} autres erreurs de structure.",
            )
        )
    return issues


def warm_up() -> None:
    """Compile every schema now (for a worker's start-up or the bench)."""
    for fmt in (DocumentFormat.UBL_INVOICE, DocumentFormat.UBL_CREDITNOTE):
        schema_for(fmt, None)
    for profile in Profile:
        schema_for(DocumentFormat.CII, profile)

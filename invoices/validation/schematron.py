"""Layer 3 (en16931): the official business rules, compiled XSLT 2.0 run by SaxonC-HE.

Process and thread model (checked by tests/validation/test_validation_engine_stability.py):
- one ``PySaxonProcessor`` per process, created lazily on first use, never at import time, so
  that a pre-forking server (gunicorn --preload, Celery prefork) never forks a live JVM-like
  isolate: after a fork the child builds its own processor (the cache is keyed by PID);
- each stylesheet is compiled once per process (0.1–0.9 s) and the executable is shared;
  SaxonC 13.1 runs concurrent transforms of one executable from several Python threads
  correctly (same SVRL as sequential runs), and memory stays flat over thousands of runs.
  The factur-x authors moved to a Saxon HTTP server because of crashes with saxonche 12 in
  threaded Odoo servers (akretion/pyfrctc#3); the stability test is the guard for our version.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from . import messages
from .btpaths import bt_for_path, value_at
from .detect import PROFILE_LABELS
from .flatten import flatten_patterns
from .resources import xslt_path
from .types import ERROR, WARNING, DocumentFormat, Issue, Layer, Profile

SVRL = "{http://purl.oclc.org/dsdl/svrl}"
_WARNING_FLAGS = {"warning", "warn", "information", "info"}
# The Factur-X stylesheets look every code up with document('FACTUR-X_<P>_codedb.xml'), and
# Saxon re-reads and re-parses that 35–270 kB file on every transform (its document pool lives
# per transformation): about 7 ms of the 23 ms an EN 16931 check costs. We compile the same
# stylesheet with each document('…_codedb.xml') call replaced by a global parameter bound once
# to that file parsed once. Nothing else changes; a test checks that both give the same SVRL.
_CODEDB_CALL = re.compile(r"document\('([\w.-]+_codedb\.xml)'\)")
_STYLESHEET_START = re.compile(r"<xsl:stylesheet\b[^>]*>")
_CODEDB_PARAM = "chorus-codedb"


@dataclass
class _Runtime:
    pid: int
    processor: Any  # saxonche.PySaxonProcessor
    compiler: Any  # saxonche.PyXslt30Processor
    executables: dict[tuple[Path, bool, bool], Any]
    lock: threading.Lock


_runtime: _Runtime | None = None
_runtime_lock = threading.Lock()


def _get_runtime() -> _Runtime:
    global _runtime
    runtime = _runtime
    if runtime is not None and runtime.pid == os.getpid():
        return runtime
    with _runtime_lock:
        if _runtime is None or _runtime.pid != os.getpid():
            from saxonche import PySaxonProcessor  # heavy native library: load on first use

            processor = PySaxonProcessor(license=False)
            _runtime = _Runtime(
                pid=os.getpid(),
                processor=processor,
                compiler=processor.new_xslt30_processor(),
                executables={},
                lock=threading.Lock(),
            )
        return _runtime


def executable(path: Path, *, preload_codedb: bool = True, flatten: bool = True) -> Any:
    """The compiled stylesheet at ``path`` (compiled on first use, then shared).

    ``preload_codedb=False, flatten=False`` compiles the file exactly as shipped (tests, bench)."""
    runtime = _get_runtime()
    key = (path, preload_codedb, flatten)
    exe = runtime.executables.get(key)
    if exe is not None:
        return exe
    with runtime.lock:  # one compilation at a time; others wait for the cached result
        exe = runtime.executables.get(key)
        if exe is None:
            exe = _compile(runtime, path, preload_codedb, flatten)
            runtime.executables[key] = exe
    return exe


def _compile(runtime: _Runtime, path: Path, preload_codedb: bool, flatten: bool) -> Any:
    if not preload_codedb and not flatten:
        return runtime.compiler.compile_stylesheet(stylesheet_file=str(path))
    text = path.read_text(encoding="utf-8")
    if flatten:
        # Each pattern visits only its rules' nodes instead of the whole document (flatten.py).
        text = flatten_patterns(text)
    codedb_files = set(_CODEDB_CALL.findall(text))
    if not preload_codedb or len(codedb_files) != 1:
        return runtime.compiler.compile_stylesheet(stylesheet_text=text, base_uri=path.as_uri())
    codedb_name = codedb_files.pop()
    text = text.replace(f"document('{codedb_name}')", f"${_CODEDB_PARAM}")
    declaration = f'<xsl:param name="{_CODEDB_PARAM}" as="document-node()" required="yes"/>'
    text = _STYLESHEET_START.sub(lambda match: match.group(0) + declaration, text, count=1)
    exe = runtime.compiler.compile_stylesheet(stylesheet_text=text, base_uri=path.as_uri())
    codedb = runtime.processor.parse_xml(xml_file_name=str(path.parent / codedb_name))
    exe.set_parameter(_CODEDB_PARAM, codedb)
    return exe


def run_svrl(root: etree._Element, path: Path, *, preload_codedb: bool = True, flatten: bool = True) -> bytes:
    """Apply the stylesheet to the document and return the SVRL report."""
    runtime = _get_runtime()
    exe = executable(path, preload_codedb=preload_codedb, flatten=flatten)
    # Saxon gets the document lxml already parsed safely (no DOCTYPE, no entities), serialised
    # without its XML declaration so that a non-UTF-8 encoding declaration cannot mislead it.
    node = runtime.processor.parse_xml(xml_text=etree.tostring(root, encoding="unicode"))
    return exe.transform_to_string(xdm_node=node).encode("utf-8")


def validate_rules(root: etree._Element, fmt: DocumentFormat, profile: Profile | None) -> list[Issue]:
    """Every finding of the official rules for this syntax and profile, in French."""
    path = xslt_path(fmt, profile)
    try:
        svrl = run_svrl(root, path)
    except Exception:  # saxonche raises PySaxonApiError on dynamic errors
        # Saxon's own text (English, Java paths) goes to the log, not to the user.
        logging.getLogger(__name__).warning("schematron %s failed", path.name, exc_info=True)
        return [
            Issue(
                "REGLES-EXECUTION",
                ERROR,
                Layer.EN16931,
                "Les règles EN 16931 n'ont pas pu être appliquées à ce fichier : vérifiez qu'il est "
                f"bien une facture CII ou UBL complète ({path.name}).",
            )
        ]
    label = PROFILE_LABELS.get(profile, "") if profile else ""
    return parse_svrl(svrl, root, profile_label=label)


def parse_svrl(svrl: bytes, root: etree._Element, profile_label: str = "") -> list[Issue]:
    report = etree.fromstring(svrl, etree.XMLParser(resolve_entities=False, no_network=True))
    issues: list[Issue] = []
    seen: set[tuple[str, str]] = set()
    for element in report.iter(f"{SVRL}failed-assert", f"{SVRL}successful-report"):
        is_report = element.tag == f"{SVRL}successful-report"
        text = " ".join((element.findtext(f"{SVRL}text") or "").split())
        location = element.get("location", "")
        flag = (element.get("flag") or element.get("role") or "").lower()
        # "[BR-IC-11]-…" is the EN 16931 id even when the Factur-X rule id is FX-SCH-A-000144.
        rule_id = (
            messages.rule_in_text(text)
            or element.get("id")
            or ("FX-HORS-PROFIL" if is_report else "SCHEMATRON")
        )
        if (rule_id, location) in seen:
            continue
        seen.add((rule_id, location))
        # Reports without a flag are the Factur-X "… is marked as not used in the given context"
        # findings: a construct the profile forbids (the XSD cannot express attribute and
        # variant restrictions). Like ph-schematron and the KoSIT validator, a report is an
        # error unless flagged as a warning.
        severity = WARNING if flag in _WARNING_FLAGS else ERROR
        if is_report and not flag and messages.not_used_attribute(text):
            # An attribute (@schemeID on an e-mail URIID, @currencyID on an amount) the profile's
            # own XSD accepts, which the XSD layer already checked: EN 16931 gives it no meaning
            # but does not forbid it, so refusing the invoice for it would be stricter than
            # EN 16931 (the CEN CII rules say nothing of it). Reported as a warning.
            severity = WARNING
        bt = messages.bt_in_text(text) or bt_for_path(location)
        value = value_at(root, location, bt, messages.attribute_in_text(text))
        issues.append(
            Issue(
                rule_id,
                severity,
                Layer.EN16931,
                messages.schematron_message(rule_id, text, profile_label, bt, value),
                bt=bt,
                bt_label=messages.bt_label(bt),
                value=value,
                location=location,
            )
        )
    return issues


def warm_up(formats: tuple[tuple[DocumentFormat, Profile | None], ...] | None = None) -> None:
    """Compile the stylesheets now (worker start-up, bench). Default: all of them."""
    targets = formats or (
        (DocumentFormat.UBL_INVOICE, None),
        *((DocumentFormat.CII, profile) for profile in Profile),
    )
    for fmt, profile in targets:
        executable(xslt_path(fmt, profile))

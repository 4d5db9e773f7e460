"""The official Schematron stylesheets, each pattern visiting only the nodes its rules are about.

A Schematron compiled to XSLT by the ISO skeleton (the Factur-X and CEN EN 16931 artefacts)
checks each pattern by walking the whole document: ``<xsl:apply-templates select="/"
mode="M7"/>``, then every rule template and a default template apply the same mode to the
children (``@*|*`` or ``*``), so that each element (and attribute) meets every pattern's
match patterns. The Factur-X EN 16931 stylesheet has 66 patterns: 66 walks of every node of the
invoice, for about 40 % of the stylesheet's time on a typical invoice.

The walk fires, in document order, the highest-priority rule of the mode that matches each node
it visits. Selecting those nodes directly does the same: ``apply-templates`` over the union of
the rules' match patterns (a union is in document order, each node once, and the template
chosen for a node is the same), with the rule templates no longer descending. So, for each
pattern whose templates have exactly the skeleton's shape, we replace the walk by that union,
restricted to the node kinds the walk visits (the document node, elements, and attributes when
the walk selects ``@*``). Nothing else changes: not a test, not a message, not a location. A
pattern of another shape is left as shipped.

``tests/validation/test_schematron_flattened.py`` runs every corpus file through each stylesheet
as shipped and as rewritten here, and requires the same SVRL, byte for byte.
"""

from __future__ import annotations

import re

from lxml import etree

_XSL = "{http://www.w3.org/1999/XSL/Transform}"
_MODE = re.compile(r"M\d+")
_DEFAULTS = {"text()", "@*|node()"}
# What each walk visits, as a filter on the union of the match patterns.
_VISITED = {
    "@*|*": "[self::* or self::attribute() or self::document-node()]",
    "*": "[self::* or self::document-node()]",
}
# A branch that starts with a function call or a kind test (key(), id(), node(), element()…), a
# parenthesis or "." cannot be turned into a path from the root by prefixing "//".
_NOT_A_STEP = re.compile(r"^(\(|\.|[\w.-]+(:[\w.-]+)?\s*\()")
# Templates the rewrite cannot see all of (imported or included stylesheets, templates of all
# modes or of several), or a default namespace for XPath names (the union would be read in
# another scope): such a stylesheet is left as shipped.
_UNSEEN = re.compile(r"<xsl:(import|include)\b|\bmode=\"(#all|[^\"]*\s[^\"]*)\"|xpath-default-namespace")


def flatten_patterns(text: str) -> str:
    """The stylesheet ``text`` with each skeleton pattern's walk replaced by its rule contexts."""
    if _UNSEEN.search(text):
        return text
    root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    templates: dict[str, list[etree._Element]] = {}
    for template in root.iterchildren(f"{_XSL}template"):
        mode = template.get("mode", "")
        if _MODE.fullmatch(mode):
            templates.setdefault(mode, []).append(template)
    starts: dict[str, list[etree._Element]] = {}
    for element in root.iter(f"{_XSL}apply-templates"):
        if element.get("select") == "/" and element.get("mode") in templates:
            starts.setdefault(element.get("mode", ""), []).append(element)
    for mode, mode_templates in templates.items():
        if len(starts.get(mode, ())) == 1:
            _flatten_mode(mode, mode_templates, starts[mode][0])
    return etree.tostring(root, encoding="unicode")


def _flatten_mode(mode: str, templates: list[etree._Element], start: etree._Element) -> None:
    walk = _walk_step(mode, templates)
    if walk is None:
        return
    rules = [template for template in templates if template.get("match") not in _DEFAULTS]
    branches: list[str] = []
    for rule in rules:
        descent = rule[-1] if len(rule) else None
        if descent is None or not _is_descent(descent, mode, walk) or not _same_prefixes(rule, start):
            return
        for branch in _split_union(rule.get("match", "")):
            if not branch or _NOT_A_STEP.match(branch):
                return
            branches.append(branch if branch.startswith("/") else "//" + branch)
    if not branches:
        return
    for rule in rules:
        rule.remove(rule[-1])
    start.set("select", f"({' | '.join(branches)}){_VISITED[walk]}")


def _same_prefixes(rule: etree._Element, start: etree._Element) -> bool:
    """Every prefix in scope of the rule means the same where the union is evaluated (the
    start may have more, e.g. ``svrl``; XPath ignores the default namespace)."""
    return all(start.nsmap.get(prefix) == uri for prefix, uri in rule.nsmap.items() if prefix is not None)


def _walk_step(mode: str, templates: list[etree._Element]) -> str | None:
    """The walk's ``select`` (``@*|*`` or ``*``), read from the mode's default template."""
    defaults = [template for template in templates if template.get("match") == "@*|node()"]
    if len(defaults) != 1 or len(defaults[0]) != 1:
        return None
    select = defaults[0][0].get("select", "")
    if select not in _VISITED or not _is_descent(defaults[0][0], mode, select):
        return None
    return select


def _is_descent(element: etree._Element, mode: str, select: str) -> bool:
    return (
        element.tag == f"{_XSL}apply-templates"
        and element.get("mode") == mode
        and element.get("select") == select
        and len(element) == 0
        and set(element.keys()) == {"mode", "select"}
    )


def _split_union(pattern: str) -> list[str]:
    """The top-level branches of ``a | b[c | d] | "e|f"``: ``a``, ``b[c | d]``, ``"e|f"``."""
    branches: list[str] = []
    current: list[str] = []
    depth = 0
    quote = ""
    for char in pattern:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    branches.append("".join(current).strip())
    return branches

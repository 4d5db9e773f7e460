"""``{{ article.body|help_body }}``: the small text format of help articles, rendered safely.

Paragraphs are separated by a blank line; lines starting with "- " make a bulleted list, with
"1. " a numbered list, with "## " a sub-heading. Everything is escaped: no HTML from the admin
reaches the page.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_NUMBERED = re.compile(r"^\d+\.\s+")


@register.filter
def help_body(text: str) -> SafeString:
    html: list[str] = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        while lines:
            line = lines[0]
            if line.startswith("## "):
                html.append(f'<h2 class="fr-h5 fr-mt-3w">{escape(line[3:])}</h2>')
                lines = lines[1:]
            elif line.startswith("- "):
                items = []
                while lines and lines[0].startswith("- "):
                    items.append(f"<li>{escape(lines.pop(0)[2:])}</li>")
                html.append("<ul>" + "".join(items) + "</ul>")
            elif _NUMBERED.match(line):
                items = []
                while lines and _NUMBERED.match(lines[0]):
                    items.append(f"<li>{escape(_NUMBERED.sub('', lines.pop(0)))}</li>")
                html.append("<ol>" + "".join(items) + "</ol>")
            else:
                paragraph = []
                while lines and not (lines[0].startswith(("## ", "- ")) or _NUMBERED.match(lines[0])):
                    paragraph.append(escape(lines.pop(0)))
                html.append("<p>" + "<br>".join(paragraph) + "</p>")
    return mark_safe("".join(html))  # noqa: S308 - every piece of text is escaped above

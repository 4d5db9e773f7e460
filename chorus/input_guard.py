"""One normalisation of untrusted input for every page and API call (issue 19, point 6).

Before any view runs:

- the path, the query string and every JSON body are refused with a clear 400 when they carry a
  NUL character (PostgreSQL cannot store one: "A string literal cannot contain NUL") or a lone
  UTF-16 surrogate (``"\\ud800"`` in JSON: not a character, it cannot be encoded back to UTF-8);
- page numbers (``page``, ``*_page``, ``page_*``) are clamped to :data:`MAX_PAGE`, so that a huge
  ``?page=`` becomes "past the last page" instead of an offset out of the bigint range.

``/cpro/`` answers with the API's ``codeRetour`` envelope, ``*.json`` helpers with JSON, pages with
an HTML page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from cpro.api.errors import Code, envelope

MAX_PAGE = 100_000
API_PREFIX = "/cpro/"
# A JSON body can only carry NUL or a surrogate as a \u escape (raw control characters and
# invalid UTF-8 are syntax errors already); scanning for the escape first keeps large deposit
# bodies (base64, no backslash) at one pass of a byte regex.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_PAGE_PARAM = re.compile(r"^(?:.+_)?page(?:_.+)?$")


def bad_text(value: str) -> str | None:
    """Why ``value`` cannot be taken as text, or None when it can."""
    if "\x00" in value:
        return _("un caractère nul (\\u0000)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("un caractère Unicode invalide (demi-paire de substitution)")
    return None


def _walk(data: Any, path: str = "") -> tuple[str, str] | None:
    """The first (field, reason) of a JSON document whose text is not valid, keys included."""
    pending: list[tuple[str, Any]] = [(path, data)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str):
            reason = bad_text(value)
            if reason:
                return where, reason
        elif isinstance(value, dict):
            for key, item in value.items():
                name = f"{where}.{key}" if where else str(key)
                reason = bad_text(str(key))
                if reason:
                    return name, reason
                pending.append((name, item))
        elif isinstance(value, list):
            pending.extend((f"{where}[{index}]", item) for index, item in enumerate(value))
    return None


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self._problem(request)
        if problem is not None:
            return self._refuse(request, *problem)
        self._clamp_pages(request)
        return self.get_response(request)

    def _problem(self, request: HttpRequest) -> tuple[str, str] | None:
        reason = bad_text(request.path)
        if reason:
            return _("l'adresse"), reason
        for key, values in request.GET.lists():
            reason = bad_text(key)
            if reason:
                return _("le nom d'un paramètre"), reason
            for value in values:
                reason = bad_text(value)
                if reason:
                    return _("le paramètre « %(name)s »") % {"name": key}, reason
        if request.content_type == "application/json" and request.method in ("POST", "PUT", "PATCH"):
            try:
                body = request.body
            except RequestDataTooBig:
                return None  # the view answers with the size limit
            if _SUSPECT_ESCAPE.search(body):
                try:
                    found = _walk(json.loads(body))
                except ValueError:
                    return None  # not JSON: the parser answers with its own message
                if found:
                    return _("le champ « %(name)s »") % {"name": found[0]}, found[1]
        return None

    def _refuse(self, request: HttpRequest, where: str, reason: str) -> HttpResponse:
        message = _("Requête refusée : %(where)s contient %(reason)s.") % {"where": where, "reason": reason}
        if request.path.startswith(API_PREFIX):
            return JsonResponse(envelope(Code.INVALID_REQUEST, message), status=400)
        if request.path.endswith(".json"):  # the pages' own JSON helpers (directory search…)
            return JsonResponse({"results": [], "error": message}, status=400)
        return render(request, "errors/bad_input.html", {"message": message}, status=400)

    def _clamp_pages(self, request: HttpRequest) -> None:
        clamped: QueryDict | None = None
        for key, value in request.GET.items():
            if _PAGE_PARAM.match(key) and value.strip().isdigit() and int(value) > MAX_PAGE:
                clamped = clamped or request.GET.copy()
                clamped[key] = str(MAX_PAGE)
        if clamped is not None:
            clamped._mutable = False
            request.GET = clamped

"""Every answer under ``/cpro/`` is JSON with ``codeRetour`` and ``libelle`` (issue 12, point 2).

The views answer JSON themselves (``api.errors.api_exception_handler``); what reaches Django's
own handlers does not: an unknown path (404), a wrong method on a path that is not an API view,
a body above ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413) and an unexpected exception (500). A connector
reads the body of every answer as JSON (go-choruspro decodes ``{codeRetour, libelle}`` on 400,
OCA's and Pastell's connectors log ``libelle``), so an HTML page there is a second failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .api.errors import Code, envelope

logger = logging.getLogger("cpro.api")

API_PREFIX = "/cpro/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _libelles() -> dict[int, tuple[int, str]]:
    return {
        400: (Code.INVALID_REQUEST, _("Requête invalide.")),
        403: (Code.ACCOUNT_FORBIDDEN, _("Accès refusé.")),
        404: (Code.NOT_FOUND, _("Ressource inconnue : vérifiez le chemin de l'opération (/cpro/…/v1/…).")),
        405: (
            Code.METHOD_NOT_ALLOWED,
            _("Méthode non autorisée : cette opération s'appelle en POST avec un corps JSON."),
        ),
        413: (Code.INVALID_REQUEST, _("Le corps de la requête est trop volumineux.")),
        500: (Code.SERVER_ERROR, _("Erreur interne du serveur : réessayez plus tard.")),
    }


def json_error(status: int) -> JsonResponse:
    code, libelle = _libelles().get(status, (Code.INVALID_REQUEST if status < 500 else Code.SERVER_ERROR, ""))
    if not libelle:
        libelle = _("Erreur HTTP %(status)d.") % {"status": status}
    return JsonResponse(envelope(code, libelle), status=status, json_dumps_params={"ensure_ascii": False})


class CproJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _is_api(request) or response.status_code < 400:
            return response
        if "json" in response.get("Content-Type", ""):
            return response
        replacement = json_error(response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                replacement[header] = response[header]
        return replacement

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_api(request):
            return None
        if isinstance(exception, RequestDataTooBig):
            return json_error(413)
        logger.exception("Unexpected error on %s", request.path, exc_info=exception)
        return json_error(500)


__all__ = ["CproJsonErrorsMiddleware", "json_error"]

"""One error shape for the whole API, with the ``codeRetour`` / ``libelle`` envelope of Chorus Pro.

Every answer carries ``codeRetour`` (0 when fine) and ``libelle`` (reference §4.1). Errors add
``listeErreurs`` (field, message) when the request itself is wrong.

HTTP status: the real API answers a refused request with **400** and a ``codeRetour`` body (the Go
client ``go-choruspro`` decodes the error body only on 400, OCA and PASTELL test the status), so
every business refusal is a 400 here too. Authentication is 401 (token) or 403 (technical account),
rate limiting 429 with ``Retry-After``. An identifier of another structure answers exactly like an
unknown identifier: same status, same code, same text.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from invoices.validation.limits import MAX_API_FILE_BYTES

logger = logging.getLogger(__name__)
MiB = 1024 * 1024


class Code:
    """``codeRetour`` values. 20000 and 20002 are the real ones (PASTELL fixtures, reference §4.1);
    the others are this portal's choice [U], kept stable and listed in the API guide."""

    OK = 0
    NO_RESULT = 20000  # TRA_MSG_00.015 – the search returned nothing (HTTP 200, empty list)
    INVALID_REQUEST = 20001  # malformed JSON, wrong type, missing field, body too large
    TRANSITION_REFUSED = 20002  # status transition refused by the lifecycle
    UNKNOWN = 20003  # unknown (or not visible) invoice, structure, service, flux, file
    INVOICE_REJECTED = 20004  # the invoice data fail the business checks (soumettre, recycler)
    IDEMPOTENCY_CONFLICT = 20005  # Idempotency-Key reused with another request
    INVALID_FILE = 20006  # undecodable base64, empty or oversized file, unsupported syntax
    TOKEN_MISSING = 40101
    TOKEN_INVALID = 40102
    TOKEN_EXPIRED = 40103
    ACCOUNT_MISSING = 40301
    ACCOUNT_INVALID = 40302
    ACCOUNT_EXPIRED = 40303
    ACCOUNT_FORBIDDEN = 40304  # valid account, but the operation belongs to the other side
    ACCOUNT_LOCKED = 40305  # too many wrong passwords for this login: locked for a while
    RATE_LIMITED = 42900
    NOT_FOUND = 40400
    METHOD_NOT_ALLOWED = 40500
    SERVER_ERROR = 50000  # unexpected error (HTTP 500), still a JSON body


OK_LIBELLE = "TRA_MSG_00.000 – Traitement effectué avec succès."
NO_RESULT_LIBELLE = "TRA_MSG_00.015 – La recherche n'a retourné aucun résultat."
TRANSITION_LIBELLE = "Incohérence au niveau du statut d'origine ou de destination de la facture"
UNKNOWN_INVOICE_LIBELLE = "GDP_MSG_11.008 – La demande de paiement est inconnue du système."


class ApiError(exceptions.APIException):
    """Raised anywhere in a view; rendered as ``{codeRetour, libelle, listeErreurs}``."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(
        self,
        code: int,
        libelle: str,
        *,
        http_status: int = status.HTTP_400_BAD_REQUEST,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail=libelle)
        self.code_retour = code
        self.libelle = libelle
        self.status_code = http_status
        self.errors = errors or []
        self.extra_headers = headers or {}


def invalid(libelle: str, *, field: str = "") -> ApiError:
    return ApiError(
        Code.INVALID_REQUEST,
        libelle,
        errors=[{"champ": field, "message": libelle}] if field else None,
    )


def unknown_invoice() -> ApiError:
    return ApiError(Code.UNKNOWN, UNKNOWN_INVOICE_LIBELLE)


def unknown(what: str) -> ApiError:
    return ApiError(Code.UNKNOWN, what)


def envelope(code: int, libelle: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"codeRetour": code, "libelle": libelle}
    if errors:
        body["listeErreurs"] = errors
    return body


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error dict → a flat list of (dotted field, French message)."""
    out: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "non_field_errors":
                name = prefix
            elif isinstance(key, int) or str(key).isdigit():
                name = f"{prefix}[{key}]"  # an item of a list: ``lignePoste[0]``, as the API names it
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            out.extend(_flatten(value, name))
    elif isinstance(detail, list):
        if detail and all(isinstance(d, str) for d in detail):
            out.extend({"champ": prefix, "message": str(d)} for d in detail)
        else:
            for index, value in enumerate(detail):
                if value:
                    out.extend(_flatten(value, f"{prefix}[{index}]"))
    else:
        out.append({"champ": prefix, "message": str(detail)})
    return out


def validation_error(detail: Any) -> Response:
    errors = _flatten(detail)
    first = errors[0] if errors else {"champ": "", "message": _("Requête invalide.")}
    where = _("champ « %(champ)s » : ") % first if first["champ"] else ""
    libelle = _("Requête invalide, %(where)s%(message)s") % {"where": where, "message": first["message"]}
    return Response(envelope(Code.INVALID_REQUEST, libelle, errors), status=400)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The exception handler of every ``/cpro/`` view and of the token endpoint."""
    if isinstance(exc, ApiError):
        response = Response(envelope(exc.code_retour, exc.libelle, exc.errors), status=exc.status_code)
        for name, value in exc.extra_headers.items():
            response[name] = value
        return response
    if isinstance(exc, exceptions.ValidationError):
        return validation_error(exc.detail)
    if isinstance(exc, exceptions.ParseError):
        return Response(
            envelope(
                Code.INVALID_REQUEST,
                _(
                    "Le corps de la requête n'est pas un JSON valide (%(detail)s). Envoyez un objet JSON, "
                    "« {} » lorsqu'il n'y a aucun paramètre."
                )
                % {"detail": exc.detail},
            ),
            status=400,
        )
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return Response(
            envelope(
                Code.INVALID_REQUEST,
                _(
                    "Type de contenu « %(type)s » non pris en charge : envoyez "
                    "« Content-Type: application/json;charset=utf-8 »."
                )
                % {"type": context["request"].content_type},
            ),
            status=400,
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(
            envelope(
                Code.INVALID_REQUEST,
                _(
                    "Le corps de la requête dépasse %(max)d Mo : l'API accepte un fichier de %(file)d Mo "
                    "au plus par appel, encodé en base64."
                )
                % {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // MiB, "file": MAX_API_FILE_BYTES // MiB},
            ),
            status=400,
        )
    if isinstance(exc, exceptions.MethodNotAllowed):
        return Response(
            envelope(
                Code.METHOD_NOT_ALLOWED,
                _("Méthode %(method)s non autorisée : cette opération s'appelle en POST avec un corps JSON.")
                % {"method": context["request"].method},
            ),
            status=405,
        )
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        response = Response(
            envelope(
                Code.RATE_LIMITED,
                _("Trop de requêtes pour cette application : réessayez dans %(n)d secondes.") % {"n": wait},
            ),
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Response(envelope(Code.NOT_FOUND, _("Ressource inconnue.")), status=404)
    if isinstance(exc, PermissionDenied | exceptions.PermissionDenied):
        return Response(envelope(Code.ACCOUNT_FORBIDDEN, str(exc) or _("Accès refusé.")), status=403)
    if isinstance(exc, exceptions.APIException):
        return Response(envelope(Code.INVALID_REQUEST, str(exc.detail)), status=exc.status_code)
    return None

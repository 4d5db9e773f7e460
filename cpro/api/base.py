"""What every ``/cpro/`` view shares: authentication, rate limit, body limits, JSON parsing, the
error handler, the ``codeRetour`` envelope, pagination and ``Idempotency-Key``."""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import parsers, serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from invoices.validation.limits import MAX_API_FILE_BYTES

from ..services import idempotency_key_answer, idempotency_key_claim, idempotency_key_release
from .auth import BUYER, SUPPLIER, ApiPrincipal, CproAuthentication
from .errors import NO_RESULT_LIBELLE, OK_LIBELLE, ApiError, Code, api_exception_handler
from .lenient import lenient_body, serializer_shape

MiB = 1024 * 1024
# A search or a status change fits in a few kilobytes; 1 MiB leaves room for long filters.
DEFAULT_MAX_BODY = 1 * MiB
# A deposit carries one file in base64 (4/3 of its size), at most MAX_API_FILE_BYTES (see there
# why the API takes 20 MiB per call, not 120 MB); 1 MiB more for the other fields.
DEPOSIT_MAX_BODY = math.ceil(MAX_API_FILE_BYTES * 4 / 3) + MiB


def rate_limit_per_minute() -> int:
    """Requests per minute and per OAuth client (``CPRO_RATE_LIMIT_PER_MINUTE``)."""
    return int(getattr(settings, "CPRO_RATE_LIMIT_PER_MINUTE", 1200))


class OAuthClientThrottle(BaseThrottle):
    """Fixed one-minute window per OAuth client, counted in the shared cache (Redis when
    configured, so that every gunicorn worker counts the same calls)."""

    window = 60

    def allow_request(self, request: Request, view: APIView) -> bool:
        principal = request.user
        if not isinstance(principal, ApiPrincipal):
            return True
        now = time.time()
        window_start = int(now // self.window) * self.window
        key = f"cpro:rl:{principal.application.pk}:{window_start}"
        self._wait = window_start + self.window - now
        return _window_count(key, self.window + 5) <= rate_limit_per_minute()

    def wait(self) -> float:
        return max(1.0, math.ceil(getattr(self, "_wait", 1.0)))


def _window_count(key: str, timeout: int) -> int:
    """Count one more call in the window's counter ``key``, created by the window's first call.

    incr() first: the counter exists on every call but the first of a window, and add() before
    it cost each call one more round trip to Redis (issue #17). incr() and add() are atomic in
    Redis and in the local-memory cache, so concurrent first calls still count one each."""
    try:
        return cache.incr(key)
    except ValueError:  # the window's first call
        pass
    if cache.add(key, 1, timeout):
        return 1
    try:  # another worker created it meanwhile
        return cache.incr(key)
    except ValueError:  # and it expired since (a stalled worker)
        cache.set(key, 1, timeout)
        return 1


class StrictJSONParser(parsers.JSONParser):
    """JSON only, UTF-8 only, an object at the top, no recursion bomb, no NaN."""

    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read() if stream is not None else b""
        if not raw.strip():
            return {}
        try:
            text = raw.decode("utf-8")
            data = json.loads(text, parse_constant=_reject_constant)
        except UnicodeDecodeError as exc:
            raise ParseError(_("encodage non UTF-8")) from exc
        except (ValueError, RecursionError) as exc:
            raise ParseError(str(exc)[:200]) from exc
        if not isinstance(data, dict):
            raise ParseError(
                _("le corps doit être un objet JSON « {…} », pas %(t)s") % {"t": type(data).__name__}
            )
        return data


def _reject_constant(name: str) -> None:
    raise ValueError(_("valeur %(name)s interdite") % {"name": name})


class CproView(APIView):
    """Base of every Chorus Pro endpoint: POST with a JSON body, ``codeRetour`` envelope."""

    authentication_classes = [CproAuthentication]
    permission_classes: list = []
    throttle_classes = [OAuthClientThrottle]
    parser_classes = [StrictJSONParser]
    renderer_classes = [JSONRenderer]
    max_body = DEFAULT_MAX_BODY
    # None: both sides; "fournisseur" or "acheteur": the technical account's structure must be one.
    side: str | None = None

    def get_exception_handler(self) -> Callable[..., Response | None]:
        return api_exception_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication, then rate limit
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.max_body:
            raise ApiError(
                Code.INVALID_REQUEST,
                _(
                    "Le corps de la requête (%(size).1f Mo) dépasse la taille maximale de %(max).1f Mo "
                    "pour cette opération (un fichier de %(file)d Mo au plus par appel, encodé en base64)."
                )
                % {"size": length / MiB, "max": self.max_body / MiB, "file": MAX_API_FILE_BYTES // MiB},
            )
        if self.side and request.user.kind != self.side:
            raise ApiError(
                Code.ACCOUNT_FORBIDDEN,
                _(
                    "Cette opération est réservée aux comptes techniques des structures %(side)s ; "
                    "votre compte technique appartient à une structure %(kind)s."
                )
                % {"side": _side_label(self.side), "kind": _side_label(request.user.kind)},
                http_status=403,
            )

    @property
    def principal(self) -> ApiPrincipal:
        return self.request.user  # type: ignore[return-value]

    def validated(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        # Zero values of optional fields, unknown fields and alias spellings: see ``lenient``.
        shape = serializer_shape(serializer_class)
        data = lenient_body(self.request.data, shape)
        # Validated by the serializer's one shared instance: ``serializer_class(data=...)`` would
        # deep-copy, i.e. rebuild, every declared field on each call (deposer/flux 0.125 → 0.02 ms,
        # rechercher/fournisseur's 27 fields 1.0 → 0.11 ms; issue #17). ``run_validation`` keeps
        # no state on the instance (``is_valid`` is what stores the data and the errors) and
        # raises the same ValidationError detail.
        return shape.run_validation(data)


def _side_label(side: str) -> str:
    return (
        _("fournisseurs") if side == SUPPLIER else _("publiques (destinataires)") if side == BUYER else side
    )


def ok(
    payload: dict[str, Any] | None = None,
    *,
    code: int = Code.OK,
    libelle: str = OK_LIBELLE,
    status: int = 200,
) -> Response:
    """``{codeRetour, libelle, …payload}`` — the envelope of every successful answer."""
    return Response({"codeRetour": code, "libelle": libelle, **(payload or {})}, status=status)


# --- Pagination (``pageResultatDemandee`` / ``nbResultatsParPage`` → ``pageCourante``, ``pages``,
# ``nbResultatsParPage``, ``total``) -------------------------------------------------------------
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
# Counting is bounded, as the inbox's "1 000+" is: a search over a structure that receives
# millions of invoices reads at most this many index entries to answer page 1 (1 M invoices:
# 100,000 entries took 50–60 ms, 10,000 take ≈ 5). Beyond it ``total`` is a lower bound.
COUNT_CAP = 10_000


def paginate(qs: QuerySet, *, page: int, size: int) -> tuple[list[Any], dict[str, int]]:
    """One page of ``qs`` and its ``parametresRetour``.

    ``total`` is exact up to COUNT_CAP. Past it, it is "at least": the count reads up to one row
    past the requested page, so ``pages`` always announces one more page while there is one, and a
    connector that re-reads ``pages`` on each answer (Pastell) reads every invoice to the last."""
    offset = (page - 1) * size
    bound = max(COUNT_CAP, offset + size) + 1
    # The bounded count needs no ORDER BY: without it PostgreSQL counts on the index alone.
    total = qs.order_by()[:bound].count()
    pages = max(1, math.ceil(total / size)) if total else 0
    rows = list(qs[offset : offset + size]) if offset < total else []
    return rows, {"pageCourante": page, "pages": pages, "nbResultatsParPage": size, "total": total}


def no_result_or_ok(rows: list[Any]) -> dict[str, Any]:
    """Searches with no match keep HTTP 200 and an empty list, with ``codeRetour`` 20000."""
    if rows:
        return {"code": Code.OK, "libelle": OK_LIBELLE}
    return {"code": Code.NO_RESULT, "libelle": NO_RESULT_LIBELLE}


def list_ok(rows: list[Any], payload: dict[str, Any]) -> Response:
    """The answer of a search: ``payload`` with ``codeRetour`` 0, or 20000 when ``rows`` is empty."""
    status = no_result_or_ok(rows)
    return ok(payload, code=status["code"], libelle=status["libelle"])


def empty_page(*, page: int, size: int) -> dict[str, int]:
    """``parametresRetour`` of a search that cannot match anything (answered without a query)."""
    return {"pageCourante": page, "pages": 0, "nbResultatsParPage": size, "total": 0}


def uncounted_page(*, page: int, size: int, shown: int, more: bool) -> dict[str, int]:
    """``parametresRetour`` without a COUNT (the directory holds 150,000 structures): the caller
    fetched ``size + 1`` rows; the total is what is known so far, and one more page is announced
    while there is one."""
    return {
        "pageCourante": page,
        "pages": (page + (1 if more else 0)) if shown else 0,
        "nbResultatsParPage": size,
        "total": (page - 1) * size + shown + (1 if more else 0),
    }


# --- Idempotency-Key ----------------------------------------------------------------------------
def idempotent(request: Request, *, endpoint: str, handler: Callable[[], Response]) -> Response:
    """Run ``handler`` at most once per (OAuth client, technical account, endpoint,
    ``Idempotency-Key``), as the IETF draft describes.

    The key is claimed in its own short transaction, the handler runs outside any transaction
    (its services own theirs, and write files before them), then the answer is stored: a retry
    after success replays it (header ``Idempotent-Replayed: true``); a retry while the first
    request runs is told to wait (409); the same key with another body is refused (422); a
    refused or failed request releases the key, so it may be retried.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return handler()
    if len(key) > 255:
        raise ApiError(Code.INVALID_REQUEST, _("L'en-tête Idempotency-Key dépasse 255 caractères."))
    principal: ApiPrincipal = request.user  # type: ignore[assignment]
    request_hash = hashlib.sha256(
        json.dumps(request.data, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    claim = idempotency_key_claim(
        application=principal.application,
        account=principal.account,
        endpoint=endpoint,
        key=key,
        request_hash=request_hash,
    )
    if claim.conflict == "autre-requete":
        raise ApiError(
            Code.IDEMPOTENCY_CONFLICT,
            _(
                "La clé Idempotency-Key « %(key)s » a déjà servi pour une autre requête : "
                "utilisez une nouvelle clé pour un nouveau dépôt."
            )
            % {"key": key},
            http_status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if claim.conflict == "en-cours":
        raise ApiError(
            Code.IDEMPOTENCY_CONFLICT,
            _(
                "Une requête avec la clé Idempotency-Key « %(key)s » est en cours de traitement : "
                "réessayez dans quelques secondes pour obtenir sa réponse."
            )
            % {"key": key},
            http_status=status.HTTP_409_CONFLICT,
            headers={"Retry-After": "5"},
        )
    if claim.replay is not None:
        response = Response(claim.replay.response_body, status=claim.replay.response_status)
        response["Idempotent-Replayed"] = "true"
        return response
    assert claim.record_id is not None
    try:
        response = handler()
    except BaseException:
        idempotency_key_release(record_id=claim.record_id)
        raise
    if response.status_code >= 400:
        idempotency_key_release(record_id=claim.record_id)
    else:
        idempotency_key_answer(record_id=claim.record_id, status=response.status_code, body=response.data)
    return response

"""Input fields as lenient as the real API's clients require, and the shared response pieces.

Connectors send every field of their request structs: the Go client sends ``0`` for an unset id,
``""`` for an unset string and ``null`` for an unset list or object; PHP clients send ``null``.
So every optional field accepts null, blank and 0 as "not given", and types stay strict
otherwise (a string where a number is expected is a 400 with the field named).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from .base import COUNT_CAP
from .errors import ApiError, Code

MAX_ID = 2**63 - 1  # a bigger number is refused (400), never sent to the database


def opt_int(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_ID, **kwargs)


def req_int(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def opt_str(max_length: int = 255, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=max_length, **kwargs
    )


def opt_bool(**kwargs: Any) -> serializers.BooleanField:
    return serializers.BooleanField(required=False, allow_null=True, **kwargs)


def opt_list(child: serializers.Field, max_length: int = 100, **kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=child, required=False, allow_null=True, allow_empty=True, max_length=max_length, **kwargs
    )


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


class _BlankIsAbsent:
    """An optional field where ``""`` or null means "not given" (connectors send every field)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data == "":
            return True, None
        return super().validate_empty_values(data)  # type: ignore[misc]


class LenientDateField(_BlankIsAbsent, serializers.DateField):
    """``YYYY-MM-DD``; a date-time is cut to its date; ``""`` or null means not given."""

    def to_internal_value(self, value: Any) -> dt.date:
        if isinstance(value, str) and _DATE.match(value):
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                pass
        raise serializers.ValidationError(
            _("Date invalide : attendu le format AAAA-MM-JJ (reçu « %(v)s »).") % {"v": str(value)[:40]}
        )


class LenientDateTimeField(_BlankIsAbsent, serializers.DateTimeField):
    """ISO 8601 date-time, ``YYYY-MM-DD HH:MM`` or a plain date; ``""`` or null: not given."""

    def to_internal_value(self, value: Any) -> dt.datetime:
        if isinstance(value, str):
            text = value.strip().replace("Z", "+00:00")
            try:
                parsed = dt.datetime.fromisoformat(text if len(text) > 10 else text + "T00:00")
            except ValueError:
                parsed = None
            if parsed is not None:
                try:
                    if timezone.is_naive(parsed):
                        parsed = timezone.make_aware(parsed)
                    # Sent to the database in UTC: an exotic offset (+20:25) is valid ISO 8601
                    # but PostgreSQL refuses it.
                    return parsed.astimezone(dt.UTC)
                except (OverflowError, ValueError):
                    pass
        raise serializers.ValidationError(
            _("Date et heure invalides : attendu AAAA-MM-JJTHH:MM (reçu « %(v)s »).") % {"v": str(value)[:40]}
        )


def shape(name: str, fields: dict[str, serializers.Field]) -> type[serializers.Serializer]:
    """A named serializer class (an OpenAPI component), for lists: ``shape(...)(many=True)``."""
    return type(name, (serializers.Serializer,), dict(fields))


def page_params(name: str) -> serializers.Serializer:
    """The pagination object of a search request (its name differs per endpoint)."""
    return inline_serializer(
        name,
        {
            "nbResultatsParPage": opt_int(help_text="1 à 500 (au-delà : 500), 50 par défaut."),
            "pageResultatDemandee": opt_int(help_text="À partir de 1."),
            "triColonne": opt_str(50),
            "triSens": opt_str(20),
        },
        required=False,
        allow_null=True,
    )


def read_page(data: dict[str, Any] | None, *, default_size: int = 50, max_size: int = 500) -> tuple[int, int]:
    data = data or {}
    size = data.get("nbResultatsParPage") or default_size
    page = data.get("pageResultatDemandee") or 1
    # A bigger page is served at the maximum, not refused: Pastell asks 1,000 per page and reads
    # ``pageCourante``/``pages`` to go on (the answer's ``nbResultatsParPage`` says the size used).
    size = min(size, max_size)
    if page > 10_000:
        raise ApiError(
            Code.INVALID_REQUEST,
            _("pageResultatDemandee ne peut pas dépasser 10 000 : affinez la recherche."),
        )
    return page, size


TOTAL_HELP = (  # the count of ``base.paginate``
    f"Nombre de résultats, exact jusqu'à {COUNT_CAP:_}".replace("_", " ")
    + ". Au-delà, c'est un minimum : il compte jusqu'à une ligne après la page demandée, et "
    "« pages » annonce donc une page de plus tant qu'il en reste."
)

PaginationOut = inline_serializer(
    "ParametresRetour",
    {
        "pageCourante": serializers.IntegerField(),
        "pages": serializers.IntegerField(),
        "nbResultatsParPage": serializers.IntegerField(),
        "total": serializers.IntegerField(help_text=TOTAL_HELP),
    },
)

ErrorItemOut = shape(
    "ErreurChamp",
    {
        "champ": serializers.CharField(),
        "message": serializers.CharField(),
    },
)

ErrorOut = inline_serializer(
    "Erreur",
    {
        "codeRetour": serializers.IntegerField(),
        "libelle": serializers.CharField(),
        "listeErreurs": ErrorItemOut(many=True, required=False),
    },
)


def cpro_schema(
    *,
    request: Any,
    response: Any,
    summary: str,
    tag: str,
    description: str = "",
    operation_id: str | None = None,
) -> Any:
    """``extend_schema`` of a ``/cpro/`` endpoint: its answer, the one error shape (every status,
    404, 405 and 500 included: ``cpro.middleware``), and how the body is read (``lenient``)."""
    responses = {
        200: response,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        405: ErrorOut,
        429: ErrorOut,
        500: ErrorOut,
    }
    notes = [description] if description else []
    notes.append(LENIENT_NOTE)
    aliases = getattr(request, "aliases", None)
    if aliases:
        spelled = ", ".join(f"« {alias} » pour « {name} »" for alias, name in aliases.items())
        notes.append(_ALIASES_NOTE % {"aliases": spelled})
    return extend_schema(
        request=request,
        responses=responses,
        summary=summary,
        tags=[tag],
        description="\n\n".join(notes),
        operation_id=operation_id,
    )


# How every body is read (``cpro.api.lenient``), said once per operation in the OpenAPI schema.
LENIENT_NOTE = (
    'Lecture tolérante, comme l\'API Chorus Pro : un champ facultatif valant 0, "", false, null, {} ou [] '
    "est considéré comme absent (un filtre montantHTMin: 0 ou rejetTraite: false ne filtre rien) ; "
    "les champs inconnus sont ignorés ; un objet unique est accepté là où une liste est attendue ; un "
    "code est accepté seul ou dans son objet ({codeCadreFacturation: …}) ; triSens (ou triSense) "
    "tolère la casse et les espaces. Toute réponse, erreurs comprises, est un JSON {codeRetour, libelle}."
)
_ALIASES_NOTE = "Autres orthographes acceptées : %(aliases)s."


def envelope_fields() -> dict[str, serializers.Field]:
    return {"codeRetour": serializers.IntegerField(), "libelle": serializers.CharField()}


def reply_out(name: str, fields: dict[str, serializers.Field] | None = None) -> serializers.Serializer:
    """The output serializer of one endpoint: the envelope (``codeRetour``, ``libelle``) then its
    own fields, as the OpenAPI component ``name``."""
    fields = fields or {}
    envelope = envelope_fields()
    first = next(iter(fields.values()), None)
    if first is not None:
        # DRF lists a serializer's fields in their order of creation (``_creation_counter``), and the
        # schema follows it: the envelope keeps the place it had when each endpoint wrote
        # ``{**envelope_fields(), ...}`` itself, just before the first field the endpoint creates
        # (a shared instance such as ``PaginationOut``, created earlier, still comes first).
        envelope["codeRetour"]._creation_counter = first._creation_counter - 0.5
        envelope["libelle"]._creation_counter = first._creation_counter - 0.25
    return inline_serializer(name, {**envelope, **fields})


def page_reply_out(
    name: str, key: str, rows: serializers.Serializer, extra: dict[str, serializers.Field] | None = None
) -> serializers.Serializer:
    """The answer of a paginated search: the page under ``key`` (``rows``, a ``many=True``
    serializer, created by the caller before ``extra`` so the schema lists them in that order),
    then ``extra``, then ``parametresRetour``."""
    return reply_out(name, {key: rows, **(extra or {}), "parametresRetour": PaginationOut})


class Base64Text(serializers.CharField):
    """A base64 file of a request. DRF scans every character of a CharField for surrogates:
    ≈ 1 ms for a 10 KB invoice, 10 % of a deposit's CPU (issue #17), a hundred times that for a
    1 MB PDF. The base64 alphabet holds none, and ``chorus.input_guard`` refuses any ``\\u``
    surrogate escape in an API body before a view runs."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitSurrogateCharactersValidator)
        ]


def b64decode_field(value: str, *, field: str, max_bytes: int) -> bytes:
    """Decode a base64 file of the request; a clear 400 when it is not base64, empty or too big."""
    if len(value) > (max_bytes * 4) // 3 + 8:
        raise ApiError(
            Code.INVALID_FILE,
            _("Le fichier « %(field)s » dépasse la taille maximale de %(max)d Mo.")
            % {"field": field, "max": max_bytes // (1024 * 1024)},
            errors=[{"champ": field, "message": _("fichier trop volumineux")}],
        )
    try:
        content = _b64decode_strict(value)
    except (binascii.Error, ValueError):
        raise ApiError(
            Code.INVALID_FILE,
            _("Le champ « %(field)s » doit contenir le fichier encodé en base64.") % {"field": field},
            errors=[{"champ": field, "message": _("base64 invalide")}],
        ) from None
    if not content:
        raise ApiError(
            Code.INVALID_FILE,
            _("Le fichier « %(field)s » est vide.") % {"field": field},
            errors=[{"champ": field, "message": _("fichier vide")}],
        )
    return content


def _b64decode_strict(value: str) -> bytes:
    """Strict base64 that tolerates line breaks and spaces (MIME-wrapped output of some clients).

    Decoded as sent first: removing whitespace copies the whole value (≈ 20 ms for a 20 MiB file)
    and most clients send none; a value with whitespace fails at its first one, then is decoded
    without it, as before."""
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:  # binascii.Error, or a character outside ASCII (Unicode whitespace too)
        return base64.b64decode("".join(value.split()), validate=True)


def fmt_date(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def fmt_minute(value: dt.datetime | None) -> str | None:
    """``YYYY-MM-DD HH:MM`` (``histoStatutDatePassage``, service dates; reference §1.2)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else None


def fmt_day_start(value: dt.date | None) -> str | None:
    """A date in the ``YYYY-MM-DD HH:MM`` format, at midnight (validity dates of a service)."""
    return f"{value:%Y-%m-%d} 00:00" if value else None


def fmt_datetime(value: dt.datetime | None) -> str | None:
    """ISO 8601 with the offset (``dateHeureEtatCourant``)."""
    return timezone.localtime(value).isoformat(timespec="milliseconds") if value else None


def money(value: Any) -> float:
    return float(value) if value is not None else 0.0


def money_or_null(value: Any) -> float | None:
    """An optional amount: null when absent (``money`` answers 0)."""
    return None if value is None else float(value)


__all__ = ["extend_schema"]

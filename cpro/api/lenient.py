"""Lenient reading of a request body, as the real Chorus Pro reads it (issue 12, point 4).

Connectors send every option of their request structs: the Go client (go-choruspro) sends ``0``,
``""``, ``false``, ``{}`` and ``null`` for what is not set, PHP clients ``null``. The real server
reads all of them as "not given". So, before an input serializer validates a body:

- an optional field whose value is a zero value (``0``, ``""``, ``null``, ``false``, ``{}``,
  ``[]``) is dropped — a filter ``montantHTMin: 0`` or ``rejetTraite: false`` filters nothing;
- a field unknown to the endpoint is dropped (clients send fields of other versions);
- a field given under another spelling used by clients (``identifiantFactureCPP`` for
  ``idFacture``, ``idStructureCPP`` for ``idStructure``, ``triSense`` for ``triSens``) is read
  under the spelling the serializer declares (its ``aliases`` attribute);
- a list field given a single object is read as a list of that object (``pieceJointePrincipale``),
  and a code field given an object is read as the code inside it
  (``cadreFacturation: {codeCadreFacturation: "A1_FACTURE_FOURNISSEUR"}``);
- a sort direction (``triSens``) tolerates case and spaces (``"Ascendant "`` → ``"Ascendant"``).

Required fields are left as sent: a missing or wrong required value is still a 400 naming it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rest_framework import serializers

# Spellings that clients use for the same field, on every endpoint (nested objects included).
GLOBAL_ALIASES: dict[str, str] = {"triSense": "triSens"}
SORT_KEYS = ("triSens", "triSensListeLignesPoste", "triSensListePiecesJointes")


@lru_cache(maxsize=256)
def serializer_shape(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    """One instance per input serializer, read only (its field tree): building the fields of a
    serializer costs milliseconds, and the shape of a request never changes."""
    shape = serializer_class()
    _ = shape.fields  # built once, here
    return shape


def is_zero(value: Any) -> bool:
    """Go's zero values and JSON's null: what a connector sends for "not set"."""
    if value is None or value is False:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == 0
    if isinstance(value, str | dict | list):
        return not value
    return False


def _sort_direction(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if text.startswith("asc"):
            return "Ascendant"
        if text.startswith("desc"):
            return "Descendant"
    return value


def _code_in_object(value: dict[str, Any], field: serializers.ChoiceField) -> Any:
    """``{codeCadreFacturation: "A1_…", codeStructureValideur: ""}`` → ``"A1_…"``: the first value
    of the object that is one of the field's choices (else the first code-looking value)."""
    strings = [v for v in value.values() if isinstance(v, str) and v]
    for item in strings:
        if item in field.choices:
            return item
    keys = [k for k, v in value.items() if isinstance(v, str) and v and k.lower().startswith("code")]
    return value[keys[0]] if keys else (strings[0] if strings else None)


def lenient_body(data: Any, serializer: serializers.Serializer) -> Any:
    """``data`` with the zero values of optional fields and the unknown fields removed, aliases
    resolved (recursively, following the serializer's nested fields)."""
    if not isinstance(data, dict):
        return data
    fields = serializer.fields
    aliases = {**GLOBAL_ALIASES, **getattr(serializer, "aliases", {})}
    data = dict(data)
    for alias, name in aliases.items():
        if alias in data and name in fields and alias not in fields:
            value = data.pop(alias)
            if is_zero(data.get(name)) and not is_zero(value):
                data[name] = value
    result: dict[str, Any] = {}
    for key, value in data.items():
        field = fields.get(key)
        if field is None or field.read_only:
            continue
        if key in SORT_KEYS:
            value = _sort_direction(value)
        value = _lenient_value(value, field)
        if is_zero(value) and not field.required:
            continue
        result[key] = value
    return result


def _lenient_value(value: Any, field: serializers.Field) -> Any:
    if isinstance(field, serializers.ListSerializer):
        return _lenient_list(value, field.child)
    if isinstance(field, serializers.ListField):
        return _lenient_list(value, field.child)
    if isinstance(field, serializers.Serializer):
        return lenient_body(value, field) if isinstance(value, dict) else value
    if isinstance(field, serializers.ChoiceField) and isinstance(value, dict):
        return _code_in_object(value, field)
    if isinstance(field, serializers.ChoiceField) and isinstance(value, str):
        stripped = value.strip()
        return stripped if stripped in field.choices else value
    return value


def _lenient_list(value: Any, child: serializers.Field | None) -> Any:
    if isinstance(value, dict):
        # One object where a list is expected (``pieceJointePrincipale`` of the Go client).
        value = [] if is_zero(value) else [value]
    if not isinstance(value, list) or child is None:
        return value
    items = [_lenient_value(item, child) for item in value]
    if isinstance(child, serializers.Serializer):
        items = [item for item in items if not is_zero(item)]
    return items

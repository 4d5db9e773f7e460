"""Odd input never makes a 500 on the API (issue 19, point 6): a deterministic fuzz of every
field of every operation of the OpenAPI schema, one hostile value at a time. A NUL or a lone
surrogate anywhere is a clear 400 with ``codeRetour`` 20001."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from invoices.models import Invoice

from .conftest import account_header

pytestmark = pytest.mark.django_db

JSON_VALUES = ("\ud800", "a\x00b", 10**30, -(10**30), -1, 1e308, "", "x" * 5000, [], {}, None, True, "1" * 40)


def api_operations() -> list[tuple[str, list[str]]]:
    """(path, request-body field paths) of every POST operation of the OpenAPI schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})

    def resolve(node: dict) -> dict:
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[1]]
        return node

    def fields(node: dict, prefix: str, depth: int) -> list[str]:
        node = resolve(node)
        out = []
        for name, child in (node.get("properties") or {}).items():
            path = f"{prefix}.{name}" if prefix else name
            out.append(path)
            child = resolve(child)
            if depth < 2 and child.get("type") == "object":
                out.extend(fields(child, path, depth + 1))
            elif depth < 2 and child.get("type") == "array" and "items" in child:
                out.extend(fields(child["items"], path + "[]", depth + 1))
        return out

    operations = []
    for path, item in schema["paths"].items():
        post = item.get("post")
        if not post or not path.startswith("/cpro/"):
            continue
        body = post.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        operations.append((path, fields(body, "", 0) if body else []))
    return operations


def _body(field: str, value: object) -> dict:
    """A body with ``value`` at ``field`` ("a.b", "lignes[].c"), everything else absent."""
    body: dict = {}
    node = body
    parts = field.split(".")
    for part in parts[:-1]:
        if part.endswith("[]"):
            child: dict = {}
            node[part[:-2]] = [child]
            node = child
        else:
            node = node.setdefault(part, {})
    last = parts[-1]
    if last.endswith("[]"):
        node[last[:-2]] = [value]
    else:
        node[last] = value
    return body


@pytest.mark.slow
def test_every_api_field_survives_hostile_values(api, settings):
    settings.CPRO_RATE_LIMIT_PER_MINUTE = 10**9
    operations = api_operations()
    assert len(operations) > 30
    failures: list[str] = []
    requests = 0
    api.client.raise_request_exception = False
    for path, fields in operations:
        buyer_side = any(word in path for word in ("recipiendaire", "valideur", "recue", "factureAValider"))
        account = "TECH-BEAUFORT" if buyer_side else "TECH-ACME"
        for field in fields or [""]:
            for value in JSON_VALUES:
                body = _body(field, value) if field else {"inconnu": value}
                raw = json.dumps(body).encode()  # ensure_ascii: lone surrogates travel as \\ud800
                response = api.client.post(
                    path,
                    data=raw,
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {api.token}",
                    HTTP_CPRO_ACCOUNT=account_header(account),
                )
                requests += 1
                ok = response.status_code < 500 and response["Content-Type"].startswith("application/json")
                if ok and isinstance(value, str) and ("\x00" in value or "\ud800" in value):
                    ok = response.status_code == 400 and response.json()["codeRetour"] == 20001
                if not ok:
                    failures.append(f"POST {path} {field}={value!r:.20} → {response.status_code}")
    failures.sort(key=lambda line: "→ 5" not in line)  # server errors first
    assert not failures, f"{len(failures)} of {requests} requests failed:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("raw", [b'{"typeFacture": "\\ud800"}', b'{"numeroFacture": "a\\u0000b"}'])
def test_a_lone_surrogate_or_nul_in_an_api_field_is_a_clear_400(api, raw):
    # When a client sends a lone surrogate (or NUL) in a choice field of a search
    response = api.call("/cpro/factures/v1/rechercher/fournisseur", raw=raw)
    # Then the API answers its JSON envelope, naming the field
    assert response.status_code == 400
    body = response.json()
    assert body["codeRetour"] == 20001
    assert "typeFacture" in body["libelle"] or "numeroFacture" in body["libelle"]


def test_an_escaped_backslash_is_not_mistaken_for_a_nul(api, acme):
    # "\\\\u0000" is the six characters \\u0000, not NUL: the request goes through
    response = api.call("/cpro/factures/v1/rechercher/fournisseur", raw=b'{"numeroFacture": "\\\\u0000"}')
    assert response.status_code == 200
    assert Invoice.objects.count() == 0

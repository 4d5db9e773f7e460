"""Odd input never makes a 500 (issue 19, point 6): a deterministic fuzz of every GET page's
query parameters (the API's fields: tests/api/test_fuzz_fields.py).

The parameter names are read from the code itself (``request.GET.get("…")`` and the fields of
the forms bound to ``request.GET``), so a new page or parameter is fuzzed without editing this
file. Bounded: a fixed list of hostile values, each sent once per page and user.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "accounts",
    "suppliers",
    "entities",
    "invoices",
    "tracking",
    "cpro",
    "compliance",
    "helpcentre",
    "chorus",
)
pytestmark = pytest.mark.django_db

# Query-string values, already percent-encoded: NUL, invalid UTF-8 (a lone surrogate's bytes),
# numbers past bigint, absurd dates, long text, quotes and markup.
QUERY_VALUES = (
    "%00",
    "a%00b",
    "%ED%A0%80",
    "99999999999999999999999",
    "-1",
    "1e309",
    "2024-13-45",
    quote("' OR '1'='1 --"),
    quote("<script>alert(1)</script>"),
    "x" * 3000,
)


def _patterns(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def page_routes() -> list[str]:
    """Every page route of the portal, outside Django's admin, allauth and the API."""
    routes = []
    for route in _patterns(get_resolver().url_patterns):
        if route.startswith(("admin/", "compte/", "cpro/", "api/oauth/", "api/docs/assets")) or "^" in route:
            continue
        routes.append(route)
    return routes


def query_parameters() -> list[str]:
    """Every query parameter a view reads, found in the code."""
    names: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            source = path.read_text()
            names.update(re.findall(r"GET\.get(?:list)?\(\s*\"(\w+)\"", source))
            names.update(re.findall(r"GET\[\"(\w+)\"\]", source))
            for form_name in re.findall(r"(\w+Form)\(request\.GET", source):
                module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
                names.update(getattr(module, form_name).base_fields)
    return sorted(names)


def _fill(route: str, siret: str, number: str) -> str:
    route = re.sub(r"<int:\w+>", number, route)
    route = re.sub(r"<str:siret>", siret, route)
    route = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", route)
    route = re.sub(r"<(?:str|slug|path):\w+>", "x", route)
    return "/" + route.replace("<slug:name>", "x")


def test_the_fuzz_sees_the_known_parameters():
    # The discovery works: the pages' search forms and pagers are all found.
    names = query_parameters()
    for expected in ("page", "apres", "q", "services_page"):
        assert expected in names, names
    assert len(page_routes()) > 40


@pytest.mark.slow
def test_every_get_page_survives_hostile_parameters(alice, carla, admin_user, beaufort):
    names = query_parameters()
    users = {"alice": alice, "carla": carla, "admin": admin_user}
    staff_only = ("conformite", "statistiques")
    failures: list[str] = []
    requests = 0
    for label, user in users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for route in page_routes():
            if (label == "admin") != route.startswith(staff_only):
                continue  # the staff pages by the administrator, the others by the two sides
            for number in ("1", "99999999999999999999"):
                if number != "1" and "<int:" not in route:
                    continue
                url = _fill(route, beaufort.siret, number)
                for value in QUERY_VALUES:
                    query = "&".join(f"{name}={value}" for name in names)
                    response = client.get(url, QUERY_STRING=query)
                    requests += 1
                    if response.status_code >= 500:
                        failures.append(f"{label} GET {url}?…={value[:20]} → {response.status_code}")
                    elif "00" in value[:3] and response.status_code != 400:
                        failures.append(f"{label} GET {url}?…={value} → {response.status_code}, not 400")
    failures.sort(key=lambda line: "→ 5" not in line)  # server errors first
    assert not failures, f"{len(failures)} of {requests} requests failed:\n" + "\n".join(failures[:40])

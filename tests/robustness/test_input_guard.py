"""The cases the probe found (issue 19, point 6), one by one: each was a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/annuaire/recherche.json?q=%00",
        "/annuaire/21490027100014/services.json?q=%00",
        "/annuaire/%00/",
        "/annuaire/?q=%00",
        "/aide/?q=a%00b",
    ],
)
def test_a_nul_byte_in_a_page_address_is_a_clear_400(client, beaufort, url):
    # When a NUL byte is sent in the path or the query string
    response = client.get(url)
    # Then the answer is a 400 that says why, in French
    assert response.status_code == 400
    text = response.json()["error"] if url.split("?")[0].endswith(".json") else response.content.decode()
    assert "caractère nul" in text


def test_a_huge_page_number_on_the_drafts_list_is_clamped(client, alice):
    # Given a supplier on the drafts list
    client.force_login(alice)
    # When a page number past the bigint range is asked for
    response = client.get(reverse("invoices:drafts"), {"page": "9" * 30})
    # Then the page answers (an empty page past the last one), no server error
    assert response.status_code == 200
    assert response.context["page"] == 100_000

"""The maître d'ouvrage sees, in its inbox, that a works document was validated by its maître
d'œuvre (issue 14, point 2): a mark on the row, « Validé par le maître d'œuvre … le … » on its
page, at no extra query per row."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from invoices.lifecycle.statuses import InvoiceStatus as S
from tests.tracking.factories import advance, make_invoice

from .moe_documents import decide, to_moe

pytestmark = pytest.mark.django_db


def test_the_moa_sees_the_moes_validation_in_its_inbox(
    client, acme, beaufort, moreau, maxime, carla, django_capture_on_commit_callbacks
):
    # Given the MOE validated ACME's statement with a correction, and an ordinary invoice
    statement = to_moe(supplier=acme, recipient=beaufort, moe=moreau, number="PDM-GYM-2026-12")
    with django_capture_on_commit_callbacks(execute=True):
        decide(statement, by=maxime, comment="Acompte arrêté à 9 800 € HT")
    statement.refresh_from_db()
    assert statement.status == S.MISE_A_DISPOSITION
    ordinary = advance(
        make_invoice(supplier=acme, recipient=beaufort, service=beaufort.services.get(code="FINANCES")),
        S.MISE_A_DISPOSITION,
    )
    client.force_login(carla)
    # When the commune opens its inbox
    inbox = client.get(reverse("inbox:list"))
    rows = {row.number: row for row in inbox.context["page"].invoices}
    # Then the statement's row is marked with its MOE, the ordinary invoice's is not
    assert rows["PDM-GYM-2026-12"].moe_name == "Atelier Moreau Architectes"
    assert rows[ordinary.number].moe_name == ""
    html = inbox.content.decode()
    assert html.count("Validé par le maître d'œuvre Atelier Moreau Architectes") == 1
    # And the statement's page says who validated it, when, and the correction
    page = client.get(reverse("inbox:detail", args=[statement.pk])).content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Validé par le maître d'œuvre Atelier Moreau Architectes le {today}" in page
    assert "Acompte arrêté à 9 800 € HT" in page
    assert (
        'id="validation-moe"' not in client.get(reverse("inbox:detail", args=[ordinary.pk])).content.decode()
    )

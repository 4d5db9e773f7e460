"""The maître d'œuvre previews a document from its list and its decision page, like the buyer's
inbox: the PDF inline in a sandboxed frame (checked against its SHA-256), downloads as
attachments, and never a document addressed to another structure."""

from __future__ import annotations

import pytest
from django.urls import reverse

from invoices.models import Document

from .moe_documents import PDF, attach_pdf, to_moe

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(acme, beaufort, moreau):
    return to_moe(supplier=acme, recipient=beaufort, moe=moreau, number="PDM-GYM-2026-11")


def test_the_moe_previews_a_statement_from_its_list_and_its_decision_page(client, statement, maxime):
    # Given ACME's statement with its legal PDF
    document = attach_pdf(statement)
    client.force_login(maxime)
    # When the MOE follows « Aperçu » from its list
    listing = client.get(reverse("tracking:validations")).content.decode()
    preview_page = reverse("tracking:validation_preview", args=[statement.pk])
    assert f'href="{preview_page}"' in listing
    page = client.get(preview_page).content.decode()
    # Then the PDF is shown in a sandboxed frame, with its download
    frame = reverse("tracking:validation_document_preview", args=[statement.pk, document.pk])
    assert f'class="chorus-pdf-preview" sandbox="" title="Aperçu du document" src="{frame}"' in page
    assert reverse("invoices:document_download", args=[statement.pk, document.pk]) in page
    # And the decision page shows the same frame above the decision form
    detail = client.get(reverse("tracking:validation_detail", args=[statement.pk])).content.decode()
    assert f'src="{frame}"' in detail and "Enregistrer ma décision" in detail
    assert detail.index(frame) < detail.index("Enregistrer ma décision")


def test_the_preview_is_inline_sandboxed_and_the_download_an_attachment(client, statement, maxime):
    document = attach_pdf(statement)
    client.force_login(maxime)
    url = reverse("tracking:validation_document_preview", args=[statement.pk, document.pk])
    # When the frame loads the PDF
    response = client.get(url)
    # Then it is the stored bytes, inline, framed by the portal only, never run with its origin
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["X-Content-Type-Options"] == "nosniff"
    # And the download link gives it as an attachment
    download = client.get(reverse("invoices:document_download", args=[statement.pk, document.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    # And an altered file is never delivered
    Document.objects.filter(pk=document.pk).update(sha256="0" * 64)
    assert client.get(url).status_code == 409


def test_a_document_of_another_structure_is_never_previewed(
    client, statement, acme, beaufort, bakery, bob, maxime
):
    # Given a statement addressed to another validator, with its PDF
    theirs = to_moe(supplier=acme, recipient=beaufort, moe=bakery, number="PDM-AUTRE")
    their_pdf = attach_pdf(theirs)
    mine = attach_pdf(statement)
    client.force_login(maxime)
    # When the MOE tries its ids, or mixes them with one of its own documents
    for url in (
        reverse("tracking:validation_preview", args=[theirs.pk]),
        reverse("tracking:validation_detail", args=[theirs.pk]),
        reverse("tracking:validation_document_preview", args=[theirs.pk, their_pdf.pk]),
        reverse("tracking:validation_document_preview", args=[statement.pk, their_pdf.pk]),
    ):
        # Then every answer is « not found »
        assert client.get(url).status_code == 404, url
    # And the bakery's user cannot preview the MOE's document either
    client.force_login(bob)
    assert (
        client.get(reverse("tracking:validation_document_preview", args=[statement.pk, mine.pk])).status_code
        == 404
    )


def test_only_a_pdf_is_shown_inline(client, statement, maxime):
    document = attach_pdf(statement)
    Document.objects.filter(pk=document.pk).update(content_type="application/xml", name="f.xml")
    client.force_login(maxime)
    url = reverse("tracking:validation_document_preview", args=[statement.pk, document.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("tracking:validation_preview", args=[statement.pk])).content.decode()
    assert "chorus-pdf-preview" not in page and "f.xml" in page

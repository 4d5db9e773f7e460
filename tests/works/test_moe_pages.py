"""The maître d'œuvre's pages: its documents to validate with its legal delay (15 days at most,
décret n° 2013-269 art. 9 II) and an overdue indicator, and its decision with a correction the
contractor reads."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from invoices.choices import Framework
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from tests.invoices.test_views import form_post
from tests.tracking.factories import make_invoice
from tracking.selectors import MOE_REVIEW_DAYS

pytestmark = pytest.mark.django_db


def test_the_moe_validates_from_its_dashboard_with_a_correction(
    client, alice, acme, beaufort, carla, maxime, moreau, django_capture_on_commit_callbacks
):
    # Given ACME's A4 naming Atelier Moreau as its maître d'œuvre
    technique = beaufort.services.get(code="TECHNIQUE")
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(
            supplier=acme, recipient=beaufort, service=technique, framework=Framework.A4, validator=moreau
        )
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_MOE
    # When the MOE opens its dashboard, the document is there with its legal delay: at most 15
    # days (décret n° 2013-269, art. 9 II), which the page states
    client.force_login(maxime)
    listing = client.get(reverse("tracking:validations"))
    row = listing.context["invoices"][0]
    assert row.pk == invoice.pk and not row.moe_overdue
    assert MOE_REVIEW_DAYS == 15
    assert row.moe_due == timezone.localdate(invoice.status_changed_at) + timedelta(days=15)
    assert "dans les 15 jours" in listing.content.decode()
    assert "Délai dépassé" not in listing.content.decode()
    # And once the delay has passed it is flagged
    Invoice.objects.filter(pk=invoice.pk).update(
        status_changed_at=timezone.now() - timedelta(days=MOE_REVIEW_DAYS + 1)
    )
    assert "Délai dépassé" in client.get(reverse("tracking:validations")).content.decode()
    # The commune does not see it yet
    client.force_login(carla)
    assert client.get(reverse("invoices:detail", args=[invoice.pk])).status_code == 404
    # When the MOE validates, correcting the amount with a reason
    client.force_login(maxime)
    url = reverse("tracking:validation_detail", args=[invoice.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "VALIDATION", "comment": "Acompte ramené à 9 800 € HT"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    # Then ACME reads the correction on its invoice page, and the commune now sees the document
    client.force_login(alice)
    page = client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert "Acompte ramené à 9 800 € HT" in page and "Transmise au maître d" in page
    client.force_login(carla)
    page = client.get(reverse("invoices:detail", args=[invoice.pk]))
    assert page.status_code == 200
    # And the commune's page shows the MOE's validation and its correction in the history
    html = page.content.decode()
    assert "Transmise au maître d" in html and "Acompte ramené à 9 800 € HT" in html


def test_acme_names_its_moe_on_the_web_form_and_the_moe_refuses(
    client, alice, acme, beaufort, carla, maxime, moreau, django_capture_on_commit_callbacks
):
    # Given the form offers the MOE's SIRET for works drafts
    client.force_login(alice)
    page = client.get(reverse("invoices:create")).content.decode()
    assert Framework.A4 in re.search(r'data-validator-frameworks="([^"]*)"', page).group(1)
    # When ACME sends an A4 naming Atelier Moreau on the web form and confirms
    fields = {
        "framework": Framework.A4,
        "service_code": "TECHNIQUE",
        "validator_identifier": "51234567900017",
    }
    response = client.post(reverse("invoices:create"), form_post("send", number="PDM-WEB-01", **fields))
    invoice = Invoice.objects.get(number="PDM-WEB-01")
    html = client.get(response.url).content.decode()
    version = re.search(r'name="version" value="([^"]+)"', html).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invoices:send_confirm", args=[invoice.pk]), {"version": version})
    invoice.refresh_from_db()
    # Then it waits for the MOE
    assert invoice.status == S.A_VALIDER_MOE and invoice.validator_id == moreau.pk
    # When the MOE refuses it with a reason from its page
    client.force_login(maxime)
    url = reverse("tracking:validation_detail", args=[invoice.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"action": "REFUS", "comment": "Métrés absents : joignez l'attachement contradictoire"}
        )
    invoice.refresh_from_db()
    assert invoice.status == S.REFUSEE_MOE
    # Then ACME sees the refusal and its reason; the commune never sees the document
    client.force_login(alice)
    page = client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert "Refusée par le maître d" in page and "Métrés absents" in page
    client.force_login(carla)
    assert client.get(reverse("invoices:detail", args=[invoice.pk])).status_code == 404

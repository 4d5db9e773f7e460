"""« (Optionnel) » only where the field may be left empty: derived from the same rules as the
checks, and following the answers the field depends on (issue 18, point 2)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from invoices.lifecycle.statuses import InvoiceStatus as S
from suppliers.forms import StructureCreateForm
from tests.invoices.test_views import form_post
from tracking.forms import ValidatorForm
from tracking.inbox.forms import BulkForm, ProcessForm

pytestmark = pytest.mark.django_db


def says_optional(html: str, field_id: str) -> bool:
    """Whether the label of ``field_id`` shows « (Optionnel) » (DSFR's mark or ours, not hidden)."""
    match = re.search(rf'<label for="{field_id}" class="fr-label">(.*?)</label>', html, re.S)
    assert match, field_id
    label = match.group(1)
    return bool(re.search(r"data-optional-mark>\s*\(Optionnel\)", label)) or (
        "(Optionnel)" in label and "data-optional-mark" not in label
    )


@pytest.fixture
def as_alice(client, world):
    client.force_login(world["alice"])
    return client


def test_the_service_code_is_required_when_the_recipient_requires_it(as_alice):
    # Given Beaufort, which requires a service code (the check CPRO-SERVICE-REQUIS)
    html = as_alice.post(reverse("invoices:create"), form_post("recipient", service_code="")).content.decode()
    # Then its label is not optional, and the engagement number (not required there) is
    assert not says_optional(html, "id_service_code")
    assert says_optional(html, "id_engagement_number")
    # And the fields needed to send never say « (Optionnel) »
    for field_id in ("id_number", "id_invoice_date", "id_recipient_siret"):
        assert not says_optional(html, field_id)
    # And the legend no longer speaks of asterisks that are not there
    assert "astérisque" not in html


def test_the_engagement_number_is_required_for_quimper(as_alice):
    # Given the hospital of Quimper, which requires an engagement number
    html = as_alice.post(
        reverse("invoices:create"), form_post("recipient", recipient_siret="26290001200010", service_code="")
    ).content.decode()
    assert not says_optional(html, "id_engagement_number")
    assert says_optional(html, "id_service_code")


def test_conditional_fields_carry_their_rule_for_the_script(as_alice):
    html = as_alice.get(reverse("invoices:create")).content.decode()
    # The VAT exemption reason is required for an exemption, the exchange rate out of euros
    assert 'data-required-when="vat_regime" data-required-values="EXONERATION"' in html
    assert re.search(r'data-required-when="currency" data-required-values="EUR" data-required-unless', html)
    assert "js/required-when.js" in html
    assert says_optional(html, "id_vat_exemption_reason")  # the default regime is not an exemption


def test_the_reason_is_required_to_suspend_or_reject():
    for form in (BulkForm(), ProcessForm(targets=[S.SUSPENDUE, S.MANDATEE], status=S.MISE_A_DISPOSITION)):
        html = str(form["reason_code"].as_field_group())
        assert 'data-required-when="to"' in html and "SUSPENDUE REJETEE" in html
    # When the buyer chose to reject, the page shown again says the reason is required
    html = str(BulkForm({"to": S.REJETEE})["reason_code"].as_field_group())
    assert "data-optional-mark hidden" in html
    # And a mandate number is required to mandate
    form = ProcessForm({"to": S.MANDATEE}, targets=[S.MANDATEE], status=S.SERVICE_FAIT)
    assert "data-optional-mark hidden" in str(form["mandate_number"].as_field_group())


def test_the_validator_motive_is_required_to_refuse():
    assert "data-optional-mark hidden" in str(ValidatorForm({"action": "REFUS"})["comment"].as_field_group())
    assert "data-optional-mark hidden" not in str(ValidatorForm()["comment"].as_field_group())


def test_the_identifier_is_required_for_a_siret_and_optional_for_a_private_person():
    siret = StructureCreateForm({"identifier_type": "SIRET"})
    assert "data-optional-mark hidden" in str(siret["identifier"].as_field_group())
    html = str(StructureCreateForm({"identifier_type": "PARTICULIER"})["identifier"].as_field_group())
    assert "data-optional-mark hidden" not in html and "(Optionnel)" in html

"""``seed_demo`` fills the dashboard: paper invoices, support requests and the summary tables."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from compliance.models import PaperInvoice, SupplierCompliance
from compliance.selectors import DashboardFilters, compliance_suppliers
from helpcentre.models import RequestStatus, SupportMessage, SupportRequest

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_paper_invoices_and_support_requests_idempotently():
    call_command("seed_demo")
    counts = (PaperInvoice.objects.count(), SupportRequest.objects.count(), SupportMessage.objects.count())
    assert counts[0] >= 9 and counts[1] == 3
    call_command("seed_demo")
    assert (
        PaperInvoice.objects.count(),
        SupportRequest.objects.count(),
        SupportMessage.objects.count(),
    ) == counts
    statuses = set(SupportRequest.objects.values_list("status", flat=True))
    assert statuses == {RequestStatus.OPEN, RequestStatus.ANSWERED, RequestStatus.CLOSED}
    # The demo supplier, a PME, is obliged from 1 January 2019 and listed on 1 March 2019.
    acme = SupplierCompliance.objects.get(key="81234567600017", recipient_category="")
    assert (acme.category, acme.obligation_on) == ("PME", date(2019, 1, 1))
    page = compliance_suppliers(filters=DashboardFilters(as_of=date(2019, 3, 1)), state="non_conformes")
    assert [row.name for row in page.rows] == ["ACME Fournitures"]
    assert page.rows[0].paper_count == 3


def test_demo_pages_render_for_staff_and_visitors(client, admin_user):
    # Given the demo data (processing times exist for some periods and measures only)
    call_command("seed_demo")
    client.raise_request_exception = True
    # Then visitors see the public statistics and the help centre
    assert client.get(reverse("compliance:statistics")).status_code == 200
    assert client.get(reverse("helpcentre:home")).status_code == 200
    # And staff see the complete statistics and the dashboard
    client.force_login(admin_user)
    assert client.get(reverse("compliance:statistics")).status_code == 200
    assert client.get(reverse("compliance:dashboard"), {"date": "2019-03-01"}).status_code == 200
    assert client.get(reverse("admin:helpcentre_supportrequest_changelist")).status_code == 200

"""The data set of the compliance stories. Expected figures are worked out by hand in the tests.

Suppliers (category → obligation date):
- ``ge`` Grand Groupe (GE → 2017-01-01, dép. 75): electronic 2017-03-10 (to Beaufort, API),
  paper 2016-12-01 (to Beaufort, before its obligation).
- ``eti`` Intermédiaire SA (ETI → 2018-01-01, dép. 69): paper 2018-06-01 (to Quimper),
  electronic 2019-01-15 (to Quimper, EDI).
- ``acme`` (PME → 2019-01-01, dép. 44): paper 2018-10-12 (before), electronic 2019-02-01 and
  2019-04-02 (to Beaufort, portal form), paper 2019-02-05 (to Beaufort).
- ``bakery`` (no category → 2020-01-01): electronic 2019-06-01 (to Quimper, PDF upload).
- ``micro`` Micro SARL (MICRO → 2020-01-01, dép. 29): paper 2019-05-01 (to Beaufort).
- ``regie`` Régie publique (public body → 2017-01-01): no invoice.
- Garage du Steir, SIRET 83147592600018, not registered: paper 2020-03-01 (to Quimper).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from compliance.models import PaperInvoice
from invoices.choices import Channel
from invoices.lifecycle.statuses import InvoiceStatus
from tests.factories import SupplierStructureFactory

from .helpers import at, make_invoice

GARAGE_SIRET = "83147592600018"


@dataclass
class World:
    ge: Any
    eti: Any
    acme: Any
    bakery: Any
    micro: Any
    regie: Any
    beaufort: Any
    quimper: Any
    invoices: dict[str, Any]


def paper(
    recipient, siret: str, number: str, day: date, amount: str = "100.00", supplier=None, name: str = ""
):
    return PaperInvoice.objects.create(
        recipient=recipient,
        supplier_siret=siret,
        number=number,
        invoice_date=day,
        amount_ttc=Decimal(amount),
        supplier=supplier,
        supplier_name=name,
    )


@pytest.fixture
def world(acme, bakery, beaufort, quimper) -> World:
    ge = SupplierStructureFactory(name="Grand Groupe", size_category="GE", postcode="75008", headcount=9000)
    eti = SupplierStructureFactory(
        name="Intermédiaire SA", size_category="ETI", postcode="69001", headcount=800
    )
    micro = SupplierStructureFactory(name="Micro SARL", size_category="MICRO", postcode="29000", headcount=3)
    regie = SupplierStructureFactory(name="Régie publique", is_public=True, postcode="35000")
    invoices = {
        "E1": make_invoice(
            supplier=ge,
            recipient=beaufort,
            deposited=at(2017, 3, 10),
            number="GE-1",
            channel=Channel.SAISIE_API,
            status=InvoiceStatus.MISE_EN_PAIEMENT,
            total_ttc=Decimal("1200.00"),
            available_after_hours=1,
            paid=at(2017, 4, 20),
            due_date=date(2017, 4, 9),
        ),
        "E2": make_invoice(
            supplier=eti,
            recipient=quimper,
            deposited=at(2019, 1, 15),
            number="ETI-1",
            channel=Channel.EDI,
            status=InvoiceStatus.MISE_EN_PAIEMENT,
            total_ttc=Decimal("600.00"),
            available_after_hours=4,
            paid=at(2019, 3, 1),  # no due date: the 50-day delay of a hospital applies (on time)
        ),
        "E3": make_invoice(
            supplier=acme,
            recipient=beaufort,
            deposited=at(2019, 2, 1),
            number="A-1",
            status=InvoiceStatus.MISE_EN_PAIEMENT,
            total_ttc=Decimal("240.00"),
            available_after_hours=2,
            paid=at(2019, 2, 20),
            due_date=date(2019, 3, 3),
        ),
        "E4": make_invoice(
            supplier=bakery,
            recipient=quimper,
            deposited=at(2019, 6, 1),
            number="B-1",
            channel=Channel.DEPOT_PDF_PORTAIL,
            status=InvoiceStatus.REJETEE,
            total_ttc=Decimal("60.00"),
        ),
        "E5": make_invoice(
            supplier=acme,
            recipient=beaufort,
            deposited=at(2019, 4, 2),
            number="A-2",
            status=InvoiceStatus.MISE_EN_PAIEMENT,
            total_ttc=Decimal("360.00"),
            available_after_hours=10,
            paid=at(2019, 5, 20),
            due_date=date(2019, 5, 2),
        ),
    }
    paper(beaufort, ge.identifier, "GE-P1", date(2016, 12, 1), supplier=ge)
    paper(quimper, eti.identifier, "ETI-P1", date(2018, 6, 1), supplier=eti)
    paper(beaufort, acme.identifier, "A-P0", date(2018, 10, 12), supplier=acme)
    # Recorded before the link to the registered supplier: the refresh links it by SIRET.
    paper(beaufort, acme.identifier, "A-P1", date(2019, 2, 5), "845.40")
    paper(beaufort, micro.identifier, "M-P1", date(2019, 5, 1), supplier=micro)
    paper(quimper, GARAGE_SIRET, "G-P1", date(2020, 3, 1), name="Garage du Steir")
    return World(ge, eti, acme, bakery, micro, regie, beaufort, quimper, invoices)

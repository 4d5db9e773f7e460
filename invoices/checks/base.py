"""Limits and the result shape shared by the checks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..amounts import Totals
from ..choices import (
    Channel,
)
from ..data import InvoiceData
from ..errors import CheckError

if TYPE_CHECKING:
    from entities.models import PublicStructure, Service
    from suppliers.models import SupplierStructure

    from ..models import Invoice

NUMBER_MAX_LENGTH = 60  # Invoice.number
ENGAGEMENT_MAX_LENGTH = 50  # numeroBonCommande (reference §5.4, OCA caps it at 50)
MARKET_MAX_LENGTH = 50
DESIGNATION_MAX_LENGTH = 512
REFERENCE_MAX_LENGTH = 100
EARLIEST_INVOICE_DATE = dt.date(2000, 1, 1)
# The channels where the portal itself writes the legal document (a Factur-X with a CII XML that
# must pass the EN 16931 rules); a deposited file is its own legal document.
GENERATED_CHANNELS = frozenset({Channel.SAISIE_PORTAIL, Channel.SAISIE_API})
_UNIT_CODE = re.compile(r"^[A-Z0-9]{1,3}$")


@dataclass(slots=True)
class Resolved:
    """What the checks looked up, so that the deposit does not query it again."""

    recipient: PublicStructure | None = None
    service: Service | None = None
    validator: SupplierStructure | None = None
    original_invoice: Invoice | None = None
    totals: Totals | None = None
    errors: list[CheckError] = field(default_factory=list)
    data: InvoiceData | None = None
    invoice: Invoice | None = None

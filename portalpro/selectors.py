"""Queries of Chorus Portal Pro: the recipients of each form and the official refund rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from entities.models import FormDesk, PublicStructure

from .models import TicRefundRate


def form_recipients(*, desk: str) -> list[PublicStructure]:
    """The active public structures of the directory that receive a form (``FormDesk``)."""
    return list(PublicStructure.objects.filter(form_desk=desk, active=True).order_by("name", "pk"))


def justice_recipients() -> list[PublicStructure]:
    return form_recipients(desk=FormDesk.JUSTICE)


def customs_offices() -> list[PublicStructure]:
    return form_recipients(desk=FormDesk.DOUANE)


@dataclass(frozen=True, slots=True)
class TicPeriod:
    start: dt.date
    end: dt.date

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @classmethod
    def from_key(cls, key: str) -> TicPeriod | None:
        try:
            start, end = (dt.date.fromisoformat(part) for part in key.split("_", 1))
        except ValueError:
            return None
        return cls(start=start, end=end)


def tic_periods() -> list[TicPeriod]:
    """The consumption periods for which official rates are published, most recent first."""
    rows = TicRefundRate.objects.values_list("period_start", "period_end").distinct()
    return sorted({TicPeriod(start=s, end=e) for s, e in rows}, key=lambda p: p.start, reverse=True)


def tic_rates(*, period: TicPeriod) -> list[TicRefundRate]:
    """The official rates of a period, one per product."""
    return list(
        TicRefundRate.objects.filter(period_start=period.start, period_end=period.end).order_by("product")
    )

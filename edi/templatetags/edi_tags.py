"""``{% edi_connection_panel account %}``: the EDI connection on the technical account page."""

from __future__ import annotations

from typing import Any

from django import template

from ..forms import EdiKeyForm
from ..selectors import edi_panel

register = template.Library()


@register.inclusion_tag("edi/_connection_panel.html")
def edi_connection_panel(account: Any) -> dict[str, Any]:
    return {"panel": edi_panel(account=account), "key_form": EdiKeyForm()}

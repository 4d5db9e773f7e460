"""Template tags of the structure pages."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.selectors import user_pending_requests

register = template.Library()


@register.simple_tag
def pending_requests(user: Any) -> list[Any]:
    """The user's requests to join structures that are not approved yet (at most 10 of each)."""
    if not getattr(user, "is_authenticated", False):
        return []
    supplier_requests, buyer_requests = user_pending_requests(user=user, limit=10)
    return [*supplier_requests, *buyer_requests]

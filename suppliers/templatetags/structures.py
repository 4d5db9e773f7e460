"""Template tags of the structure pages."""

from __future__ import annotations

from django import template

from entities.selectors import user_buyer_requests
from suppliers.selectors import user_supplier_requests

register = template.Library()


@register.simple_tag
def pending_requests(user) -> list:
    """The user's requests to join structures that are not approved yet (at most 10 of each)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [*user_supplier_requests(user=user)[:10], *user_buyer_requests(user=user)[:10]]

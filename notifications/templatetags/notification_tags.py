"""The header's unread count of the notification centre."""

from __future__ import annotations

from django import template

from notifications.selectors import UNREAD_CAP, unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> str:
    """The header's unread count ("99+" past the cap), one bounded query per page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    cached = getattr(request, "_chorus_unread", None)
    if cached is None:
        cached = unread_count(user=user)
        request._chorus_unread = cached  # type: ignore[attr-defined]
    if not cached:
        return ""
    return f"{UNREAD_CAP}+" if cached > UNREAD_CAP else str(cached)

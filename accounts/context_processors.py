from __future__ import annotations

from django.http import HttpRequest

from .workspace import workspaces_for_user


def portal(request: HttpRequest) -> dict:
    """The selected workspace and (lazily) the user's other ones, for the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"workspace": None, "workspaces": []}
    return {
        "workspace": getattr(request, "workspace", None),
        "workspaces": lambda: workspaces_for_user(user),
    }

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .workspace import current_workspace


class CurrentStructureMiddleware:
    """Attach ``request.workspace``: the structure the user works on (or None)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.workspace = None  # type: ignore[attr-defined]
        if request.user.is_authenticated and not request.path.startswith(("/cpro/", "/static/")):
            request.workspace = current_workspace(request)  # type: ignore[attr-defined]
        return self.get_response(request)

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French unless the user chose another language (language cookie set by the footer switch).

    A French public service answers in French: the browser's Accept-Language alone does not
    switch the portal to English.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PortalNotFoundPageMiddleware:
    """Serve the portal's own 404 page in the embedded default (DEBUG) too.

    With DEBUG on, Django answers an unknown address with its English technical page listing
    every URL pattern; a user trying the portal under ``make run`` should see the same page as
    in production. Only that technical page is replaced (it carries Django's robots marker);
    the traceback page of a 500 is kept for developers.
    """

    TECHNICAL_MARKER = b'<meta name="robots" content="NONE,NOARCHIVE">'

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not getattr(response, "streaming", False)
            and self.TECHNICAL_MARKER in response.content[:4000]
        ):
            from chorus.views import error_404

            return error_404(request)
        return response

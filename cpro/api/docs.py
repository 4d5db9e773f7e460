"""The OpenAPI 3 description (``/api/schema/``) and its browsable page (``/api/docs/``).

Swagger UI's files come from the ``drf-spectacular-sidecar`` package and are served by this app
itself (an allow-list of four files), so the page works without any CDN and without depending on
``STATICFILES`` configuration.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.views.decorators.cache import cache_control
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

SWAGGER_FILES = (
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "favicon-32x32.png",
)


def _sidecar_dir() -> Path:
    import drf_spectacular_sidecar

    return (
        Path(drf_spectacular_sidecar.__file__).parent
        / "static"
        / "drf_spectacular_sidecar"
        / "swagger-ui-dist"
    )


@cache_control(public=True, max_age=86400)
def swagger_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in SWAGGER_FILES:
        raise Http404
    path = _sidecar_dir() / name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(path.open("rb"), content_type=content_type)


class CproAuthenticationScheme(OpenApiAuthenticationExtension):
    """Two credentials on every call: the PISTE-style OAuth2 token and the technical account."""

    target_class = "cpro.api.auth.CproAuthentication"
    name = ["oauth2", "cproAccount"]
    match_subclasses = False

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[str]]:
        return {"oauth2": ["openid"], "cproAccount": []}

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        return [
            {
                "type": "oauth2",
                "description": "Jeton obtenu sur /api/oauth/token (client_credentials, scope openid), "
                "valable 3600 secondes, envoyé dans « Authorization: Bearer <jeton> ».",
                "flows": {
                    "clientCredentials": {"tokenUrl": "/api/oauth/token", "scopes": {"openid": "Accès"}}
                },
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "cpro-account",
                "description": "base64(« identifiant:mot de passe ») du compte technique de la structure.",
            },
        ]


class HealthCheckAuthenticationScheme(OpenApiAuthenticationExtension):
    """The health check needs the token only."""

    target_class = "cpro.api.transverses.lists.HealthCheckAuthentication"
    name = "oauth2JetonSeul"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "description": "Jeton obtenu sur /api/oauth/token ; aucun compte technique n'est demandé.",
            "flows": {"clientCredentials": {"tokenUrl": "/api/oauth/token", "scopes": {"openid": "Accès"}}},
        }


class ApiSchemaView(SpectacularAPIView):
    """Only the API's own paths (the portal pages are not part of the API)."""

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        from cpro.urls import api_patterns

        self.patterns = api_patterns
        return super().get(request, *args, **kwargs)


class ApiDocsView(SpectacularSwaggerView):
    title = "API Chorus (compatible Chorus Pro)"

    @staticmethod
    def _swagger_ui_resource(filename: str) -> str:
        return reverse("cpro:api_docs_asset", args=[filename])

    @staticmethod
    def _swagger_ui_favicon() -> str:
        return reverse("cpro:api_docs_asset", args=["favicon-32x32.png"])

"""``POST /api/oauth/token``: OAuth2 client credentials, as PISTE (reference §4.1).

Form-encoded ``grant_type=client_credentials, client_id, client_secret, scope=openid`` (or the
client in HTTP Basic, RFC 6749 §2.3.1) → ``{access_token, token_type: "Bearer", expires_in: 3600,
scope}``. Errors follow RFC 6749 §5.2 (``error``, ``error_description``), which OAuth client
libraries read, plus the ``codeRetour`` / ``libelle`` of the rest of the API.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import parsers, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..selectors import oauth_application_authenticate
from ..services import access_token_issue
from .errors import Code, api_exception_handler

# Brute force on a client secret: 20 failures per client_id (and per IP) per 15 minutes.
FAILURE_LIMIT = 20
FAILURE_WINDOW = 15 * 60


class TokenRequestSerializer(serializers.Serializer):
    grant_type = serializers.CharField(help_text="Toujours « client_credentials ».")
    client_id = serializers.CharField(required=False, max_length=80)
    client_secret = serializers.CharField(required=False, max_length=200)
    scope = serializers.CharField(required=False, default="openid")


class TokenResponseSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField()
    scope = serializers.CharField()


OAuthErrorSerializer = inline_serializer(
    "OAuthErreur",
    {
        "error": serializers.CharField(),
        "error_description": serializers.CharField(),
        "codeRetour": serializers.IntegerField(),
        "libelle": serializers.CharField(),
    },
)


def _error(error: str, description: str, status: int, code: int = Code.INVALID_REQUEST) -> Response:
    response = Response(
        {"error": error, "error_description": description, "codeRetour": code, "libelle": description},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="chorus"'
    return response


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        client_id, sep, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return (client_id, secret) if sep else None


class TokenView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    parser_classes = [parsers.FormParser, parsers.MultiPartParser]
    renderer_classes = [JSONRenderer]

    def get_exception_handler(self) -> Any:
        return api_exception_handler

    @extend_schema(
        operation_id="oauth_token",
        summary="Obtenir un jeton d'accès (OAuth2 client credentials)",
        tags=["OAuth"],
        auth=[],
        request={"application/x-www-form-urlencoded": TokenRequestSerializer},
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(OAuthErrorSerializer, description="Requête invalide"),
            401: OpenApiResponse(OAuthErrorSerializer, description="Client inconnu ou secret erroné"),
            429: OpenApiResponse(OAuthErrorSerializer, description="Trop d'échecs"),
        },
    )
    def post(self, request: Request) -> Response:
        data = request.data
        grant_type = str(data.get("grant_type", "")).strip()
        if grant_type != "client_credentials":
            return _error(
                "unsupported_grant_type",
                _("Seul grant_type=client_credentials est accepté (reçu : « %(g)s »).")
                % {"g": grant_type[:50]},
                400,
            )
        client_id = str(data.get("client_id", "")).strip()
        client_secret = str(data.get("client_secret", ""))
        basic = _basic_credentials(request.headers.get("Authorization", ""))
        if basic and not client_id:
            client_id, client_secret = basic
        if not client_id or not client_secret:
            return _error(
                "invalid_request",
                _("client_id et client_secret sont obligatoires (formulaire ou authentification Basic)."),
                400,
            )
        if len(client_id) > 80 or len(client_secret) > 200:
            return _error(
                "invalid_client", _("client_id ou client_secret trop long."), 401, Code.TOKEN_INVALID
            )
        scopes = str(data.get("scope", "") or "openid").split()
        if any(scope != "openid" for scope in scopes):
            return _error("invalid_scope", _("Seul le scope « openid » est proposé."), 400)
        ip = request.META.get("REMOTE_ADDR", "")
        keys = [f"cpro:token-fail:id:{client_id}", f"cpro:token-fail:ip:{ip}"]
        if any((cache.get(key) or 0) >= FAILURE_LIMIT for key in keys):
            response = _error(
                "slow_down",
                _("Trop d'échecs d'authentification pour ce client : réessayez dans 15 minutes."),
                429,
                Code.RATE_LIMITED,
            )
            response["Retry-After"] = str(FAILURE_WINDOW)
            return response
        application = oauth_application_authenticate(client_id=client_id, client_secret=client_secret)
        if application is None:
            for key in keys:
                cache.add(key, 0, FAILURE_WINDOW)
                try:
                    cache.incr(key)
                except ValueError:
                    cache.set(key, 1, FAILURE_WINDOW)
            return _error(
                "invalid_client",
                _(
                    "Client inconnu, désactivé ou secret erroné : vérifiez le client_id et le "
                    "client_secret de votre application OAuth sur le portail."
                ),
                401,
                Code.TOKEN_INVALID,
            )
        issued = access_token_issue(application=application, scope="openid")
        response = Response(
            {
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "expires_in": issued.expires_in,
                "scope": issued.scope,
            }
        )
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response

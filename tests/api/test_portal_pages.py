"""OAuth applications on the portal, the guide, the OpenAPI schema and its documentation page,
and the demo data of the README."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password

from cpro.models import OAuthApplication
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_user_creates_an_application_and_sees_the_secret_once(client, alice):
    client.login(email=alice.email, password=PASSWORD)
    response = client.post("/api/applications/nouvelle/", {"name": "Mon ERP"}, follow=True)
    application = OAuthApplication.objects.get(owner=alice)
    secret = response.context["secret"]
    assert secret and check_password(secret, application.client_secret_hash)
    assert secret in response.content.decode()
    # The secret is gone on the next visit
    again = client.get(f"/api/applications/{application.pk}/")
    assert secret not in again.content.decode()
    # And the token endpoint accepts it
    token = client.post(
        "/api/oauth/token",
        {"grant_type": "client_credentials", "client_id": application.client_id, "client_secret": secret},
    )
    assert token.status_code == 200


def test_empty_name_is_refused_in_french(client, alice):
    client.login(email=alice.email, password=PASSWORD)
    response = client.post("/api/applications/nouvelle/", {"name": "  "})
    assert "Donnez un nom à l" in response.content.decode()
    assert not OAuthApplication.objects.exists()


def test_another_users_application_is_404(client, alice, bob):
    from cpro.services import oauth_application_create

    application, _ = oauth_application_create(owner=bob, name="ERP de Bob")
    client.login(email=alice.email, password=PASSWORD)
    assert client.get(f"/api/applications/{application.pk}/").status_code == 404
    assert client.post(f"/api/applications/{application.pk}/", {"action": "delete"}).status_code == 404
    assert OAuthApplication.objects.filter(pk=application.pk).exists()


def test_rotating_the_secret_revokes_the_old_one(client, alice):
    from cpro.services import oauth_application_create

    application, old = oauth_application_create(owner=alice, name="ERP")
    client.login(email=alice.email, password=PASSWORD)
    client.post(f"/api/applications/{application.pk}/", {"action": "rotate"})
    token = client.post(
        "/api/oauth/token",
        {"grant_type": "client_credentials", "client_id": application.client_id, "client_secret": old},
    )
    assert token.status_code == 401


def test_admin_sees_every_application(client, admin_user, bob):
    from cpro.services import oauth_application_create

    oauth_application_create(owner=bob, name="ERP de Bob")
    client.force_login(admin_user)
    assert "ERP de Bob" in client.get("/api/applications/?toutes=1").content.decode()


def test_guide_schema_and_docs_are_served(client):
    guide = client.get("/api/demarrer/").content.decode()
    assert "Démarrer avec l'API" in guide and "deposer/flux" in guide and "demo-client-secret" in guide
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/cpro/factures/v1/deposer/flux" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger-ui-bundle.js" in docs.content
    asset = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert client.get("/api/docs/assets/..%2Fsettings.py").status_code == 404


def test_seed_demo_creates_the_documented_api_accounts_idempotently(client):
    from django.core.management import call_command

    from accounts.models import TechnicalAccount

    call_command("seed_demo")
    call_command("seed_demo")
    token = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": "demo-client",
            "client_secret": "demo-client-secret",
            "scope": "openid",
        },
    )
    assert token.status_code == 200
    acme = TechnicalAccount.objects.get(login="TECH-ACME")
    beaufort = TechnicalAccount.objects.get(login="TECH-BEAUFORT")
    assert acme.supplier_structure.name == "ACME Fournitures"
    assert beaufort.public_structure.name == "Commune de Beaufort-en-Anjou"
    assert check_password("Demo-Tech-2026!", acme.password) and check_password(
        "Demo-Tech-2026!", beaufort.password
    )
    # The guide's sample invoice is a Factur-X of the demo data
    sample = client.get("/api/exemple/facture-demo.pdf")
    assert sample.status_code == 200 and sample.content.startswith(b"%PDF")

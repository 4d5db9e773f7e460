"""The portal side: the technical account page shows the EDI connection and manages its keys;
admins see connections and traffic."""

from __future__ import annotations

import asyncssh
from django.urls import reverse

from edi.models import EdiAction, EdiKey, EdiLog
from edi.server import host_key
from edi.services import edi_connection_for_account, edi_log
from tests.structures.conftest import log_in


def public_key() -> str:
    return asyncssh.generate_private_key("ssh-ed25519", comment="erp@acme").export_public_key().decode()


def test_technical_account_page_shows_the_edi_connection_and_registers_a_key(
    client, alice, acme, tech_acme, edi_settings
):
    # Given the SFTP server has its host key, and ACME's manager on the technical account page
    fingerprint = host_key().get_fingerprint("sha256")
    log_in(client, alice, f"fournisseur:{acme.pk}")
    page = client.get(reverse("suppliers:technical_account")).content.decode()
    # Then the page shows host, port, login and the host key's fingerprint
    assert "Connexion EDI (SFTP)" in page
    assert "127.0.0.1" in page and str(edi_settings.EDI_SFTP_PORT) in page
    assert "sftp -P" in page and "TECH-ACME@127.0.0.1" in page
    assert fingerprint in page
    # When she registers her ERP's public key
    response = client.post(reverse("edi:key_add"), {"label": "ERP", "public_key": public_key()})
    assert response.status_code == 302
    # Then it is listed with its fingerprint
    key = EdiKey.objects.get(connection__account=tech_acme)
    page = client.get(reverse("suppliers:technical_account")).content.decode()
    assert key.fingerprint in page and "ERP" in page
    # And a text that is no key is refused
    client.post(reverse("edi:key_add"), {"label": "x", "public_key": "pas une clé"})
    assert EdiKey.objects.count() == 1
    # And she can remove the key
    client.post(reverse("edi:key_remove", args=[key.pk]))
    assert not EdiKey.objects.exists()


def test_last_exchanges_are_shown_and_another_structure_cannot_touch_the_keys(
    client, alice, acme, tech_acme, bob, bakery, tech_bakery, edi_settings
):
    # Given a deposit in ACME's journal and a key on its connection
    connection = edi_connection_for_account(account=tech_acme)
    edi_log(connection=connection, action=EdiAction.DEPOT, name="facture-0042.xml", size=1234)
    log_in(client, alice, f"fournisseur:{acme.pk}")
    client.post(reverse("edi:key_add"), {"label": "ERP", "public_key": public_key()})
    key = EdiKey.objects.get()
    # Then ACME's page lists the exchange
    assert "facture-0042.xml" in client.get(reverse("suppliers:technical_account")).content.decode()
    # And the bakery's manager neither sees it nor removes ACME's key
    client.logout()
    log_in(client, bob, f"fournisseur:{bakery.pk}")
    page = client.get(reverse("suppliers:technical_account")).content.decode()
    assert "facture-0042.xml" not in page and key.fingerprint not in page
    assert client.post(reverse("edi:key_remove", args=[key.pk])).status_code == 404
    assert EdiKey.objects.filter(pk=key.pk).exists()


def test_admin_sees_connections_and_traffic(client, admin_user, tech_acme, edi_settings):
    connection = edi_connection_for_account(account=tech_acme)
    edi_log(connection=connection, action=EdiAction.CONNEXION, detail="password", remote_addr="127.0.0.1")
    client.force_login(admin_user)
    assert "TECH-ACME" in client.get(reverse("admin:edi_ediconnection_changelist")).content.decode()
    page = client.get(reverse("admin:edi_edilog_changelist")).content.decode()
    assert "TECH-ACME" in page and EdiLog.objects.count() == 1


def test_demo_seed_resets_tech_acme_edi_connection(tech_acme, edi_settings):
    from django.utils import timezone

    from edi import demo
    from edi.models import EdiConnection

    # Given TECH-ACME's connection locked out and without status files
    connection = edi_connection_for_account(account=tech_acme)
    locked = timezone.now() + timezone.timedelta(hours=1)
    EdiConnection.objects.filter(pk=connection.pk).update(locked_until=locked)
    # When the demo is seeded (twice: idempotent)
    for _ in range(2):
        demo.seed(users={}, suppliers={}, entities={})
    # Then the connection is open again, with status files, and its folders exist
    connection.refresh_from_db()
    assert connection.locked_until is None and connection.status_files
    assert (edi_settings.EDI_ROOT / "home" / "TECH-ACME" / "depot").is_dir()
    assert EdiConnection.objects.count() == 1

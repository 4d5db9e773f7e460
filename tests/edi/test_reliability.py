"""Bounds of the EDI folders: temporary names, quota, size, purge after 30 days, host key."""

from __future__ import annotations

import os
import time

import pytest
from lxml import etree

from edi import formats, storage
from edi.models import EdiConnection, EdiFile, EdiFileKind
from edi.server import host_key, host_key_fingerprint
from edi.services import edi_connection_for_account, edi_returns_purge
from tests.edi.conftest import put, wait_for_return


@pytest.mark.django_db(transaction=True)
def test_a_file_under_a_temporary_name_is_not_taken_until_renamed(edi_server, tech_acme, cii):
    sftp = edi_server.client("TECH-ACME")
    # Given a file still being written under a temporary name, older than the stability delay
    put(sftp, "depot/facture.xml.filepart", cii("EDI-2026-0100"))
    time.sleep(1.0)
    # Then it is still there, untouched
    assert sftp.listdir("depot") == ["facture.xml.filepart"]
    assert not EdiFile.objects.exists()
    # When it is renamed to its final name, it is taken
    sftp.rename("depot/facture.xml.filepart", "depot/facture.xml")
    _name, content = wait_for_return(sftp, "_CR_")
    assert etree.fromstring(content).findtext(".//EtatFlux") == "IN_INTEGRE"


@pytest.mark.django_db(transaction=True)
def test_a_file_beyond_the_quota_is_refused_with_a_clear_cr(edi_server, tech_acme):
    # Given ACME's connection has a 4 kB quota
    connection = edi_connection_for_account(account=tech_acme)
    EdiConnection.objects.filter(pk=connection.pk).update(quota_bytes=4096)
    sftp = edi_server.client("TECH-ACME")
    # When its system puts a 10 kB file
    with pytest.raises(OSError), sftp.open("depot/gros-lot.zip", "wb") as handle:
        handle.write(b"x" * 10_000)
    # Then the partial file is gone and a CR IN_REJETE says the quota is reached and what to do
    _name, content = wait_for_return(sftp, "CR_REFUS")
    cr = etree.fromstring(content)
    formats.schema().assertValid(cr)
    assert cr.findtext(".//EtatFlux") == "IN_REJETE"
    assert cr.findtext(".//NomFichier") == "gros-lot.zip"
    assert cr.findtext(".//CodeErreur") == "EDI-QUOTA"
    assert "quota disque" in cr.findtext(".//LibelleErreur")
    assert "Supprimez les fichiers déjà lus de retour/" in cr.findtext(".//LibelleErreur")
    assert sftp.listdir("depot") == []


def test_returns_older_than_30_days_are_purged(edi_settings, tech_acme):
    # Given a CR of 31 days ago and one of yesterday in ACME's retour/
    box = storage.folders(tech_acme.login)
    old = box.retour / "20261101T000000000000Z_CR_A.xml"
    recent = box.retour / "20261204T000000000000Z_CR_B.xml"
    for path, days in ((old, 31), (recent, 1)):
        path.write_bytes(b"<CPPStatut/>")
        stamp = time.time() - days * 86400
        os.utime(path, (stamp, stamp))
    # When the daily purge runs
    purged = edi_returns_purge()
    # Then only the old one is gone
    assert purged == 1 and not old.exists() and recent.exists()


def test_the_host_key_is_generated_once_and_kept(edi_settings):
    # Given no host key yet
    assert host_key_fingerprint() == ""
    # When the server starts twice
    first = host_key().get_fingerprint("sha256")
    second = host_key().get_fingerprint("sha256")
    # Then the same key is used, readable by its owner only, and its fingerprint is published
    assert first == second == host_key_fingerprint()
    assert oct(edi_settings.EDI_HOST_KEY.stat().st_mode & 0o777) == "0o600"


def test_status_files_start_from_now_not_from_the_past(edi_settings, tech_acme):
    from edi.services import edi_returns_export, edi_status_files_set
    from invoices.lifecycle.models import StatusEvent

    # Given a connection that turns status files on
    connection = edi_status_files_set(connection=edi_connection_for_account(account=tech_acme), enabled=True)
    # Then its cursor is the last event so far and an export writes nothing of the past
    last = StatusEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert connection.status_cursor == last
    assert edi_returns_export(connection_id=connection.pk) == 0
    assert not EdiFile.objects.filter(kind=EdiFileKind.STATUT).exists()


def test_a_flow_whose_integration_message_was_lost_is_integrated_by_the_sweep(
    edi_settings, tech_acme, cii, django_capture_on_commit_callbacks
):
    # Given a file taken from depot/ whose flow was created but whose integration message was lost
    from cpro.flux import flow_deposit
    from edi.models import EdiFileState
    from edi.services import EdiPrincipal, edi_flows_resume
    from invoices.models import DepositFlow

    connection = edi_connection_for_account(account=tech_acme)
    with django_capture_on_commit_callbacks(execute=False):  # the message never reaches a worker
        flow = flow_deposit(
            principal=EdiPrincipal(connection),
            content=cii("EDI-2026-0200"),
            filename="f.xml",
            syntax="",
            channel="EDI",
        )
    EdiFile.objects.create(
        connection=connection,
        kind=EdiFileKind.DEPOT,
        state=EdiFileState.PRIS,
        name="f.xml",
        flow=flow,
        flow_number=flow.number,
        taken_at=flow.created_at,
    )
    # When the sweep finds it still waiting
    with django_capture_on_commit_callbacks(execute=True):
        assert edi_flows_resume(older_than=0) == 1
    # Then it is integrated, once
    assert DepositFlow.objects.get(pk=flow.pk).status == "IN_INTEGRE"
    assert edi_flows_resume(older_than=0) == 0


@pytest.mark.django_db(transaction=True)
def test_a_zip_of_several_invoices_is_one_flow_partially_integrated(edi_server, tech_acme, cii):
    import io
    import zipfile

    from invoices.models import Invoice

    # Given a ZIP of two valid invoices and a file that is none
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("f1.xml", cii("EDI-2026-0301"))
        bundle.writestr("f2.xml", cii("EDI-2026-0302"))
        bundle.writestr("notes.xml", b"<Notes/>")
    sftp = edi_server.client("TECH-ACME")
    # When it is put in depot/
    put(sftp, "depot/lot.zip", archive.getvalue())
    # Then one CR says IN_INTEGRE_PARTIEL (96), lists the two invoices and the error of the third
    _name, content = wait_for_return(sftp, "_CR_")
    cr = etree.fromstring(content)
    formats.schema().assertValid(cr)
    assert cr.findtext(".//EtatFlux") == "IN_INTEGRE_PARTIEL" and cr.findtext(".//IdStatut") == "96"
    assert sorted(n.text for n in cr.iter("NumeroFacture")) == ["EDI-2026-0301", "EDI-2026-0302"]
    assert "notes.xml" in cr.findtext(".//LibelleErreur")
    assert Invoice.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_file_over_the_size_bound_is_refused_with_a_cr(edi_server, tech_acme, monkeypatch):
    from edi import services

    # Given the deposit bound of the API (120 MB), here lowered to 4 kB to keep the test fast
    monkeypatch.setattr(services, "max_file_bytes", lambda: 4096)
    sftp = edi_server.client("TECH-ACME")
    # When a bigger file is put
    with pytest.raises(OSError), sftp.open("depot/enorme.pdf", "wb") as handle:
        handle.write(b"%PDF-" + b"0" * 10_000)
    # Then it is not kept and the CR says it is too big
    _name, content = wait_for_return(sftp, "CR_REFUS")
    cr = etree.fromstring(content)
    assert cr.findtext(".//CodeErreur") == "EDI-TAILLE"
    assert "120 Mo" in cr.findtext(".//LibelleErreur")
    assert sftp.listdir("depot") == []

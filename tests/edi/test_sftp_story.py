"""The story of a supplier's system on the EDI SFTP server: real server, real paramiko client.

It puts an invoice in ``depot/``, picks up the report (CR) in ``retour/``, follows the invoice's
statuses as files; a wrong password, ``..`` and another account's folders are refused.
"""

from __future__ import annotations

import pytest
from lxml import etree

from edi import formats
from edi.models import EdiAction, EdiConnection, EdiFile, EdiFileKind, EdiLog
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import DepositFlow, Invoice
from tests.edi.conftest import PASSWORD, put, read, wait_for, wait_for_return

pytestmark = pytest.mark.django_db(transaction=True)


def parsed(content: bytes) -> etree._Element:
    """The XML, checked against the XSD of the repository."""
    document = etree.fromstring(content)
    formats.schema().assertValid(document)
    return document


def test_a_valid_cii_put_in_depot_is_integrated_and_its_cr_appears_in_retour(edi_server, tech_acme, cii):
    # Given ACME's system connected with its technical account's login and password
    sftp = edi_server.client("TECH-ACME")
    assert sorted(sftp.listdir(".")) == ["depot", "retour"]
    # When it puts a valid CII invoice in depot/
    xml = cii("EDI-2026-0001")
    put(sftp, "depot/facture-EDI-0001.xml", xml)
    # Then a CR IN_INTEGRE appears in retour/, valid against the XSD, naming the file and the invoice
    name, content = wait_for_return(sftp, "_CR_")
    cr = parsed(content)
    assert cr.findtext(".//EtatFlux") == "IN_INTEGRE"
    assert cr.findtext(".//IdStatut") == "90"
    assert cr.findtext(".//NomFichier") == "facture-EDI-0001.xml"
    flow = DepositFlow.objects.get(number=cr.findtext(".//IdFlux"))
    assert name.endswith(f"_CR_{flow.number}.xml")
    assert flow.channel == "EDI" and flow.status == "IN_INTEGRE"
    # And the file left depot/ (kept in the flow's archive, byte for byte)
    assert sftp.listdir("depot") == []
    with flow.file.open("rb") as archived:
        assert archived.read() == xml
    # And the invoice reaches MISE_A_DISPOSITION, with its Chorus id in the CR
    invoice = Invoice.objects.get(flow=flow)
    assert cr.findtext(".//Facture/IdFactureCPP") == str(invoice.pk)
    wait_for(
        lambda: Invoice.objects.get(pk=invoice.pk).status == S.MISE_A_DISPOSITION, what="MISE_A_DISPOSITION"
    )
    # And the flow was taken once: one claim, one flow, one CR
    assert EdiFile.objects.filter(kind=EdiFileKind.DEPOT).count() == 1
    assert DepositFlow.objects.count() == 1
    assert EdiFile.objects.filter(kind=EdiFileKind.CR).count() == 1


def test_an_invalid_file_gets_a_rejection_cr_with_the_reason(edi_server, tech_acme):
    # Given ACME's system connected
    sftp = edi_server.client("TECH-ACME")
    # When it puts a file that is no invoice, under a temporary name then renamed (the safe way)
    put(sftp, "depot/commande.xml.part", b"<Commande><Numero>12</Numero></Commande>")
    sftp.rename("depot/commande.xml.part", "depot/commande.xml")
    # Then the CR says IN_REJETE, with the rule and the French reason
    _name, content = wait_for_return(sftp, "_CR_")
    cr = parsed(content)
    assert cr.findtext(".//EtatFlux") == "IN_REJETE"
    assert cr.findtext(".//IdStatut") == "93"
    assert cr.findtext(".//NomFichier") == "commande.xml"
    lines = cr.findall(".//LigneErreurDetail")
    assert lines and all(line.findtext("CodeErreur") for line in lines)
    message = lines[0].findtext("LibelleErreur")
    assert f"[{lines[0].findtext('CodeErreur')}]" in message and "Formats acceptés" in message
    assert "commande.xml" in message
    assert not Invoice.objects.exists()


def test_the_buyer_suspends_the_invoice_and_a_status_file_appears(edi_server, tech_acme, cii, carla):
    # Given ACME's connection asks for status files, and its invoice deposited by SFTP is available
    from edi.services import edi_connection_for_account, edi_status_files_set
    from tracking.services import invoice_buyer_process

    edi_status_files_set(connection=edi_connection_for_account(account=tech_acme), enabled=True)
    sftp = edi_server.client("TECH-ACME")
    put(sftp, "depot/facture.xml", cii("EDI-2026-0002"))
    wait_for_return(sftp, "_CR_")
    invoice = wait_for(
        lambda: Invoice.objects.filter(number="EDI-2026-0002", status=S.MISE_A_DISPOSITION).first(),
        what="the invoice available to the buyer",
    )
    # When the buyer suspends it with a reason
    invoice_buyer_process(
        invoice_id=invoice.pk,
        to=S.SUSPENDUE,
        actor=carla,
        reason_code="JUSTIF_ABS",
        comment="Le bon de livraison signé manque.",
    )
    # Then a status file SUSPENDUE appears in retour/ with the number, Chorus id, reason and comment
    name, content = wait_for_return(sftp, "<CodeStatut>SUSPENDUE</CodeStatut>")
    status = parsed(content)
    assert "_STATUT_" in name
    assert status.findtext(".//IdStatut") == "06"
    assert status.findtext(".//IdFacture") == "EDI-2026-0002"
    assert status.findtext(".//IdFactureCPP") == str(invoice.pk)
    assert status.findtext(".//ComplementStatut") == "JUSTIF_ABS"
    assert status.findtext(".//LibelleMotif")
    assert status.findtext(".//Commentaire") == "Le bon de livraison signé manque."
    # And the names of retour/ sort by date: the suspension, the latest event, comes last, after
    # the CR and the status files of the deposit and the routing
    names = sorted(sftp.listdir("retour"))
    assert names[-1] == name and any("_CR_" in n for n in names[:-1])
    assert {"DEPOSEE", "MISE_A_DISPOSITION"} <= {
        parsed(read(sftp, f"retour/{n}")).findtext(".//CodeStatut") for n in names if "_STATUT_" in n
    }
    # And once read, the supplier deletes it
    sftp.remove(f"retour/{name}")
    assert name not in sftp.listdir("retour")


def test_a_wrong_password_is_refused_and_repeated_failures_lock_the_connection(
    edi_server, tech_acme, settings
):
    import paramiko

    # Given ACME's technical account
    # When a client tries a wrong password
    with pytest.raises(paramiko.AuthenticationException):
        edi_server.client("TECH-ACME", password="pas-le-bon")
    # Then it is refused and logged
    assert EdiLog.objects.filter(login="TECH-ACME", action=EdiAction.ECHEC).exists()
    # And after five failures even the right password is refused for a while
    for _ in range(settings.EDI_MAX_FAILED_LOGINS - 1):
        with pytest.raises(paramiko.AuthenticationException):
            edi_server.client("TECH-ACME", password="pas-le-bon")
    with pytest.raises(paramiko.AuthenticationException):
        edi_server.client("TECH-ACME", password=PASSWORD)
    assert EdiConnection.objects.get(account=tech_acme).locked_until is not None


def test_a_registered_ssh_key_connects_and_an_unknown_one_does_not(edi_server, tech_acme):
    import paramiko

    from edi.services import edi_connection_for_account, edi_key_add

    # Given a key registered on ACME's technical account page, and another key that is not
    key = paramiko.RSAKey.generate(2048)
    stranger = paramiko.RSAKey.generate(2048)
    edi_key_add(
        connection=edi_connection_for_account(account=tech_acme),
        public_key=f"{key.get_name()} {key.get_base64()} erp@acme",
        label="ERP",
        actor=None,
    )
    # When the system connects with the registered key (no password), it is in
    sftp = edi_server.client("TECH-ACME", password=None, key=key)
    assert sorted(sftp.listdir(".")) == ["depot", "retour"]
    # And with the other key it is refused
    with pytest.raises(paramiko.AuthenticationException):
        edi_server.client("TECH-ACME", password=None, key=stranger)


def test_dot_dot_and_paths_outside_the_folders_are_refused(edi_server, tech_acme):
    sftp = edi_server.client("TECH-ACME")
    # When the client tries to leave its folders
    for attempt in (
        lambda: sftp.listdir("../"),
        lambda: sftp.listdir("depot/../.."),
        lambda: put(sftp, "../evasion.xml", b"x"),
        lambda: put(sftp, "depot/../../spool/x.xml", b"x"),
        lambda: sftp.listdir("/etc"),
        lambda: put(sftp, "retour/faux-cr.xml", b"x"),
        lambda: sftp.mkdir("depot/sous-dossier"),
    ):
        # Then each attempt is refused
        with pytest.raises(OSError):
            attempt()
    assert sorted(sftp.listdir("/")) == ["depot", "retour"]


def test_another_account_does_not_see_acme_files(edi_server, tech_acme, tech_bakery, cii):
    # Given ACME's CR in its retour/
    acme = edi_server.client("TECH-ACME")
    put(acme, "depot/facture.xml", cii("EDI-2026-0003"))
    acme_cr, _content = wait_for_return(acme, "_CR_")
    # When the bakery's system connects
    bakery = edi_server.client("TECH-BOULANGERIE")
    # Then it sees only its own, empty folders, and cannot reach ACME's files by any path
    assert sorted(bakery.listdir("/")) == ["depot", "retour"]
    assert bakery.listdir("retour") == [] and bakery.listdir("depot") == []
    for path in (f"retour/{acme_cr}", f"../TECH-ACME/retour/{acme_cr}", f"/TECH-ACME/retour/{acme_cr}"):
        with pytest.raises(OSError):
            bakery.stat(path)


def test_an_address_that_guesses_many_logins_is_blocked(edi_server, tech_acme, settings):
    import paramiko

    # Given an address that tried as many wrong logins as allowed (10 by default, 3 here)
    settings.EDI_MAX_FAILED_PER_ADDRESS = 3
    for login in ("ADMIN", "ROOT", "TECH-X"):
        with pytest.raises(paramiko.AuthenticationException):
            edi_server.client(login, password="devine")
    # Then even a right login and password from it is refused for a while
    with pytest.raises(paramiko.AuthenticationException):
        edi_server.client("TECH-ACME", password=PASSWORD)
    wait_for(
        lambda: EdiLog.objects.filter(action=EdiAction.VERROU, detail="address").exists(), what="the journal"
    )
    # And ACME's own connection is not locked (another address would get in)
    assert not EdiConnection.objects.filter(account=tech_acme, locked_until__isnull=False).exists()

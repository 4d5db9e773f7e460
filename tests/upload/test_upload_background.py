"""Large uploads never half-succeed (issue 19, point 3): the request stores the files and answers
at once; each file is validated and deposited in the background, all or nothing, and the
upload's page follows every file's verdict. A 20,000-line invoice is refused before the rules
run (documented line limit); `make serve` and docker-compose run gunicorn alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree

from chorus.celery import app
from invoices.choices import Channel, DocumentRole
from invoices.models import Invoice, UploadItem
from invoices.services import invoice_deposit
from invoices.tasks import upload_item_process_task
from invoices.validation import validate_document
from invoices.validation.limits import MAX_INVOICE_LINES
from tests.invoices.conftest import valid_data

from .test_upload_accepted import _renumber

pytestmark = pytest.mark.django_db
URL = "/factures/deposer/"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cii(acme, alice, beaufort, django_capture_on_commit_callbacks) -> bytes:
    """The CII of an ACME → Beaufort invoice, as the supplier's software made it."""
    from facturx import get_xml_from_pdf

    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_deposit(
            supplier=acme, data=valid_data(number="FOND-0"), actor=alice, channel=Channel.SAISIE_PORTAIL
        )
    with invoice.documents.get(role=DocumentRole.INVOICE).file.open("rb") as handle:
        _name, xml = get_xml_from_pdf(handle.read(), check_xsd=False)
    return xml


@pytest.fixture
def real_queue(monkeypatch):
    """Tasks go to the broker (Celery's in-memory transport) instead of running in the request,
    as with `make worker`: the test plays the worker."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)


def test_the_request_stores_the_files_and_a_page_follows_each_verdict(client, alice, acme, cii, real_queue):
    client.force_login(alice)
    files = [SimpleUploadedFile(f"FOND-{n}.xml", _renumber(cii, f"FOND-{n}")) for n in (1, 2)]
    files.append(SimpleUploadedFile("n-importe-quoi.xml", b"<pas-une-facture/>"))
    # When the supplier uploads three files
    response = client.post(URL, {"files": files})
    # Then the request answers at once, with the page of this upload, before any deposit
    assert response.status_code == 302
    status_url = response["Location"]
    assert Invoice.objects.filter(supplier=acme, number__in=["FOND-1", "FOND-2"]).count() == 0
    page = client.get(status_url)
    body = page.content.decode()
    assert "0 fichier(s) traité(s) sur 3" in body and 'http-equiv="refresh"' in body
    items = list(UploadItem.objects.order_by("position"))
    assert [i.state for i in items] == ["EN_ATTENTE"] * 3
    # When the worker has taken the first file only
    upload_item_process_task.apply(args=[items[0].pk])
    body = client.get(status_url).content.decode()
    # Then the page shows the progress, never a half-known batch
    assert "1 fichier(s) traité(s) sur 3" in body
    assert Invoice.objects.filter(supplier=acme, number="FOND-1").exists()
    # When every file is done
    for item in items[1:]:
        upload_item_process_task.apply(args=[item.pk])
    body = client.get(status_url).content.decode()
    # Then the page gives each file's verdict
    assert "Résultat du dépôt" in body and 'http-equiv="refresh"' not in body
    assert "FOND-1.xml — déposée" in body and "FOND-2.xml — déposée" in body
    assert "n-importe-quoi.xml — refusée" in body
    # and the uploaded copies are removed once their verdicts are recorded
    assert not any(default_storage.exists(item.file.name) for item in items)
    # and running a task again changes nothing (idempotent)
    upload_item_process_task.apply(args=[items[0].pk])
    assert Invoice.objects.filter(supplier=acme, number="FOND-1").count() == 1


def test_a_file_retaken_after_a_worker_crash_is_not_deposited_twice(client, alice, acme, cii, real_queue):
    client.force_login(alice)
    client.post(URL, {"files": [SimpleUploadedFile("FOND-3.xml", _renumber(cii, "FOND-3"))]})
    item = UploadItem.objects.get()
    # Given a worker killed after depositing the invoice, before recording the verdict (the
    # stored upload is still there, the item still "in progress")
    with default_storage.open(item.file.name) as handle:
        stored = handle.read()
    upload_item_process_task.apply(args=[item.pk])
    default_storage.save(item.file.name, ContentFile(stored))
    UploadItem.objects.filter(pk=item.pk).update(state=UploadItem.State.RUNNING, outcomes=[])
    # When the task is delivered again
    upload_item_process_task.apply(args=[item.pk])
    # Then the verdict names the invoice already deposited, and there is still one invoice
    item.refresh_from_db()
    assert item.state == "TERMINE" and item.outcomes[0]["invoice"] is not None
    assert Invoice.objects.filter(supplier=acme, number="FOND-3").count() == 1


def test_another_supplier_cannot_follow_the_upload(client, alice, bob, cii, real_queue):
    client.force_login(alice)
    status_url = client.post(URL, {"files": [SimpleUploadedFile("FOND-4.xml", cii)]})["Location"]
    client.force_login(bob)
    assert client.get(status_url).status_code == 404


def test_an_invoice_of_twenty_thousand_lines_is_refused_before_the_rules_run(cii):
    # Given a CII of 20,000 lines
    root = etree.fromstring(cii)
    ram = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    line = root.find(f".//{{{ram}}}IncludedSupplyChainTradeLineItem")
    parent = line.getparent()
    index = parent.index(line)
    # (short lines: the file stays under the 20 MiB size limit; the rules do not run anyway)
    short = etree.fromstring(etree.tostring(line))
    for child in list(short)[1:]:
        short.remove(child)
    for _n in range(20_000 - 1):
        parent.insert(index, etree.fromstring(etree.tostring(short)))
    big = etree.tostring(root)
    # When it is validated
    verdict = validate_document(big, "enorme.xml")
    # Then it is refused with the documented limit, and the heavy layers did not run
    assert "SECU-LIGNES" in verdict.rule_ids
    assert str(MAX_INVOICE_LINES) in " ".join(issue.message for issue in verdict.errors)
    assert "en16931" not in verdict.timings


def test_make_serve_and_docker_compose_run_gunicorn_with_the_same_timeouts():
    def options(text: str) -> dict[str, str]:
        return dict(re.findall(r"--(timeout|graceful-timeout)\s+(\S+)", text))

    makefile = (ROOT / "Makefile").read_text()
    compose = (ROOT / "docker-compose.yml").read_text()
    # ($$ escapes $ in both files: the shell reads ${GUNICORN_TIMEOUT:-60})
    assert options(makefile) == options(compose)
    assert set(options(makefile)) == {"timeout", "graceful-timeout"}

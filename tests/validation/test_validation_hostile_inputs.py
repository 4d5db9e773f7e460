"""An attacker uploads a file built to exhaust or trick the server: it is refused quickly, with
a clear French message, and with bounded memory."""

from __future__ import annotations

import socket
import time
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import pytest

from invoices.validation import (
    BatchError,
    DocumentFormat,
    Verdict,
    limits,
    read_pdf_text_hints,
    split_batch,
    validate_document,
)
from tests.validation import hostile_files as hostile

MiB = hostile.MiB


def measured(call: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, seconds, peak Python allocation in MiB) of one call."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = call()
    except BatchError as error:
        result = error
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / MiB
    tracemalloc.stop()
    return result, elapsed, peak


def error_ids(verdict: Verdict) -> set[str]:
    return {issue.rule_id for issue in verdict.errors}


# --- XML ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(hostile.BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(hostile.XXE_PASSWD, id="xxe-etc-passwd"),
        pytest.param(hostile.DOCTYPE_NETWORK, id="doctype-network-url"),
        pytest.param(hostile.DOCTYPE_BEHIND_COMMENT, id="doctype-after-tricky-comment"),
        pytest.param(hostile.XXE_UTF16, id="xxe-utf16"),
    ],
)
def test_xml_with_a_doctype_is_refused_before_anything_is_expanded_or_fetched(
    content: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given no network connection may be opened while validating
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the validator tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    # When an XML with a DOCTYPE (entity bomb, external entity, remote DTD) is uploaded
    verdict, elapsed, peak = measured(lambda: validate_document(content, "facture.xml"))
    # Then it is refused by the security layer, at once
    assert error_ids(verdict) == {"SECU-DOCTYPE"}
    assert verdict.errors[0].layer == "securite"
    assert "DOCTYPE" in verdict.errors[0].message
    assert elapsed < 1 and peak < 5
    # And nothing of /etc/passwd leaks into the verdict
    assert all("root:" not in issue.message for issue in verdict.errors)
    assert verdict.xml is None and verdict.parsed is None


def test_facturx_pdf_whose_xml_carries_an_external_entity_is_refused() -> None:
    # Given a PDF whose factur-x.xml declares an external entity to /etc/passwd
    content = hostile.pdf_with_attachment(zlib.compress(hostile.XXE_PASSWD))
    # When it is uploaded
    verdict = validate_document(content, "facture.pdf")
    # Then the embedded XML is refused like a standalone one
    assert "SECU-DOCTYPE" in error_ids(verdict)


# --- PDF bombs ------------------------------------------------------------------------------


def test_zeros_deflate_builds_a_true_zlib_stream() -> None:
    # The bomb builder repeats compressed blocks: check it on a small size
    assert zlib.decompress(hostile.zeros_deflate(4 * MiB)) == bytes(4 * MiB)


def test_pdf_whose_attachment_inflates_to_gigabytes_is_refused_quickly_in_bounded_memory() -> None:
    # Given a 2 MB PDF whose factur-x.xml is a Flate stream of 2 GiB of zeros
    content = hostile.pdf_bomb_attachment(2048 * MiB)
    assert len(content) < 3 * MiB
    # When it is uploaded
    verdict, elapsed, peak = measured(lambda: validate_document(content, "facture.pdf"))
    # Then decompression stops at the cap and the file is refused
    assert "SECU-PDF-LIMITE" in error_ids(verdict)
    assert "décompress" in verdict.errors[0].message
    assert elapsed < 5
    assert peak < 4 * limits.MAX_EMBEDDED_XML_BYTES / MiB  # ~2 copies of the 10 MiB cap


def test_pdf_whose_page_inflates_to_gigabytes_gives_no_hints_and_bounded_work() -> None:
    # Given a PDF whose page content stream inflates to 2 GiB
    content = hostile.pdf_bomb_content_stream(2048 * MiB)
    # When the portal reads its text to pre-fill the form
    hints, elapsed, peak = measured(lambda: read_pdf_text_hints(content))
    # Then it gives up quickly with bounded memory
    assert hints["invoice_number"] is None and not hints["text_found"]
    assert elapsed < 5
    assert peak < 3 * limits.MAX_PDF_STREAM_BYTES / MiB
    # And the upload itself stays a plain PDF (the page is never inflated by validation)
    verdict, elapsed, _ = measured(lambda: validate_document(content, "facture.pdf"))
    assert verdict.format == DocumentFormat.PDF and elapsed < 2


# --- sizes and lies -------------------------------------------------------------------------


def test_empty_upload_is_refused() -> None:
    # When a 0-byte file is uploaded
    verdict = validate_document(b"", "facture.pdf")
    # Then the supplier is told it is empty
    assert error_ids(verdict) == {"SECU-FICHIER-VIDE"}
    assert "vide" in verdict.errors[0].message


def test_200_mb_upload_is_refused_without_being_read() -> None:
    # Given a 200 MB upload
    content = bytes(200 * MiB)
    # When it is validated
    verdict, elapsed, peak = measured(lambda: validate_document(content, "facture.pdf"))
    # Then it is refused on its size alone, without copying it
    assert error_ids(verdict) == {"SECU-TAILLE"}
    assert "20,0 Mo" in verdict.errors[0].message
    assert elapsed < 0.5 and peak < 1


def test_file_whose_name_lies_is_handled_by_its_content() -> None:
    # Given a valid CII invoice named "facture.pdf"
    cii = (
        b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:'
        b'CrossIndustryInvoice:100"/>'
    )
    # When it is uploaded
    verdict = validate_document(cii, "facture.pdf")
    # Then it is read as XML, and the supplier is warned that the name lies
    assert verdict.format == DocumentFormat.CII
    [warning] = [issue for issue in verdict.warnings if issue.rule_id == "FORMAT-EXTENSION"]
    assert "facture.pdf" in warning.message and "contenu réel" in warning.message
    # And a PDF named .xml is read as a PDF
    verdict = validate_document(hostile.pdf_bomb_content_stream(MiB), "facture.xml")
    assert verdict.format == DocumentFormat.PDF
    assert "FORMAT-EXTENSION" in verdict.rule_ids


def test_random_bytes_are_refused_as_unsupported() -> None:
    verdict = validate_document(bytes(range(256)) * 10, "facture.pdf")
    assert verdict.format == DocumentFormat.UNSUPPORTED
    assert "FORMAT-NON-SUPPORTE" in error_ids(verdict)


# --- archives -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "code"),
    [
        pytest.param(
            lambda: hostile.zip_entry_claiming(25 * MiB), "SECU-ARCHIVE-TAILLE", id="entry-over-20MB"
        ),
        pytest.param(
            lambda: hostile.zip_entry_claiming(19 * MiB, 9), "SECU-ARCHIVE-TAUX", id="entry-compressed-1000x"
        ),
        pytest.param(hostile.zip_nested, "SECU-ARCHIVE-IMBRIQUEE", id="42zip-nested"),
        pytest.param(hostile.zip_lying_sizes, "FORMAT-ARCHIVE-ILLISIBLE", id="lying-headers"),
        pytest.param(
            lambda: hostile.zip_of({"../../etc/passwd": b"x"}), "SECU-CHEMIN", id="zip-path-traversal"
        ),
        pytest.param(lambda: hostile.zip_of({"/etc/passwd": b"x"}), "SECU-CHEMIN", id="zip-absolute-path"),
        pytest.param(hostile.zip_with_symlink, "SECU-LIEN", id="zip-symlink"),
        pytest.param(
            lambda: hostile.zip_of({f"{n}.xml": b"<a/>" for n in range(501)}),
            "SECU-ARCHIVE-ENTREES",
            id="too-many-entries",
        ),
        pytest.param(hostile.tar_gz_member_claiming, "SECU-ARCHIVE-TAILLE", id="tar-header-claims-10GB"),
        pytest.param(hostile.tar_gz_symlink, "SECU-LIEN", id="tar-symlink"),
        pytest.param(hostile.tar_gz_traversal, "SECU-CHEMIN", id="tar-path-traversal"),
        pytest.param(lambda: b"PK\x03\x04 broken", "FORMAT-ARCHIVE-ILLISIBLE", id="broken-zip"),
        pytest.param(lambda: b"", "SECU-FICHIER-VIDE", id="empty"),
        pytest.param(lambda: b"%PDF-1.7 not an archive", "FORMAT-LOT", id="not-an-archive"),
    ],
)
def test_hostile_batch_is_refused_before_extraction(build: Callable[[], bytes], code: str) -> None:
    # Given a hostile archive
    content = build()
    # When it is split into invoices
    error, elapsed, peak = measured(lambda: split_batch(content, "lot.zip"))
    # Then it is refused with a typed error, quickly and without inflating it
    assert isinstance(error, BatchError) and isinstance(error, ValueError)
    assert error.code == code, error.message
    assert error.message and str(error) == error.message
    assert elapsed < 2 and peak < 8


def test_batch_whose_total_exceeds_the_limit_is_refused_from_its_headers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a batch cap of 3 MiB and four 1 MiB invoices (each fine on its own)
    monkeypatch.setattr(limits, "MAX_BATCH_UNCOMPRESSED_BYTES", 3 * MiB)
    content = hostile.zip_of({f"f{n}.xml": bytes(range(256)) * 4096 for n in range(4)})
    # When it is split
    with pytest.raises(BatchError) as refused:
        split_batch(content, "lot.zip")
    # Then the sum announced by the central directory refuses it
    assert refused.value.code == "SECU-ARCHIVE-TAILLE"


def test_batch_of_200_mb_is_refused_on_its_size() -> None:
    with pytest.raises(BatchError) as refused:
        split_batch(bytes(200 * MiB), "lot.zip")
    assert refused.value.code == "SECU-TAILLE"

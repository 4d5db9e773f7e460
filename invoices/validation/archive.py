"""split_batch(): the files of a ZIP or .tar.gz batch, with every size checked before reading.

Attacks covered: zip bombs (an entry claiming or reaching a huge size, 42.zip-style nesting,
overlapping entries), path traversal ("../../etc/passwd", absolute paths), symlinks and
hard links, device files, encrypted entries, and tar headers that make tarfile read gigabytes.
"""

from __future__ import annotations

import gzip
import io
import stat
import tarfile
import zipfile
import zlib
from pathlib import PurePosixPath

from . import limits
from .safety import Kind, sniff


class BatchError(ValueError):
    """A batch refused as hostile or invalid. ``code`` is stable, ``message`` is French."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def split_batch(content: bytes, filename: str = "") -> list[tuple[str, bytes]]:
    """The (name, content) of every file in the archive, in archive order.

    Nested archives are refused (one level only: the batch itself).
    """
    if not content:
        raise BatchError("SECU-FICHIER-VIDE", "L'archive est vide (0 octet).")
    if len(content) > limits.MAX_BATCH_BYTES:
        raise BatchError(
            "SECU-TAILLE",
            f"L'archive dépasse {limits.MAX_BATCH_BYTES // limits.MiB} Mo, la taille maximale "
            "d'un dépôt par lot.",
        )
    kind = sniff(content).kind
    # An archive is recognised as one before anything else: a stored (uncompressed) ZIP holding a
    # PDF shows "%PDF-" in its first bytes, and every ZIP Python's zipfile opens (even behind a
    # prefix, as self-extracting archives are) must open, within the same bounds.
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")) or (
        kind != Kind.GZIP and zipfile.is_zipfile(io.BytesIO(content))
    ):
        files = _split_zip(content)
    elif kind == Kind.GZIP:
        files = _split_tar_gz(content)
    else:
        raise BatchError(
            "FORMAT-LOT",
            f"Le fichier « {filename} » n'est pas une archive ZIP ou .tar.gz : un dépôt par lot "
            "attend une archive contenant les factures.",
        )
    if not files:
        raise BatchError("FORMAT-LOT-VIDE", "L'archive ne contient aucun fichier.")
    return files


def _safe_name(raw: str) -> str | None:
    """Normalised path inside the archive; None for OS metadata; refuses traversal."""
    name = raw.replace("\\", "/")
    if "\x00" in name:
        raise BatchError("SECU-CHEMIN", f"Nom de fichier invalide dans l'archive : {raw!r}.")
    path = PurePosixPath(name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in path.parts:
        raise BatchError(
            "SECU-CHEMIN",
            f"L'archive contient un chemin dangereux (« {raw} ») qui sortirait du dossier de "
            "dépôt : elle est refusée.",
        )
    parts = [part for part in path.parts if part not in ("", ".")]
    if not parts or parts[0] == "__MACOSX" or parts[-1] == ".DS_Store" or parts[-1].startswith("._"):
        return None
    return "/".join(parts)


def _too_many() -> BatchError:
    return BatchError(
        "SECU-ARCHIVE-ENTREES",
        f"L'archive contient plus de {limits.MAX_BATCH_ENTRIES} fichiers.",
    )


def _too_big_entry(name: str, size: int) -> BatchError:
    announced = f"{size:,}".replace(",", " ")
    return BatchError(
        "SECU-ARCHIVE-TAILLE",
        f"Le fichier « {name} » de l'archive annonce {announced} octets une fois décompressé, "
        f"au-delà de la limite de {limits.MAX_DOCUMENT_BYTES // limits.MiB} Mo par facture : "
        "l'archive est refusée (bombe de décompression possible).",
    )


def _too_compressed(name: str, ratio: int) -> BatchError:
    return BatchError(
        "SECU-ARCHIVE-TAUX",
        f"Le fichier « {name} » de l'archive est compressé {ratio} fois, bien au-delà d'une "
        "facture normale : l'archive est refusée (bombe de décompression possible).",
    )


def _too_big_total() -> BatchError:
    return BatchError(
        "SECU-ARCHIVE-TAILLE",
        "Le contenu décompressé de l'archive dépasse "
        f"{limits.MAX_BATCH_UNCOMPRESSED_BYTES // limits.MiB} Mo : l'archive est refusée.",
    )


def _check_not_archive(name: str, data: bytes) -> None:
    nested = sniff(data).kind in (Kind.ZIP, Kind.GZIP) or data[257:262] == b"ustar"
    if nested:
        raise BatchError(
            "SECU-ARCHIVE-IMBRIQUEE",
            f"Le fichier « {name} » est lui-même une archive : les archives imbriquées sont "
            "refusées. Placez directement les factures dans une seule archive.",
        )


def _split_zip(content: bytes) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()  # the central directory: sizes known before any inflating
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise BatchError("FORMAT-ARCHIVE-ILLISIBLE", "L'archive ZIP est endommagée.") from exc
    if len(infos) > limits.MAX_BATCH_ENTRIES:
        raise _too_many()
    selected: list[tuple[str, zipfile.ZipInfo]] = []
    names: set[str] = set()
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        name = _safe_name(info.filename)
        if name is None:
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            raise BatchError("SECU-LIEN", f"L'archive contient un lien symbolique (« {name} »).")
        if info.flag_bits & 0x1:
            raise BatchError("SECU-CHIFFRE", f"Le fichier « {name} » de l'archive est chiffré.")
        if name in names:
            raise BatchError("SECU-DOUBLON", f"L'archive contient deux fois « {name} ».")
        names.add(name)
        if info.file_size > limits.MAX_DOCUMENT_BYTES:
            raise _too_big_entry(name, info.file_size)
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > limits.MiB and ratio > limits.MAX_BATCH_RATIO:
            raise _too_compressed(name, ratio)
        total += info.file_size
        if total > limits.MAX_BATCH_UNCOMPRESSED_BYTES:
            raise _too_big_total()
        selected.append((name, info))
    files: list[tuple[str, bytes]] = []
    for name, info in selected:
        try:
            with archive.open(info) as stream:
                # zipfile stops at the declared size and checks the CRC: a lying header
                # cannot make it inflate more than the size we accepted above.
                data = stream.read(info.file_size + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, zlib.error, EOFError) as exc:
            raise BatchError(
                "FORMAT-ARCHIVE-ILLISIBLE", f"Le fichier « {name} » de l'archive est illisible."
            ) from exc
        if len(data) > info.file_size:
            raise _too_big_entry(name, len(data))
        _check_not_archive(name, data)
        files.append((name, data))
    return files


class _BoundedReader(io.RawIOBase):
    """Counts decompressed bytes; refuses past the batch limit, whoever asks (tarfile too)."""

    def __init__(self, source: gzip.GzipFile, budget: int) -> None:
        self._source = source
        self._left = budget

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0 or size > self._left + 1:
            size = self._left + 1
        data = self._source.read(size)
        self._left -= len(data)
        if self._left < 0:
            raise _too_big_total()
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _split_tar_gz(content: bytes) -> list[tuple[str, bytes]]:
    # Streaming mode ("r|"): headers are read in order, each one before its data, and every
    # decompressed byte (headers, padding, pax records) goes through the bounded reader.
    budget = limits.MAX_BATCH_UNCOMPRESSED_BYTES + limits.MAX_BATCH_ENTRIES * 2 * 512
    reader = _BoundedReader(gzip.GzipFile(fileobj=io.BytesIO(content)), budget)
    files: list[tuple[str, bytes]] = []
    total = 0
    count = 0
    try:
        with tarfile.open(fileobj=reader, mode="r|") as tar:
            for member in tar:
                count += 1
                if count > limits.MAX_BATCH_ENTRIES:
                    raise _too_many()
                if member.isdir():
                    continue
                name = _safe_name(member.name)
                if member.issym() or member.islnk():
                    raise BatchError("SECU-LIEN", f"L'archive contient un lien (« {member.name} »).")
                if not member.isfile():
                    raise BatchError(
                        "SECU-FICHIER-SPECIAL",
                        f"L'archive contient un fichier spécial (« {member.name} »).",
                    )
                if name is None:
                    continue
                if member.size > limits.MAX_DOCUMENT_BYTES:
                    raise _too_big_entry(name, member.size)
                total += member.size
                if total > limits.MAX_BATCH_UNCOMPRESSED_BYTES:
                    raise _too_big_total()
                stream = tar.extractfile(member)
                data = stream.read(member.size + 1) if stream is not None else b""
                _check_not_archive(name, data)
                files.append((name, data))
    except BatchError:
        raise
    except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError) as exc:
        raise BatchError(
            "FORMAT-ARCHIVE-ILLISIBLE", "L'archive .tar.gz est endommagée ou n'est pas un tar."
        ) from exc
    return files

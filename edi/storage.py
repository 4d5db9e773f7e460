"""Where each connection's folders live on disk (``settings.EDI_ROOT``).

``home/<login>/`` is the connection's chroot (only ``depot/`` and ``retour/`` in it);
``spool/<login>/`` holds the files claimed from ``depot/`` until their deposit flow exists and the
temporary files of reports being written: outside the chroot, never visible to the client.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DEPOT, RETOUR = "depot", "retour"
# Names a client uses while it is still writing (WinSCP .filepart, curl/lftp .part, rsync-like
# dot files): never taken, whatever their age; the rename to the final name is the signal.
TEMPORARY = re.compile(r"(^\.|\.(tmp|part|filepart|partial|upload|temp)$)", re.IGNORECASE)
SAFE_LOGIN = re.compile(r"^[A-Za-z0-9._@-]{1,80}$")


@dataclass(frozen=True)
class Folders:
    home: Path
    depot: Path
    retour: Path
    spool: Path


def folders(login: str, *, create: bool = True) -> Folders:
    if not SAFE_LOGIN.match(login):
        raise ValueError(f"login not usable as a folder name: {login!r}")
    root = Path(settings.EDI_ROOT)
    home = root / "home" / login
    result = Folders(home=home, depot=home / DEPOT, retour=home / RETOUR, spool=root / "spool" / login)
    if create:
        for path in (result.depot, result.retour, result.spool):
            path.mkdir(parents=True, exist_ok=True)
    return result


def logins_with_folders() -> list[str]:
    base = Path(settings.EDI_ROOT) / "home"
    if not base.is_dir():
        return []
    return sorted(entry.name for entry in base.iterdir() if entry.is_dir() and SAFE_LOGIN.match(entry.name))


def is_temporary(name: str) -> bool:
    return bool(TEMPORARY.search(name))


def usage(login: str) -> int:
    """Bytes used by the connection's folders (what its quota counts)."""
    box = folders(login)
    total = 0
    for directory in (box.depot, box.retour):
        with os.scandir(directory) as entries:
            for entry in entries:
                try:
                    if entry.is_file(follow_symlinks=False):
                        total += entry.stat(follow_symlinks=False).st_size
                except FileNotFoundError:
                    continue
    return total


def write_return(login: str, name: str, content: bytes) -> Path:
    """Write ``retour/<name>`` atomically: a client listing the folder sees the whole file or
    nothing (written in the spool, then renamed; same file system)."""
    box = folders(login)
    temporary = box.spool / f".tmp-{secrets.token_hex(8)}"
    temporary.write_bytes(content)
    target = box.retour / name
    os.replace(temporary, target)
    return target

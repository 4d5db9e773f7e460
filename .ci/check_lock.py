"""Fail when requirements/lock.txt lacks a dependency that pyproject.toml declares.

`make install` installs the lock file, then the project with `--no-deps`: a dependency added to
pyproject.toml without `make lock` would silently be missing on a fresh machine. Run by the
Makefile before installing (standard library only: the virtualenv may still be empty); version
ranges are checked after the install by `pip check`.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"


def normalized(name: str) -> str:
    """PEP 503 name: case and runs of `-`, `_`, `.` do not matter."""
    return re.sub(r"[-_.]+", "-", name).lower()


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *project.get("optional-dependencies", {}).get("test", [])]
    wanted = {normalized(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]) for requirement in declared}
    pinned = {
        normalized(line.split("==", 1)[0]) for line in LOCK.read_text().splitlines() if "==" in line[:80]
    }
    missing = sorted(wanted - pinned)
    if missing:
        print(f"{LOCK.relative_to(ROOT)} lacks {', '.join(missing)}: run `make lock`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

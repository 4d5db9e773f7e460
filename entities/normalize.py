from __future__ import annotations

import unicodedata


def search_key(text: str) -> str:
    """Upper-case, accent-free, single-spaced: what the directory's name index stores."""
    if text.isascii():
        # Nothing to decompose (NFKD leaves ASCII as it is): the directory import calls this twice
        # per row of a 150,000-row file, and most names are plain ASCII.
        stripped = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.upper().replace("-", " ").replace("'", " ").split())

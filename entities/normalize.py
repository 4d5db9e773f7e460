from __future__ import annotations

import unicodedata


def search_key(text: str) -> str:
    """Upper-case, accent-free, single-spaced: what the directory's name index stores."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.upper().replace("-", " ").replace("'", " ").split())

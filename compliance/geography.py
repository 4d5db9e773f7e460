"""French département of a postcode, for the dashboard filters."""

from __future__ import annotations


def department_from_postcode(postcode: str | None) -> str:
    """ "49250" → "49"; Corsica "20000"–"20199" → "2A", "20200"–"20699" → "2B"; overseas
    "97100" → "971"; "" when the postcode is not a French one."""
    code = (postcode or "").strip().replace(" ", "")
    if len(code) != 5 or not code.isdigit():
        return ""
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    if code.startswith(("97", "98")):
        return code[:3]
    return code[:2]

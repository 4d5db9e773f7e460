"""The one shape of a refused check, shared by the form, the upload of files and the API.

Re-exported by ``invoices.checks``, where the checks themselves live.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CheckError:
    """One failed check.

    ``code`` is stable (``CPRO-DOUBLON``…) and never translated; ``field`` is the name of the
    form field it concerns (``lines-2-vat_rate`` for a line, ``attachments`` for the files);
    ``bt`` the EN 16931 business term when there is one; ``value`` the offending value;
    ``message`` a French sentence telling the user what to do.
    """

    code: str
    field: str
    message: str
    bt: str = ""
    value: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "field": self.field,
            "bt": self.bt,
            "value": self.value,
            "message": self.message,
        }


class InvoiceRejected(Exception):
    """The invoice was refused: nothing was stored (or the draft was left as it was)."""

    def __init__(self, errors: list[CheckError]) -> None:
        super().__init__("; ".join(f"{e.code}: {e.message}" for e in errors))
        self.errors = errors

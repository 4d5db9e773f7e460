"""The buyer's (recipient, status) index also carries the invoice id, PostgreSQL only.

Why: the buyer's visibility rule looks REJETEE invoices up in their history by id (a system
rejection at routing never reached the buyer). With the id in the index, the capped COUNT of a
search by status stays an index-only scan; without it PostgreSQL reads every matching row from
the table (issue #17: « par statut » at 1 M invoices, 136 → ~10 ms). ``INCLUDE`` is a
PostgreSQL feature (SQLite has no covering indexes), so the model's ``Meta.indexes`` keeps the
plain definition and this migration adds the column on PostgreSQL only.
"""

from collections.abc import Callable
from typing import Any

from django.db import migrations

COVERING = (
    "CREATE INDEX invoice_recipient_status ON invoices_invoice "
    "(recipient_id, status, deposited_at DESC) INCLUDE (id)"
)
PLAIN = "CREATE INDEX invoice_recipient_status ON invoices_invoice (recipient_id, status, deposited_at DESC)"


def _swap(sql: str) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("DROP INDEX IF EXISTS invoice_recipient_status")
        schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0014_validator_status_index"),
    ]

    operations = [
        migrations.RunPython(_swap(COVERING), _swap(PLAIN)),
    ]

"""Issue #17: drop the single-column indexes of foreign keys that already lead a composite index
(one index less to write on every insert and status change of an invoice or history row, and
to weigh when planning)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0005_form_desk_database_default"),
        ("invoices", "0015_recipient_status_covers_id"),
        ("suppliers", "0003_structure_search"),
    ]

    # Only the index goes: Django would also drop and re-add the foreign key constraint, which
    # re-checks every row of a table of tens of millions under lock.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="invoice",
                    name="recipient",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices",
                        to="entities.publicstructure",
                        verbose_name="destinataire",
                    ),
                ),
                migrations.AlterField(
                    model_name="invoice",
                    name="supplier",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices",
                        to="suppliers.supplierstructure",
                        verbose_name="fournisseur",
                    ),
                ),
                migrations.AlterField(
                    model_name="invoice",
                    name="validator",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices_to_validate",
                        to="suppliers.supplierstructure",
                        verbose_name="valideur",
                    ),
                ),
                migrations.AlterField(
                    model_name="statusevent",
                    name="invoice",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="status_events",
                        to="invoices.invoice",
                        verbose_name="facture",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "invoices_invoice_recipient_id_72c42018"',
                    reverse_sql='CREATE INDEX IF NOT EXISTS "invoices_invoice_recipient_id_72c42018" ON "invoices_invoice" ("recipient_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "invoices_invoice_supplier_id_8bcfa4bc"',
                    reverse_sql='CREATE INDEX IF NOT EXISTS "invoices_invoice_supplier_id_8bcfa4bc" ON "invoices_invoice" ("supplier_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "invoices_invoice_validator_id_6b65f4d4"',
                    reverse_sql='CREATE INDEX IF NOT EXISTS "invoices_invoice_validator_id_6b65f4d4" ON "invoices_invoice" ("validator_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "tracking_statusevent_invoice_id_ba37f650"',
                    reverse_sql='CREATE INDEX IF NOT EXISTS "tracking_statusevent_invoice_id_ba37f650" ON "tracking_statusevent" ("invoice_id")',
                ),
            ],
        ),
    ]

# The amount the maître d'œuvre validates when it corrects a works document (issue 14): the
# contractor's amounts stay as deposited; this nullable column holds the amount the MOA pays.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0012_works_moe_statuses"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="moe_amount_due",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=15,
                null=True,
                verbose_name="montant validé par le maître d'œuvre",
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(("moe_amount_due__isnull", True), ("moe_amount_due__gt", 0), _connector="OR"),
                name="invoice_moe_amount_due_positive",
            ),
        ),
    ]

"""A partial index on the deposit flows still waiting (issue #17).

The sweeper (``cpro.flows_sweep``) and a flow's task that takes other waiting flows along
(``cpro.flux._flow_companions_claim``) look for them among every flow ever deposited; the index
holds only the few waiting ones, so neither scans the table.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0016_drop_fk_indexes_led_by_composites"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="depositflow",
            index=models.Index(
                condition=models.Q(("status", "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP")),
                fields=["id"],
                name="flow_waiting",
            ),
        ),
    ]

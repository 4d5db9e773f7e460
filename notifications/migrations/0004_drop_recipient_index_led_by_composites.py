"""Issue #17: the recipient's own index is led by notification_recipient_recent."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_french_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Only the index goes: Django would also drop and re-add the foreign key constraint, which
    # re-checks every row of a table of tens of millions under lock.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="recipient",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="destinataire",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "tracking_notification_recipient_id_792a7015"',
                    reverse_sql='CREATE INDEX IF NOT EXISTS "tracking_notification_recipient_id_792a7015" ON "tracking_notification" ("recipient_id")',
                ),
            ],
        ),
    ]

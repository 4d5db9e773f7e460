import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def forget_unscoped_keys(apps, schema_editor):
    # Keys stored per OAuth application only cannot be given an account: they live one day
    # (cpro.purge), so forgetting them only means a retry of yesterday's deposit is not replayed.
    apps.get_model("cpro", "IdempotencyKey").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("cpro", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forget_unscoped_keys, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="idempotencykey", name="idempotency_key_unique"),
        migrations.AddField(
            model_name="idempotencykey",
            name="technical_account",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.technicalaccount",
            ),
        ),
        migrations.AlterField(
            model_name="idempotencykey",
            name="technical_account",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.technicalaccount"
            ),
        ),
        migrations.AddField(
            model_name="idempotencykey",
            name="claimed_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddConstraint(
            model_name="idempotencykey",
            constraint=models.UniqueConstraint(
                fields=("application", "technical_account", "endpoint", "key"), name="idempotency_key_unique"
            ),
        ),
    ]

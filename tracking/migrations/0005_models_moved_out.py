
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
        ('invoices', '0005_lifecycle_models'),
        ('tracking', '0004_notification_centre_order'),
    ]

    # The models now live in invoices (history, ECB rates) and notifications: state only, the tables
    # are theirs now.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.RemoveField(
            model_name='digest',
            name='recipient',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='digest',
        ),
        migrations.DeleteModel(
            name='EcbRate',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='event',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='invoice',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='public_structure',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='recipient',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='supplier_structure',
        ),
        migrations.RemoveField(
            model_name='notificationpreference',
            name='public_structure',
        ),
        migrations.RemoveField(
            model_name='notificationpreference',
            name='supplier_structure',
        ),
        migrations.RemoveField(
            model_name='notificationpreference',
            name='user',
        ),
        migrations.RemoveField(
            model_name='statusevent',
            name='actor',
        ),
        migrations.RemoveField(
            model_name='statusevent',
            name='invoice',
        ),
        migrations.DeleteModel(
            name='Digest',
        ),
        migrations.DeleteModel(
            name='Notification',
        ),
        migrations.DeleteModel(
            name='NotificationPreference',
        ),
        migrations.DeleteModel(
            name='StatusEvent',
        ),
                ],
            database_operations=[],
        ),
    ]

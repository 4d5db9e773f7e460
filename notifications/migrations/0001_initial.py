
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('tracking', '0004_notification_centre_order'),
        ('entities', '0002_directory_search'),
        ('invoices', '0005_lifecycle_models'),
        ('suppliers', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Notifications, preferences and digests move from the tracking app to this one: the tables stay
    # as they are (db_table), only Django's state changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='Digest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'récapitulatif quotidien',
                'verbose_name_plural': 'récapitulatifs quotidiens',
                'db_table': 'tracking_digest',
            },
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=40, verbose_name='type')),
                ('title', models.CharField(max_length=255, verbose_name='titre')),
                ('body', models.TextField(blank=True, verbose_name='message')),
                ('url', models.CharField(blank=True, max_length=500, verbose_name='lien')),
                ('dedupe_key', models.CharField(blank=True, max_length=200)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date')),
                ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='lue le')),
                ('email_state', models.CharField(choices=[('A_ENVOYER', 'À envoyer'), ('EN_COURS', 'Envoi en cours'), ('ENVOYE', 'Envoyé'), ('RECAPITULATIF', 'Dans le récapitulatif quotidien'), ('RECAPITULE', 'Envoyé dans un récapitulatif'), ('SANS', "Pas d'e-mail")], default='SANS', max_length=20)),
                ('emailed_at', models.DateTimeField(blank=True, null=True)),
                ('digest', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='notifications', to='notifications.digest')),
                ('event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='invoices.statusevent')),
                ('invoice', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='invoices.invoice')),
                ('public_structure', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='entities.publicstructure')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                ('supplier_structure', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='suppliers.supplierstructure')),
            ],
            options={
                'verbose_name': 'notification',
                'verbose_name_plural': 'notifications',
                'db_table': 'tracking_notification',
            },
        ),
        migrations.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('mode', models.CharField(choices=[('CHAQUE_EVENEMENT', 'À chaque événement (par défaut)'), ('RECAP_QUOTIDIEN', 'Un récapitulatif quotidien'), ('AUCUNE', 'Aucune notification')], default='CHAQUE_EVENEMENT', max_length=20, verbose_name='notifications')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('public_structure', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='entities.publicstructure')),
                ('supplier_structure', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='suppliers.supplierstructure')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preferences', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'préférence de notification',
                'verbose_name_plural': 'préférences de notification',
                'db_table': 'tracking_notificationpreference',
            },
        ),
        migrations.AddConstraint(
            model_name='digest',
            constraint=models.UniqueConstraint(fields=('recipient', 'day'), name='digest_once_per_day'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['recipient', '-created_at', '-id'], name='notification_recipient_recent'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('read_at__isnull', True)), fields=['recipient', '-created_at', '-id'], name='notification_recipient_unread'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('email_state', 'RECAPITULATIF')), fields=['recipient', 'id'], name='notification_digest_waiting'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('email_state__in', ['A_ENVOYER', 'EN_COURS'])), fields=['created_at'], name='notification_email_waiting'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(condition=models.Q(('event__isnull', False)), fields=('recipient', 'event'), name='notification_once_per_event'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(condition=models.Q(('dedupe_key', ''), _negated=True), fields=('recipient', 'dedupe_key'), name='notification_once_per_key'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(('supplier_structure__isnull', True), ('public_structure__isnull', True), _connector='OR'), name='notification_one_structure'),
        ),
        migrations.AddConstraint(
            model_name='notificationpreference',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('public_structure__isnull', True), ('supplier_structure__isnull', False)), models.Q(('public_structure__isnull', False), ('supplier_structure__isnull', True)), _connector='OR'), name='notification_preference_one_structure'),
        ),
        migrations.AddConstraint(
            model_name='notificationpreference',
            constraint=models.UniqueConstraint(condition=models.Q(('supplier_structure__isnull', False)), fields=('user', 'supplier_structure'), name='notification_preference_supplier_unique'),
        ),
        migrations.AddConstraint(
            model_name='notificationpreference',
            constraint=models.UniqueConstraint(condition=models.Q(('public_structure__isnull', False)), fields=('user', 'public_structure'), name='notification_preference_public_unique'),
        ),
                ],
            database_operations=[],
        ),
    ]


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tracking', '0004_notification_centre_order'),
        ('invoices', '0004_search_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The lifecycle's models move from the tracking app to this one (architecture issue): the tables
    # stay as they are (db_table), only Django's state changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='EcbRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts_on', models.DateField(unique=True, verbose_name='premier jour du semestre')),
                ('rate', models.DecimalField(decimal_places=3, max_digits=6, verbose_name='taux (en %)')),
            ],
            options={
                'verbose_name': 'taux de refinancement de la BCE',
                'verbose_name_plural': 'taux de refinancement de la BCE',
                'db_table': 'tracking_ecbrate',
                'ordering': ['-starts_on'],
                'constraints': [models.CheckConstraint(condition=models.Q(('rate__gte', -5), ('rate__lte', 30)), name='ecb_rate_range')],
            },
        ),
        migrations.CreateModel(
            name='StatusEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('BROUILLON', 'Brouillon (non transmise)'), ('DEPOSEE', 'Déposée'), ('EN_COURS_ACHEMINEMENT', "En cours d'acheminement"), ('MISE_A_DISPOSITION', 'Mise à disposition'), ('SUSPENDUE', 'Suspendue'), ('COMPLETEE', 'Complétée'), ('A_RECYCLER', 'À recycler'), ('REJETEE', 'Rejetée'), ('SERVICE_FAIT', 'Service fait'), ('MANDATEE', 'Mandatée'), ('MISE_A_DISPOSITION_COMPTABLE', 'Mise à disposition du comptable'), ('COMPTABILISEE', 'Comptabilisée'), ('MISE_EN_PAIEMENT', 'Mise en paiement'), ('A_VALIDER_1', 'À valider (valideur)'), ('VALIDEE_1', 'Validée par le valideur'), ('REFUSEE_1', 'Refusée par le valideur'), ('ABSENCE_VALIDATION_1_HORS_DELAI', 'Validation tacite (absence de réponse sous 15 jours)')], max_length=40, verbose_name='statut')),
                ('previous_status', models.CharField(blank=True, choices=[('BROUILLON', 'Brouillon (non transmise)'), ('DEPOSEE', 'Déposée'), ('EN_COURS_ACHEMINEMENT', "En cours d'acheminement"), ('MISE_A_DISPOSITION', 'Mise à disposition'), ('SUSPENDUE', 'Suspendue'), ('COMPLETEE', 'Complétée'), ('A_RECYCLER', 'À recycler'), ('REJETEE', 'Rejetée'), ('SERVICE_FAIT', 'Service fait'), ('MANDATEE', 'Mandatée'), ('MISE_A_DISPOSITION_COMPTABLE', 'Mise à disposition du comptable'), ('COMPTABILISEE', 'Comptabilisée'), ('MISE_EN_PAIEMENT', 'Mise en paiement'), ('A_VALIDER_1', 'À valider (valideur)'), ('VALIDEE_1', 'Validée par le valideur'), ('REFUSEE_1', 'Refusée par le valideur'), ('ABSENCE_VALIDATION_1_HORS_DELAI', 'Validation tacite (absence de réponse sous 15 jours)')], max_length=40, verbose_name='statut précédent')),
                ('at', models.DateTimeField(db_index=True, verbose_name='date de passage')),
                ('comment', models.CharField(blank=True, max_length=255, verbose_name='commentaire')),
                ('reason_code', models.CharField(blank=True, max_length=40, verbose_name='code motif')),
                ('actor_role', models.CharField(choices=[('SYSTEME', 'Système'), ('FOURNISSEUR', 'Fournisseur'), ('DESTINATAIRE', 'Destinataire'), ('VALIDEUR', 'Valideur'), ('ADMINISTRATEUR', 'Administrateur')], default='SYSTEME', max_length=20)),
                ('actor_first_name', models.CharField(blank=True, max_length=150)),
                ('actor_last_name', models.CharField(blank=True, max_length=150)),
                ('notified_at', models.DateTimeField(blank=True, null=True)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('invoice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='status_events', to='invoices.invoice')),
            ],
            options={
                'verbose_name': 'événement de statut',
                'verbose_name_plural': 'historique des statuts',
                'db_table': 'tracking_statusevent',
                'ordering': ['at', 'id'],
                'indexes': [models.Index(fields=['invoice', 'at'], name='status_event_invoice_at'), models.Index(condition=models.Q(('notified_at__isnull', True)), fields=['at'], name='status_event_to_notify')],
            },
        ),
                ],
            database_operations=[],
        ),
    ]

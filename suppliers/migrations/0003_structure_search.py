# The search of supplier structures by name (the invoice form's validator / maître d'œuvre field,
# ~900,000 structures): on PostgreSQL a trigram GIN index on UPPER(name), the expression Django's
# ``name__icontains`` / ``name__istartswith`` compare. The SIRET prefix search uses the unique
# index (identifier_type, identifier) already there.

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    # PostgreSQL only: SQLite has no trigram index and still migrates (its searches scan, which
    # is fine for the embedded default's handful of structures).
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS supplier_name_upper_trgm "
        "ON suppliers_supplierstructure USING gin ((UPPER(name::text)) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS supplier_name_upper_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0002_french_verbose_names"),
    ]

    operations = [
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]

# The directory's search: a normalised, indexed city column, and on PostgreSQL a trigram GIN index on the
# normalised name so that "contains" searches over ~150,000 structures use an index.

from django.db import migrations, models


def fill_search_keys(apps, schema_editor):
    from entities.normalize import search_key

    PublicStructure = apps.get_model("entities", "PublicStructure")
    batch = []
    for structure in PublicStructure.objects.only("pk", "name", "city").iterator(chunk_size=2000):
        structure.search_name = search_key(structure.name)
        structure.search_city = search_key(structure.city)
        batch.append(structure)
        if len(batch) >= 2000:
            PublicStructure.objects.bulk_update(batch, ["search_name", "search_city"])
            batch = []
    if batch:
        PublicStructure.objects.bulk_update(batch, ["search_name", "search_city"])


def create_trigram_index(apps, schema_editor):
    # PostgreSQL only: SQLite has no trigram index and still migrates (its searches scan, which
    # is fine for the embedded default's handful of structures).
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS public_search_name_trgm "
        "ON entities_publicstructure USING gin (search_name gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS public_search_name_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ("entities", "0001_initial"),
    ]

    operations = [
        # City searches use search_city: the index on the raw column only slowed the imports.
        migrations.RemoveIndex(model_name="publicstructure", name="public_city_idx"),
        migrations.AddField(
            model_name="publicstructure",
            name="search_city",
            field=models.CharField(db_index=True, default="", editable=False, max_length=100),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]

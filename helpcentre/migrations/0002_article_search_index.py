"""GIN index for the French full-text search of the help centre, on PostgreSQL only (SQLite, the
embedded default, has no GIN index and uses a simpler match). The expression is exactly the
one ``helpcentre.search.search_vector()`` builds, so that PostgreSQL can use the index."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "help_article_search"


def _index() -> GinIndex:
    vector = (
        SearchVector("title", weight="A", config="french")
        + SearchVector("keywords", weight="A", config="french")
        + SearchVector("summary", weight="B", config="french")
        + SearchVector("body", weight="C", config="french")
    )
    return GinIndex(vector, name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("helpcentre", "HelpArticle"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("helpcentre", "HelpArticle"), _index())


class Migration(migrations.Migration):
    dependencies = [("helpcentre", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]

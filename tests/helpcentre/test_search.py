"""The help centre answers questions typed in plain French, on SQLite and on PostgreSQL (run the
file with DATABASE_URL set for the PostgreSQL version)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from helpcentre.models import HelpArticle
from helpcentre.search import articles_search, stem, words

pytestmark = pytest.mark.django_db

SERVICE_CODE_ENTRIES = {"rejet-code-service-absent", "rejet-code-service-errone"}


def slugs(query: str) -> list[str]:
    return [article.slug for article in articles_search(query=query)]


def test_a_rejection_question_finds_the_service_code_entries_first():
    # The seeded FAQ (data migration) answers the question of the issue.
    found = slugs("pourquoi ma facture est rejetée code service")
    assert set(found[:2]) == SERVICE_CODE_ENTRIES


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("depuis quand dois-je facturer électroniquement PME", "calendrier-obligation"),
        ("facture suspendue pièce justificative", "facture-suspendue"),
        ("que signifie le statut mandatée", "statuts-d-une-facture"),
        ("délai de paiement intérêts moratoires", "quand-serai-je-paye"),
        ("numéro d'engagement bon de commande", "rejet-numero-engagement"),
        ("DOUBLON", "rejet-doublon"),
    ],
)
def test_plain_french_questions_find_their_answer_among_the_first(query, expected):
    assert expected in slugs(query)[:3]


def test_accents_and_case_do_not_matter():
    assert slugs("FACTURE REJETEE CODE SERVICE")[:2] == slugs("facture rejetée code service")[:2]
    assert set(slugs("facture rejetee code service")[:2]) == SERVICE_CODE_ENTRIES


def test_unpublished_articles_and_empty_questions_find_nothing():
    HelpArticle.objects.filter(slug="rejet-code-service-absent").update(published=False)
    assert "rejet-code-service-absent" not in slugs("code service manquant")
    assert articles_search(query="") == []
    assert articles_search(query="le la les de") == []
    assert articles_search(query="xylophone zanzibar") == []


def test_words_and_light_stemming():
    assert words("Pourquoi ma facture est-elle rejetée ?") == ["facture", "rejetee"]
    assert {stem("rejetée".replace("é", "e")), stem("rejets"), stem("rejet")} == {"rejet"}
    assert stem("services") == stem("service") == "servic"


def test_search_page_lists_the_answers(client):
    response = client.get(reverse("helpcentre:home"), {"q": "pourquoi ma facture est rejetée code service"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Résultats pour" in html
    first = html.index('id="resultats"')
    assert html.index("/aide/rejet-code-service-") > first


def test_help_home_lists_guides_and_faq_and_articles_render(client):
    html = client.get(reverse("helpcentre:home")).content.decode()
    assert "Déposer une facture" in html and "Que signifie chaque statut d" in html
    response = client.get(reverse("helpcentre:article", args=["deposer-une-facture"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2" in html and "<ol>" in html and "<ul>" in html
    assert client.get(reverse("helpcentre:article", args=["nexiste-pas"])).status_code == 404


def test_article_text_is_escaped(client):
    HelpArticle.objects.create(
        kind="FAQ",
        topic="COMPTE",
        title="Test",
        slug="test-html",
        body="<script>alert(1)</script>\n\n- <b>x</b>",
    )
    html = client.get(reverse("helpcentre:article", args=["test-html"])).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="GIN index and French stemming: PostgreSQL only"
)
def test_postgresql_uses_the_gin_index_and_french_stemming():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'help_article_search'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "french" in definition
    from django.contrib.postgres.search import SearchQuery

    from helpcentre.search import search_vector

    query = HelpArticle.objects.annotate(document=search_vector()).filter(
        document=SearchQuery("rejet", config="french")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "help_article_search" in plan
    # French stemming: « rejetées » finds the entries that say « rejet ».
    assert "facture-rejetee-que-faire" in slugs("rejetées")

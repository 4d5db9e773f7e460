"""Stories of the virtual assistant: answers from the FAQ and guides (the help centre's search),
a "Documentation" link, follow-up suggestions, the support when nothing matches, no JavaScript
needed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helpcentre.assistant import STARTER_QUESTIONS, assistant_answer

pytestmark = pytest.mark.django_db


def test_the_assistant_answers_how_to_follow_an_invoice_with_the_guide(client):
    # When a visitor asks, without JavaScript, how to follow the processing of an invoice
    response = client.get(reverse("assistant:ask"), {"q": "Comment suivre le traitement de ma facture ?"})
    # Then the answer is the guide on following an invoice, with its text and a link to it
    assert response.status_code == 200
    answer = response.context["answer"]
    assert answer.best.slug == "suivre-une-facture" and answer.guide.slug == "suivre-une-facture"
    body = response.content.decode()
    assert (
        "Suivre une facture jusqu&#x27;à sa mise en paiement" in body
        or "Suivre une facture jusqu'à sa mise en paiement" in body
    )
    assert "Déposée, En cours d&#x27;acheminement" in body or "Déposée, En cours d'acheminement" in body
    assert reverse("helpcentre:article", args=["suivre-une-facture"]) in body
    # and follow-up questions, each a new question to the assistant
    assert answer.suggestions and f"{reverse('assistant:ask')}?q=" in body
    assert reverse("helpcentre:request_new") in body


def test_a_faq_answer_links_to_the_guide_of_its_subject():
    answer = assistant_answer(question="Que signifie chaque statut ?")
    assert answer.best.kind == "FAQ"
    assert answer.guide is not None and answer.guide.kind == "GUIDE"


def test_the_assistant_answers_about_portal_pro():
    assert assistant_answer(question="mémoire de frais de justice sans SIRET").best.slug in {
        "memoire-de-frais-de-justice",
        "compte-sans-siret",
    }
    assert assistant_answer(question="remboursement TICGN gaz naturel").best.slug == "remboursement-tic-ticgn"


def test_when_nothing_matches_the_assistant_offers_the_support(client):
    response = client.get(reverse("assistant:ask"), {"q": "xylophone zébré"})
    body = response.content.decode()
    assert response.context["answer"].best is None
    assert "Posez-la au support" in body and reverse("helpcentre:request_new") in body
    assert STARTER_QUESTIONS[0] in body.replace("&#x27;", "'")


def test_the_panel_is_on_every_page_and_works_as_a_plain_form(client):
    # Given any page of the portal
    body = client.get("/").content.decode()
    # Then the assistant's panel is there, a GET form to /assistant/
    assert 'id="assistant-panel"' in body and 'action="/assistant/"' in body
    # and its answer fragment is served on its own for the panel's script
    fragment = client.get(
        reverse("assistant:ask"), {"q": "facture rejetée", "fragment": "1"}
    ).content.decode()
    assert fragment.lstrip().startswith('<div class="assistant-answer"') and "<html" not in fragment

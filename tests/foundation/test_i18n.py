"""English as the portal's second language.

A visitor who picks English in the footer (cookie ``django_language=en``) reads the portal in
English; everyone else keeps the French of a French public service. The English catalogue
(``locale/en/LC_MESSAGES/django.po``) must be complete: an untranslated or fuzzy entry would show
French in the middle of an English page, and a broken placeholder would crash the page.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PO_PATH = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# (url, English texts that must appear, French texts that must be gone)
PAGES = [
    (
        "/",
        [
            "Chorus, the public sector electronic invoicing portal",
            "You are a supplier",
            "You are a public buyer",
            "Create an account",
            "Log in",
            "Obligation timetable",
        ],
        [
            "le portail de facturation électronique du secteur public",
            "Vous êtes fournisseur",
            "Vous êtes acheteur public",
            "Créer un compte",
            "Se connecter",
            "Calendrier de l'obligation",
        ],
    ),
    (
        "/compte/login/",
        [
            "Sign In",
            "Forgot your password?",
            "Electronic invoicing for public sector suppliers",
            "Create an account",
        ],
        [
            "Connexion",
            "Mot de passe oublié",
            "Facturation électronique des fournisseurs du secteur public",
            "Se connecter",
        ],
    ),
    (
        "/annuaire/?q=Beaufort",
        [
            "Directory of public recipients",
            "Postcode",
            "Service code required",
            "To be provided on the invoice",
        ],
        [
            "Annuaire des destinataires publics",
            "Code postal",
            "Code service obligatoire",
            "À fournir sur la facture",
        ],
    ),
]


def _body(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(("url", "english", "french"), PAGES)
def test_visitor_who_chose_english_reads_the_page_in_english(client, beaufort, url, english, french):
    # Given a visitor who picked English in the footer (the switch sets this cookie)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # When they open the page
    response = client.get(url)
    # Then it is in English, with no French left among the texts we check
    assert response.status_code == 200
    body = _body(response)
    assert '<html lang="en"' in body
    for text in english:
        assert text in body, f"{url}: missing English text {text!r}"
    for text in french:
        assert text not in body, f"{url}: French text {text!r} still shown in English"


@pytest.mark.parametrize(("url", "english", "french"), PAGES)
def test_visitor_without_a_choice_keeps_french_even_with_an_english_browser(
    client,
    beaufort,
    url,
    english,
    french,
):
    # Given a visitor whose browser asks for English but who never used the footer switch
    # When they open the page
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    # Then a French public service answers in French (chorus/middleware.py)
    assert response.status_code == 200
    body = _body(response)
    assert '<html lang="fr"' in body
    assert french[0] in body
    assert english[0] not in body


@pytest.mark.django_db
def test_footer_switch_turns_the_portal_to_english_and_back(client):
    # Given a visitor on the French home page
    assert "Vous êtes fournisseur" in _body(client.get("/"))
    # When they press "English" in the footer
    response = client.post("/langue/", {"language": "en", "next": "/"})
    # Then the language cookie is set and the home page is in English
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    body = _body(client.get("/"))
    assert "You are a supplier" in body and "Vous êtes fournisseur" not in body
    # And "Français" brings French back
    client.post("/langue/", {"language": "fr", "next": "/"})
    assert "Vous êtes fournisseur" in _body(client.get("/"))


# --- The catalogue itself -------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), value)


def _po_entries(path: Path) -> list[dict]:
    """Entries of a PO file: flags, msgctxt, msgid, msgid_plural, msgstr / msgstr[n] (unescaped)."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        entry: dict = {"flags": set(), "fields": {}}
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry["fields"][current] += _unescape(line[1:-1])
            else:
                keyword, _, value = line.partition(" ")
                current = keyword
                entry["fields"][current] = _unescape(value[1:-1])
        entries.append(entry)
    return entries


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|%%", text))


def _tags(text: str) -> list[str]:
    # Real HTML only: API messages write "<jeton>" / "<token>" as a placeholder for the reader.
    return sorted(re.findall(r"</?(?:a|abbr|b|br|code|em|i|kbd|li|ol|p|span|strong|ul)\b[^>]*>", text))


def _messages() -> list[dict]:
    entries = _po_entries(PO_PATH)
    assert entries[0]["fields"]["msgid"] == "", "the PO file must start with its header"
    return entries[1:]


def test_every_english_entry_is_translated_and_not_fuzzy():
    entries = _po_entries(PO_PATH)
    assert "fuzzy" not in entries[0]["flags"], "the header is still fuzzy"
    messages = entries[1:]
    assert len(messages) > 1000
    problems = []
    for entry in messages:
        fields = entry["fields"]
        msgstrs = [value for key, value in fields.items() if key.startswith("msgstr")]
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {fields['msgid']!r}")
        if not msgstrs or not all(value.strip() for value in msgstrs):
            problems.append(f"untranslated: {fields['msgid']!r}")
        if "msgid_plural" in fields and sorted(k for k in fields if k.startswith("msgstr")) != [
            "msgstr[0]",
            "msgstr[1]",
        ]:
            problems.append(f"plural forms missing: {fields['msgid']!r}")
    assert not problems, "\n".join(problems)


def test_translations_keep_placeholders_and_html_tags():
    problems = []
    for entry in _messages():
        fields = entry["fields"]
        pairs = [(fields["msgid"], fields.get("msgstr", fields.get("msgstr[0]", "")))]
        if "msgid_plural" in fields:
            pairs.append((fields["msgid_plural"], fields.get("msgstr[1]", "")))
        for source, translation in pairs:
            if _placeholders(source) != _placeholders(translation):
                problems.append(f"placeholders differ: {source!r} -> {translation!r}")
            if _tags(source) != _tags(translation):
                problems.append(f"HTML tags differ: {source!r} -> {translation!r}")
    assert not problems, "\n".join(problems)


def test_compiled_catalogue_matches_the_po_file():
    # The .mo is what Django reads: a stale one would silently show French or old wording.
    with MO_PATH.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    stale = []
    for entry in _messages():
        fields = entry["fields"]
        key = fields["msgid"] if "msgctxt" not in fields else f"{fields['msgctxt']}\x04{fields['msgid']}"
        if "msgid_plural" in fields:
            expected = {(key, 0): fields["msgstr[0]"], (key, 1): fields["msgstr[1]"]}
        else:
            expected = {key: fields["msgstr"]}
        for catalog_key, value in expected.items():
            if catalog.get(catalog_key) != value:
                stale.append(repr(fields["msgid"]))
    assert not stale, "run `manage.py compilemessages -l en`; stale entries:\n" + "\n".join(stale)

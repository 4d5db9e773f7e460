"""Technical-account passwords cannot be guessed (issue 19, point 7): a login is locked after
repeated failures, an unknown login answers in the time of a known one, attempts are journaled."""

from __future__ import annotations

import statistics
import time

import pytest
from django.core.cache import cache

from accounts.models import TechnicalAccountLoginAttempt
from accounts.services import technical_account_create

from .conftest import TECH_PASSWORD, account_header

pytestmark = pytest.mark.django_db
SEARCH = "/cpro/factures/v1/rechercher/fournisseur"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _call(api, login: str, password: str):
    return api.client.post(
        SEARCH,
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
        HTTP_CPRO_ACCOUNT=account_header(login, password),
    )


def test_login_is_locked_after_five_wrong_passwords_with_a_code_that_says_so(api, settings):
    settings.CPRO_ACCOUNT_LOCKOUT_FAILURES = 5
    # Given an attacker who tries five wrong passwords on acme's technical account
    for attempt in range(5):
        response = _call(api, "TECH-ACME", f"devine-{attempt}")
        assert response.status_code == 403
        assert response.json()["codeRetour"] == 40302
    # When they try again, even with the right password
    response = _call(api, "TECH-ACME", TECH_PASSWORD)
    # Then the login is locked, and the answer says so
    assert response.status_code == 403
    body = response.json()
    assert body["codeRetour"] == 40305
    assert "verrouillé" in body["libelle"] and "TECH-ACME" in body["libelle"]
    # and the other structures' accounts are not affected
    assert _call(api, "TECH-BOULANGERIE", TECH_PASSWORD).status_code == 200


def test_unknown_login_is_locked_like_a_known_one(api):
    # Given five failures on a login that does not exist
    for attempt in range(5):
        assert _call(api, "TECH-INCONNU", f"devine-{attempt}").json()["codeRetour"] == 40302
    # Then it locks exactly as a real login would: the lock-out does not reveal which exist
    assert _call(api, "TECH-INCONNU", "encore").json()["codeRetour"] == 40305


def test_success_resets_the_count(api):
    # Given four failures, then the right password
    for attempt in range(4):
        _call(api, "TECH-ACME", f"devine-{attempt}")
    assert _call(api, "TECH-ACME", TECH_PASSWORD).status_code == 200
    # When four more failures follow
    for attempt in range(4):
        assert _call(api, "TECH-ACME", f"autre-{attempt}").json()["codeRetour"] == 40302
    # Then the account is still usable with its password
    cache.clear()  # forget the verified header so that the password is checked again
    assert _call(api, "TECH-ACME", TECH_PASSWORD).status_code == 200


def test_attempts_are_journaled_for_administrators(api, admin_client):
    # Given two wrong passwords and a right one
    _call(api, "TECH-ACME", "faux-1")
    _call(api, "TECH-INCONNU", "faux-2")
    _call(api, "TECH-ACME", TECH_PASSWORD)
    # Then the journal lists them, with the IP address and the OAuth application
    rows = list(TechnicalAccountLoginAttempt.objects.order_by("at", "pk"))
    assert [(r.login, r.outcome) for r in rows] == [
        ("TECH-ACME", "echec"),
        ("TECH-INCONNU", "echec"),
        ("TECH-ACME", "succes"),
    ]
    assert rows[0].account is not None and rows[1].account is None
    assert rows[0].ip_address == "127.0.0.1" and rows[0].application == "erp-test"
    # and the administration shows it
    page = admin_client.get("/admin/accounts/technicalaccountloginattempt/")
    assert page.status_code == 200
    assert "TECH-INCONNU" in page.content.decode()


def test_unknown_login_answers_in_the_time_of_a_known_one(api, settings, acme):
    # Given the real password hasher (PBKDF2), as in production
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    settings.CPRO_ACCOUNT_LOCKOUT_FAILURES = 100
    from accounts.selectors import technical_account_for_structure

    technical_account_for_structure(structure=acme).delete()
    technical_account_create(structure=acme, actor=None, login="TECH-ACME-PBKDF2", password=TECH_PASSWORD)

    def timed(login: str) -> float:
        started = time.perf_counter()
        response = _call(api, login, "mauvais-mot-de-passe")
        assert response.json()["codeRetour"] == 40302
        return time.perf_counter() - started

    # When a wrong password is tried on a known and on an unknown login, alternately
    known, unknown = [], []
    for _round in range(3):
        known.append(timed("TECH-ACME-PBKDF2"))
        unknown.append(timed("TECH-PERSONNE"))
    # Then both answers cost one password check: the time does not tell which login exists
    assert statistics.median(unknown) > 0.6 * statistics.median(known), (known, unknown)


def test_a_burst_of_calls_with_a_new_header_verifies_the_password_once(api, monkeypatch):
    """Issue #17: eight threads of a connector start together; one PBKDF2, not eight."""
    from cpro.api import auth

    header = account_header("TECH-ACME", TECH_PASSWORD)
    key = auth._cache_key(header)
    # Given another request is verifying this very header right now
    assert auth._verification_claim(key)
    hashes = []
    real = auth.technical_account_authenticate
    monkeypatch.setattr(auth, "technical_account_authenticate", lambda **kw: hashes.append(kw) or real(**kw))

    # and it reaches its verdict while this call waits (the verifier stores it, then lets go)
    def verdict_arrives(seconds):
        from accounts.models import TechnicalAccount

        cache.set(key, TechnicalAccount.objects.get(login="TECH-ACME").password, 60)
        cache.delete(f"{key}:verifying")

    monkeypatch.setattr(auth.time, "sleep", verdict_arrives)
    # When this call arrives
    response = _call(api, "TECH-ACME", TECH_PASSWORD)
    # Then it is let in on that verdict, without hashing the password itself
    assert response.status_code == 200
    assert hashes == []


def test_a_wrong_password_gains_nothing_by_waiting(api, monkeypatch):
    from cpro.api import auth

    header = account_header("TECH-ACME", "devine")
    key = auth._cache_key(header)
    # Given a request verifying the same wrong header, that ends refused (its mark goes, no verdict)
    assert auth._verification_claim(key)
    monkeypatch.setattr(auth.time, "sleep", lambda seconds: cache.delete(f"{key}:verifying"))
    # When this call arrives
    response = _call(api, "TECH-ACME", "devine")
    # Then it verifies by itself and is refused, the failure counted and journaled as any other
    assert response.status_code == 403 and response.json()["codeRetour"] == 40302
    assert TechnicalAccountLoginAttempt.objects.filter(
        login="TECH-ACME", outcome=TechnicalAccountLoginAttempt.Outcome.FAILURE
    ).exists()

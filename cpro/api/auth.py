"""Authentication of every ``/cpro/`` call, as on PISTE (reference §4.1).

Two credentials, checked in this order, each with its own answer:

1. ``Authorization: Bearer <token>`` obtained from ``/api/oauth/token`` → 401 when missing,
   unknown or expired (the body says which);
2. ``cpro-account: base64("<login>:<password>")`` of a structure's technical account → 403 when
   missing, wrong, disabled or expired (the body says which).

The structure of the technical account is the one that acts: a supplier's account sees only its
structure's invoices, a buyer's only the invoices addressed to its structure.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication

from accounts.models import TechnicalAccount, TechnicalAccountLoginAttempt, User
from accounts.selectors import technical_account_authenticate
from accounts.services import technical_account_login_attempt_record, technical_account_mark_used

from ..models import AccessToken, OAuthApplication
from ..selectors import access_token_get
from .errors import ApiError, Code

if TYPE_CHECKING:
    from entities.models import PublicStructure
    from suppliers.models import SupplierStructure

# A verified ``cpro-account`` header is remembered this long, keyed by an HMAC of the header and
# checked against the stored password hash: PBKDF2 on every call would cap the API at a few calls
# per second per core, and a password change invalidates the entry at once.
VERIFIED_ACCOUNT_TTL = 300
SUPPLIER, BUYER = "fournisseur", "acheteur"


@dataclass(frozen=True)
class ApiActor:
    """Who appears in the status history for an API call.

    Decision: the technical account, not the OAuth application's owner. The owner may be an
    integrator outside the structure; the technical account *is* the structure's identity on the
    API, and buyers reading the history should see "Compte technique TECH-ACME". It is not a
    ``User`` (``pk`` is None), so ``invoices.lifecycle.machine`` stores the names without a user link.
    """

    login: str
    pk: None = None
    is_authenticated: bool = True
    # The account itself, for the services that check who may act for a structure (the deposit
    # checks accept a technical account of the invoice's supplier; issue 12, recycler).
    technical_account: Any = None

    @property
    def first_name(self) -> str:
        return "Compte technique"

    @property
    def last_name(self) -> str:
        return self.login

    def __str__(self) -> str:
        return f"Compte technique {self.login}"


@dataclass(frozen=True)
class ApiPrincipal:
    """``request.user`` of an API call."""

    application: OAuthApplication
    token: AccessToken
    account: TechnicalAccount
    is_authenticated: bool = True

    @property
    def kind(self) -> str:
        return SUPPLIER if self.account.supplier_structure_id else BUYER

    @property
    def supplier(self) -> SupplierStructure | None:
        return self.account.supplier_structure

    @property
    def buyer(self) -> PublicStructure | None:
        return self.account.public_structure

    @property
    def structure(self) -> SupplierStructure | PublicStructure:
        return self.account.supplier_structure or self.account.public_structure  # type: ignore[return-value]

    @property
    def actor(self) -> ApiActor:
        return ApiActor(login=self.account.login, technical_account=self.account)

    @property
    def owner(self) -> User:
        """The OAuth application's owner: a real user, for ``created_by`` columns.

        Built from the application's ``owner_id``, its other fields deferred (a field read later
        loads the row): the token's look-up no longer reads the user's row, twenty columns for
        the one id a deposit records (≈ 0.2 ms of every call, issue #17)."""
        return User.from_db(self.application._state.db, ["id"], [self.application.owner_id])


def _token_error(code: int, libelle: str) -> ApiError:
    return ApiError(
        code,
        libelle,
        http_status=401,
        headers={"WWW-Authenticate": 'Bearer realm="chorus", error="invalid_token"'},
    )


def _account_error(code: int, libelle: str) -> ApiError:
    return ApiError(code, libelle, http_status=403)


def authenticate_token(header: str) -> AccessToken:
    scheme, _sep, token = header.strip().partition(" ")
    if not header.strip():
        raise _token_error(
            Code.TOKEN_MISSING,
            _(
                "Jeton d'accès absent : envoyez l'en-tête « Authorization: Bearer <jeton> » obtenu "
                "sur /api/oauth/token."
            ),
        )
    if scheme.lower() != "bearer" or not token.strip():
        raise _token_error(
            Code.TOKEN_INVALID, _("En-tête Authorization mal formé : attendu « Bearer <jeton> ».")
        )
    row = access_token_get(token=token.strip())
    if row is None or not row.application.active:
        raise _token_error(
            Code.TOKEN_INVALID,
            _(
                "Jeton d'accès invalide : il est inconnu ou a été révoqué. Demandez un nouveau jeton "
                "sur /api/oauth/token."
            ),
        )
    if row.expires_at <= timezone.now():
        raise _token_error(
            Code.TOKEN_EXPIRED,
            _(
                "Jeton d'accès expiré (durée de vie 3600 secondes) : demandez un nouveau jeton sur "
                "/api/oauth/token."
            ),
        )
    return row


def _decode_account_header(header: str) -> tuple[str, str]:
    if not header.strip():
        raise _account_error(
            Code.ACCOUNT_MISSING,
            _(
                "Compte technique absent : envoyez l'en-tête « cpro-account » contenant "
                "base64(« identifiant:mot de passe ») du compte technique de votre structure."
            ),
        )
    try:
        decoded = base64.b64decode(header.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    login, sep, password = decoded.partition(":")
    if not sep or not login or not password:
        raise _account_error(
            Code.ACCOUNT_INVALID,
            _("En-tête cpro-account mal formé : attendu base64(« identifiant:mot de passe »)."),
        )
    return login, password


def _cache_key(header: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), header.encode(), hashlib.sha256).hexdigest()
    return f"cpro:tech:{digest}"


@functools.cache
def _dummy_hash() -> str:
    """A hash made with the current hasher, checked for unknown logins: an unknown login then
    costs one password check, like a known one, and the answer time tells nothing."""
    return make_password(secrets.token_urlsafe(24))


def _failures_key(login: str) -> str:
    return "cpro:tech-failures:" + hashlib.sha256(login.casefold().encode()).hexdigest()


def _is_locked(login: str) -> bool:
    return (cache.get(_failures_key(login)) or 0) >= settings.CPRO_ACCOUNT_LOCKOUT_FAILURES


def _count_failure(login: str) -> None:
    # A fixed window opened by the first failure: the login stays locked until it ends.
    key = _failures_key(login)
    cache.add(key, 0, settings.CPRO_ACCOUNT_LOCKOUT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.CPRO_ACCOUNT_LOCKOUT_SECONDS)


def _locked_error(login: str) -> ApiError:
    return _account_error(
        Code.ACCOUNT_LOCKED,
        _(
            "Compte technique « %(login)s » verrouillé après %(n)d mots de passe erronés : "
            "réessayez dans %(minutes)d minutes, ou renouvelez le mot de passe sur le portail."
        )
        % {
            "login": login,
            "n": settings.CPRO_ACCOUNT_LOCKOUT_FAILURES,
            "minutes": max(1, settings.CPRO_ACCOUNT_LOCKOUT_SECONDS // 60),
        },
    )


def _record(login: str, account: TechnicalAccount | None, outcome: str, client: tuple[str, str]) -> None:
    technical_account_login_attempt_record(
        login=login, account=account, outcome=outcome, ip_address=client[0], application=client[1]
    )


def _account_get(login: str) -> TechnicalAccount | None:
    """The account of ``login`` with its structure. ``get`` rather than ``first``: the login is
    unique, and the ORDER BY that ``first`` adds costs ≈ 0.2 ms of SQL compilation per call."""
    try:
        accounts = TechnicalAccount.objects.select_related("supplier_structure", "public_structure")
        return accounts.get(login=login)
    except TechnicalAccount.DoesNotExist:
        return None


def authenticate_account(header: str, *, client: tuple[str, str] = ("", "")) -> TechnicalAccount:
    """The technical account of a ``cpro-account`` header; ``client`` is (IP, OAuth client id),
    written in the journal of attempts."""
    login, password = _decode_account_header(header)
    account = _account_get(login)
    key = _cache_key(header)
    # The header's verdict and the mark of this hour's use, in one round trip to the cache (two
    # before, issue #17): on the usual call both are there and nothing else is asked of it.
    marks = cache.get_many([key, _used_key(account)]) if account is not None else {}
    use_recorded = account is not None and _used_key(account) in marks
    verified = account is not None and marks.get(key) == account.password
    if not verified:
        # Lock-out per login (known or not, so that it reveals nothing), checked before the
        # password so that a locked login cannot be guessed further. A header already verified
        # above still passes: the connector that knows the password is not locked out by a
        # stranger's attempts.
        if _is_locked(login):
            if cache.add(f"{_failures_key(login)}:journaled", 1, settings.CPRO_ACCOUNT_LOCKOUT_SECONDS):
                _record(login, account, TechnicalAccountLoginAttempt.Outcome.LOCKED, client)
            raise _locked_error(login)
        if account is not None and not _verification_claim(key):
            # The same header is being verified by another request right now (a connector's
            # threads starting together): wait for that verdict rather than run PBKDF2 again.
            verified = _verification_await(key, account.password)
            if verified:
                return _account_checked(account, login, use_recorded=use_recorded)
        if account is None:
            check_password(password, _dummy_hash())
            verified = False
        else:
            verified = technical_account_authenticate(login=login, password=password) is not None
            # The selector may refuse an expired account outright: tell the caller it is expired
            # (only once the password is known to be right).
            if not verified and account.expires_at <= timezone.now():
                verified = check_password(password, account.password)
        if not verified:
            cache.delete(f"{key}:verifying")
            _count_failure(login)
            _record(login, account, TechnicalAccountLoginAttempt.Outcome.FAILURE, client)
            raise _wrong_account()
        cache.delete(_failures_key(login))
        _record(login, account, TechnicalAccountLoginAttempt.Outcome.SUCCESS, client)
        cache.set(key, account.password, VERIFIED_ACCOUNT_TTL)
        cache.delete(f"{key}:verifying")
    assert account is not None
    return _account_checked(account, login, use_recorded=use_recorded)


# One PBKDF2 per header at a time: a burst of calls with a header not verified yet (8 threads
# of a connector at 9:00, each gunicorn worker cold) would otherwise run it once per call, half
# a second of CPU each (issue #17: the first 300-deposit burst lost ~1 s to it). The others wait
# for the verdict, at most VERIFY_WAIT seconds, then verify themselves.
VERIFY_WAIT = 1.5
VERIFY_POLL = 0.02


def _verification_claim(key: str) -> bool:
    """True when this request verifies the header (no other request is doing it)."""
    return bool(cache.add(f"{key}:verifying", 1, int(VERIFY_WAIT) + 1))


def _verification_await(key: str, password_hash: str) -> bool:
    """Wait for the request verifying the same header; True once it found it right."""
    deadline = time.monotonic() + VERIFY_WAIT
    while time.monotonic() < deadline:
        if cache.get(key) == password_hash:
            return True
        if cache.get(f"{key}:verifying") is None:
            return cache.get(key) == password_hash  # it ended: refused, or just accepted
        time.sleep(VERIFY_POLL)
    return False


def _wrong_account() -> ApiError:
    return _account_error(
        Code.ACCOUNT_INVALID,
        _("Compte technique invalide : identifiant ou mot de passe erroné, ou compte désactivé."),
    )


def _used_key(account: TechnicalAccount) -> str:
    return f"cpro:tech-used:{account.pk}"


def _account_checked(account: TechnicalAccount, login: str, *, use_recorded: bool) -> TechnicalAccount:
    """The checks that follow a verified password: active, not expired, structure active.
    ``use_recorded``: the caller found this hour's mark of use in the cache."""
    if not account.active:
        raise _wrong_account()
    if account.expires_at <= timezone.now():
        raise _account_error(
            Code.ACCOUNT_EXPIRED,
            _(
                "Le mot de passe du compte technique « %(login)s » a expiré le %(date)s : renouvelez-le "
                "sur le portail (Gestion de la structure › Comptes techniques)."
            )
            % {"login": login, "date": timezone.localtime(account.expires_at).strftime("%d/%m/%Y")},
        )
    structure = account.supplier_structure or account.public_structure
    if structure is None or not structure.active:
        raise _account_error(Code.ACCOUNT_INVALID, _("La structure du compte technique est désactivée."))
    # Remember the last use at most once an hour: a write on every call would be wasted.
    if not use_recorded and cache.add(_used_key(account), 1, 3600):
        technical_account_mark_used(account=account)
    return account


class CproAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Any) -> tuple[ApiPrincipal, AccessToken]:
        token = authenticate_token(request.headers.get("Authorization", ""))
        account = authenticate_account(
            request.headers.get("cpro-account", ""),
            client=(request.META.get("REMOTE_ADDR", ""), token.application.client_id),
        )
        return ApiPrincipal(application=token.application, token=token, account=account), token

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="chorus"'

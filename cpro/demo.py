"""API demo data of ``seed_demo`` (documented in the README; exact values, idempotent):

- OAuth application ``demo-client`` / ``demo-client-secret`` (owner: the demo administrator);
- technical accounts ``TECH-ACME`` (ACME Fournitures), ``TECH-BEAUFORT`` (Commune de
  Beaufort-en-Anjou) and ``TECH-NORDLICHT`` (Nordlicht Bürobedarf GmbH), all with the password
  ``Demo-Tech-2026!``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from .models import OAuthApplication

CLIENT_ID = "demo-client"
CLIENT_SECRET = "demo-client-secret"  # noqa: S105 - documented demo value
TECH_PASSWORD = "Demo-Tech-2026!"  # noqa: S105 - documented demo value
TECH_ACCOUNTS = (
    ("TECH-ACME", "suppliers", "acme"),
    ("TECH-BEAUFORT", "entities", "beaufort"),
    ("TECH-NORDLICHT", "suppliers", "nordlicht"),  # the foreign supplier (issue 13)
)


def seed(*, users: dict[str, Any], suppliers: dict[str, Any], entities: dict[str, Any]) -> None:
    from accounts.models import TechnicalAccount
    from accounts.services import technical_account_create, technical_account_renew

    structures = {"suppliers": suppliers, "entities": entities}
    with transaction.atomic():
        application = OAuthApplication.objects.filter(client_id=CLIENT_ID).first()
        if application is None:
            OAuthApplication.objects.create(
                client_id=CLIENT_ID,
                name="Application de démonstration",
                owner=users["admin"],
                client_secret_hash=make_password(CLIENT_SECRET),
            )
        elif not application.active or not check_password(CLIENT_SECRET, application.client_secret_hash):
            OAuthApplication.objects.filter(pk=application.pk).update(
                active=True, client_secret_hash=make_password(CLIENT_SECRET)
            )
        for login, group, key in TECH_ACCOUNTS:
            structure = structures[group][key]
            field = "supplier_structure" if group == "suppliers" else "public_structure"
            account = TechnicalAccount.objects.filter(**{field: structure}).first()
            if account is None:
                technical_account_create(structure=structure, actor=None, login=login, password=TECH_PASSWORD)
                continue
            if account.login != login:
                TechnicalAccount.objects.filter(pk=account.pk).update(login=login)
                account.refresh_from_db()
            # Renewed on every seed: a fresh year of validity, the documented password, active.
            technical_account_renew(account=account, actor=None, password=TECH_PASSWORD)
            TechnicalAccount.objects.filter(pk=account.pk).update(active=True)

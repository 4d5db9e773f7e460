"""``python manage.py seed_demo``: the demo data of the README (idempotent)."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Crée ou remet à jour les données de démonstration (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        from accounts import demo as accounts_demo
        from entities import demo as entities_demo
        from suppliers import demo as suppliers_demo

        with transaction.atomic():
            users = accounts_demo.seed()
            suppliers = suppliers_demo.seed(users)
            entities = entities_demo.seed(users)
        # Each later part (invoices, API accounts…) seeds after the structures exist, in its
        # own transaction: their side effects (documents, notifications) run after commit.
        for module_name in (
            "invoices.demo", "tracking.demo", "cpro.demo", "portalpro.demo", "compliance.demo"
        ):
            package = module_name.split(".")[0]
            if importlib.util.find_spec(package) is None or importlib.util.find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
            module.seed(users=users, suppliers=suppliers, entities=entities)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))

"""``python manage.py seed_demo``: the demo data of the README (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from compliance import demo as compliance_demo
from cpro import demo as cpro_demo
from edi import demo as edi_demo
from entities import demo as entities_demo
from helpcentre import demo as helpcentre_demo
from invoices import demo as invoices_demo
from portalpro import demo as portalpro_demo
from suppliers import demo as suppliers_demo
from tracking import demo as tracking_demo

# Each later part (invoices, API accounts…) seeds after the structures exist, in its own
# transaction: their side effects (documents, notifications) run after commit.
LATER_PARTS = (
    invoices_demo,
    tracking_demo,
    cpro_demo,
    portalpro_demo,
    compliance_demo,
    helpcentre_demo,
    edi_demo,
)


class Command(BaseCommand):
    help = "Crée ou remet à jour les données de démonstration (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            users = accounts_demo.seed()
            suppliers = suppliers_demo.seed(users)
            entities = entities_demo.seed(users)
        for module in LATER_PARTS:
            module.seed(users=users, suppliers=suppliers, entities=entities)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))

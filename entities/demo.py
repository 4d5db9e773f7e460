"""Demo public structures and services of ``seed_demo``."""

from __future__ import annotations

from accounts.models import User
from accounts.roles import MembershipStatus, Role

from .models import BuyerMembership, PublicCategory, PublicStructure, Service
from .normalize import search_key

BEAUFORT_SIRET = "21490244700017"
QUIMPER_SIRET = "26290001200010"
DDFIP_SIRET = "13000123300019"


def _structure(siret: str, **defaults: object) -> PublicStructure:

    defaults["search_name"] = search_key(str(defaults["name"]))
    defaults["search_city"] = search_key(str(defaults.get("city", "")))
    structure, _ = PublicStructure.objects.update_or_create(siret=siret, defaults=defaults)
    return structure


def seed(users: dict[str, User]) -> dict[str, PublicStructure]:
    beaufort = _structure(
        BEAUFORT_SIRET,
        name="Commune de Beaufort-en-Anjou",
        category=PublicCategory.COLLECTIVITE,
        service_code_required=True,
        engagement_required=False,
        engagement_or_service_required=False,
        active=True,
        address="Place Jeanne de Laval",
        postcode="49250",
        city="Beaufort-en-Anjou",
    )
    quimper = _structure(
        QUIMPER_SIRET,
        name="Centre hospitalier de Quimper",
        category=PublicCategory.SANTE,
        service_code_required=False,
        engagement_required=True,
        engagement_or_service_required=False,
        active=True,
        address="14 avenue Yves Thépot",
        postcode="29000",
        city="Quimper",
    )
    ddfip = _structure(
        DDFIP_SIRET,
        name="Direction départementale des finances publiques du Finistère",
        category=PublicCategory.ETAT,
        service_code_required=False,
        engagement_required=False,
        engagement_or_service_required=False,
        active=True,
        address="8 rue Théodore Le Hars",
        postcode="29000",
        city="Quimper",
    )
    for code, name, active in (
        ("FINANCES", "Service des finances", True),
        ("TECHNIQUE", "Services techniques", True),
        ("ARCHIVES", "Archives municipales", False),
    ):
        Service.objects.update_or_create(
            structure=beaufort,
            code=code,
            defaults={"name": name, "active": active, "valid_from": None, "valid_to": None},
        )
    BuyerMembership.objects.update_or_create(
        user=users["buyer"],
        structure=beaufort,
        defaults={"role": Role.PRINCIPAL, "status": MembershipStatus.ACTIVE},
    )
    return {"beaufort": beaufort, "quimper": quimper, "ddfip": ddfip}

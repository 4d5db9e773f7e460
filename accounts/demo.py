"""Demo accounts of ``seed_demo``. These exact values are used by acceptance checks."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from .models import User

ADMIN = ("admin@chorus.test", "Demo-Admin-2026!", "Alice", "Administratrice")
SUPPLIER = ("fournisseur@chorus.test", "Demo-Fournisseur-2026!", "Frédéric", "Fournier")
BUYER = ("acheteur@chorus.test", "Demo-Acheteur-2026!", "Agnès", "Achard")
# Principal manager of Nordlicht Bürobedarf GmbH, the demo supplier established in Germany.
FOREIGN_SUPPLIER = ("nordlicht@chorus.test", "Demo-Nordlicht-2026!", "Jana", "Nordlicht")
# Member of Atelier Moreau Architectes, the maître d'œuvre of the demo works contract (issue 14).
MOE = ("moe@chorus.test", "Demo-Moe-2026!", "Mathilde", "Moreau")


def demo_user(email: str, password: str, first_name: str, last_name: str, *, staff: bool = False) -> User:
    """Create the user or reset it to its documented state (idempotent)."""
    user, _created = User.objects.get_or_create(email=email)
    user.first_name, user.last_name = first_name, last_name
    user.is_active = True
    user.is_staff = user.is_superuser = staff
    user.set_password(password)
    user.save()
    # The address is already confirmed, so that the demo accounts can log in at once.
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed() -> dict[str, User]:
    return {
        "admin": demo_user(*ADMIN, staff=True),
        "supplier": demo_user(*SUPPLIER),
        "buyer": demo_user(*BUYER),
        "foreign_supplier": demo_user(*FOREIGN_SUPPLIER),
        "moe": demo_user(*MOE),
    }

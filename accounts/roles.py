"""Roles and membership states shared by supplier and public structures (Chorus Pro §3.4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The creator of a structure; a structure always keeps exactly one.
    PRINCIPAL = "GESTIONNAIRE_PRINCIPAL", _("Gestionnaire principal")
    # Can approve members and change the structure, like the principal manager.
    SECONDARY = "GESTIONNAIRE_SECONDAIRE", _("Gestionnaire secondaire")
    USER = "UTILISATEUR", _("Utilisateur")


MANAGER_ROLES = frozenset({Role.PRINCIPAL, Role.SECONDARY})


class MembershipStatus(models.TextChoices):
    PENDING = "EN_ATTENTE", _("En attente d'approbation")
    ACTIVE = "ACTIF", _("Actif")
    REFUSED = "REFUSE", _("Refusé")


# Roles a manager may give to a member (the principal role is transferred, never given).
MEMBER_ROLES = [(Role.USER.value, Role.USER.label), (Role.SECONDARY.value, Role.SECONDARY.label)]

"""The Django admin speaks French: app and model names, column headers and field labels
(issue 18, point 8)."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.urls import reverse

from accounts.models import TwoFactorAuthenticator
from invoices.lifecycle.models import StatusEvent
from invoices.models import Invoice

pytestmark = pytest.mark.django_db

ENGLISH_NAME = r"[a-z]_[a-z]|^(user|invoice|supplier|recipient|structure|file|flow|event|digest)$"
SAME_IN_FRENCH = {"structure", "services"}
OUR_APPS = {"accounts", "suppliers", "entities", "invoices", "tracking", "cpro", "compliance", "helpcentre"}


def test_every_field_of_our_admin_models_has_a_french_label():
    # A label Django derived from an English field name (« created at ») is a missing translation.
    untranslated = [
        f"{model._meta.label}.{field.name}"
        for model in admin.site._registry
        if model._meta.app_label in OUR_APPS
        for field in model._meta.get_fields()
        if getattr(field, "verbose_name", None) == field.name.replace("_", " ")
        and not field.auto_created
        and not model._meta.proxy  # allauth's own fields, listed with French headers
        and field.name not in SAME_IN_FRENCH
        and re.search(ENGLISH_NAME, field.name)
    ]
    assert untranslated == []


def test_admin_index_and_lists_are_in_french(client, admin_user):
    client.force_login(admin_user)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Authenticators" not in index and "Authentificateurs (double authentification)" in index
    assert all(
        apps.get_app_config(label).verbose_name in index for label in ("invoices", "notifications")
    )  # (tracking has no model of its own)
    # The column headers of the lists: « facture », « fournisseur », never the field's English name
    for model in (StatusEvent, Invoice, TwoFactorAuthenticator):
        model_admin = admin.site._registry[model]
        headers = [str(label_for_field(name, model, model_admin)) for name in model_admin.list_display]
        english = [
            h
            for h in headers
            if re.fullmatch(r"[a-z_ ]+", h)
            and h.replace(" ", "_") in {f.name for f in model._meta.get_fields()}
            and h not in SAME_IN_FRENCH | {"type"}
        ]
        assert english == [], (model, headers)
    assert "facture" in [str(label_for_field("invoice", StatusEvent))]

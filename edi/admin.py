"""Admins see every EDI connection, its keys and its traffic (files and journal)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import EdiConnection, EdiFile, EdiKey, EdiLog


class ReadOnly(admin.ModelAdmin):
    """History is never edited (files, journal)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EdiKeyInline(admin.TabularInline):
    model = EdiKey
    extra = 0
    fields = ("label", "fingerprint", "created_at", "created_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EdiConnection)
class EdiConnectionAdmin(admin.ModelAdmin):
    list_display = ("account", "structure", "status_files", "last_login_at", "locked_until", "quota_bytes")
    list_filter = ("status_files",)
    search_fields = ("account__login", "account__supplier_structure__name")
    list_select_related = ("account__supplier_structure",)
    fields = (
        "account",
        "status_files",
        "quota_bytes",
        "locked_until",
        "failed_logins",
        "last_login_at",
        "status_cursor",
        "created_at",
    )
    readonly_fields = ("account", "failed_logins", "last_login_at", "status_cursor", "created_at")
    inlines = [EdiKeyInline]
    actions = ["unlock"]

    @admin.display(description=_("structure"))
    def structure(self, obj: EdiConnection) -> str:
        return str(obj.account.supplier_structure or "")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created on first connection or key registration

    @admin.action(description=_("Déverrouiller les connexions sélectionnées"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[EdiConnection]) -> None:
        queryset.update(locked_until=None, failed_logins=0)


@admin.register(EdiFile)
class EdiFileAdmin(ReadOnly):
    list_display = ("created_at", "connection", "kind", "state", "name", "size", "flow_number", "report_name")
    list_filter = ("kind", "state")
    search_fields = ("name", "flow_number", "connection__account__login")
    list_select_related = ("connection__account",)
    raw_id_fields = ("connection", "flow", "event")
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(EdiLog)
class EdiLogAdmin(ReadOnly):
    list_display = ("at", "login", "action", "name", "size", "detail", "remote_addr")
    list_filter = ("action",)
    search_fields = ("login", "name", "detail", "remote_addr")
    raw_id_fields = ("connection",)
    date_hierarchy = "at"
    show_full_result_count = False

"""Read-only admin of invoices: a status changes only through the state machine, a sent invoice
never changes, and documents are kept byte for byte; the admin only looks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .lifecycle.models import EcbRate, StatusEvent
from .models import DepositFlow, Document, Invoice, InvoiceAllowanceCharge, InvoiceLine, VatLine


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ["position", "designation", "quantity", "unit", "unit_price", "discount", "vat_rate", "total_ht"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AllowanceChargeInline(admin.TabularInline):
    model = InvoiceAllowanceCharge
    extra = 0
    can_delete = False
    fields = ["position", "is_charge", "reason", "reason_code", "vat_category", "vat_rate", "amount"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VatLineInline(admin.TabularInline):
    model = VatLine
    extra = 0
    can_delete = False
    fields = ["category", "rate", "base", "amount"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    can_delete = False
    fields = ["role", "name", "size", "sha256", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["pk", "number", "kind", "supplier", "recipient", "status", "total_ttc", "deposited_at"]
    list_filter = ["status", "kind", "channel"]
    # Exact lookups only: an indexed search on 80 million rows (no LIKE '%…%').
    search_fields = ["=number", "=pk"]
    list_select_related = ["supplier", "recipient"]
    show_full_result_count = False
    raw_id_fields = ["supplier", "recipient", "recipient_service", "validator", "original_invoice", "flow"]
    inlines = [LineInline, AllowanceChargeInline, VatLineInline, DocumentInline]


@admin.register(DepositFlow)
class DepositFlowAdmin(ReadOnlyAdmin):
    list_display = ["number", "channel", "status", "supplier", "created_at"]
    list_filter = ["status", "channel"]
    search_fields = ["=number"]
    show_full_result_count = False


# --- The lifecycle: the ECB rates (updated by administrators every half-year) and the history,
# read-only (history is never edited).


@admin.register(EcbRate)
class EcbRateAdmin(admin.ModelAdmin):
    list_display = ["starts_on", "rate"]
    ordering = ["-starts_on"]


@admin.register(StatusEvent)
class StatusEventAdmin(ReadOnlyAdmin):
    list_display = [
        "invoice",
        "status",
        "previous_status",
        "at",
        "actor_role",
        "actor_last_name",
        "reason_code",
    ]
    list_filter = ["status", "actor_role"]
    search_fields = ["invoice__number", "=invoice__id"]
    raw_id_fields = ["invoice", "actor"]
    date_hierarchy = "at"
    show_full_result_count = False

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import ComplianceReminder, PaperInvoice, PaperInvoiceHistory


@admin.register(PaperInvoice)
class PaperInvoiceAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "invoice_date",
        "supplier_siret",
        "supplier_name",
        "recipient",
        "amount_ttc",
        "source",
    )
    list_filter = ("source",)
    search_fields = ("number", "supplier_siret", "supplier_name", "recipient__name", "recipient__siret")
    date_hierarchy = "invoice_date"
    raw_id_fields = ("recipient", "supplier", "recorded_by")
    list_select_related = ("recipient",)
    show_full_result_count = False  # no COUNT(*) over a large table on each page


@admin.register(ComplianceReminder)
class ComplianceReminderAdmin(admin.ModelAdmin):
    list_display = ("supplier", "sent_at", "sent_by", "as_of", "recipients")
    raw_id_fields = ("supplier", "sent_by")
    list_select_related = ("supplier", "sent_by")
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PaperInvoiceHistory)
class PaperInvoiceHistoryAdmin(admin.ModelAdmin):
    """History is never edited: read-only."""

    list_display = ("at", "action", "number", "supplier_siret", "recipient", "actor_name")
    list_filter = ("action",)
    search_fields = ("number", "supplier_siret", "recipient__name", "actor_name")
    raw_id_fields = ("recipient", "actor")
    list_select_related = ("recipient",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

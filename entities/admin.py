from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import MembershipAdminBase

from . import services
from .models import BuyerMembership, PublicStructure, Service
from .normalize import search_key


@admin.register(PublicStructure)
class PublicStructureAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "siret",
        "category",
        "postcode",
        "city",
        "service_code_required",
        "engagement_required",
        "engagement_or_service_required",
        "active",
    ]
    list_filter = [
        "active",
        "category",
        "service_code_required",
        "engagement_required",
        "engagement_or_service_required",
        "payment_status_not_reported",
        "edi_receiver",
    ]
    search_fields = ["siret"]  # see get_search_results: indexed search, as in the directory
    search_help_text = _("SIRET (début) ou mots du nom")
    show_full_result_count = False
    readonly_fields = ["created_at", "updated_at"]
    ordering = ["search_name"]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple:
        """A SIRET prefix, or words of the normalised name (trigram index on PostgreSQL): never the
        admin's default ``UPPER(name) LIKE '%…%'`` scan of 150,000 rows."""
        term = search_term.strip()
        if not term:
            return queryset, False
        compact = term.replace(" ", "")
        if compact.isdigit():
            return queryset.filter(siret__startswith=compact), False
        for word in search_key(term).split():
            queryset = queryset.filter(search_name__contains=word)
        return queryset, False

    def save_model(self, request: HttpRequest, obj: PublicStructure, form, change: bool) -> None:
        services.public_structure_save(structure=obj)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "structure", "active", "valid_from", "valid_to", "engagement_required"]
    list_filter = ["active", "engagement_required"]
    search_fields = ["=code", "name", "=structure__siret"]
    raw_id_fields = ["structure"]
    list_select_related = ["structure"]
    show_full_result_count = False
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Service, form, change: bool) -> None:
        services.service_save(service=obj)


@admin.register(BuyerMembership)
class BuyerMembershipAdmin(MembershipAdminBase):
    search_fields = [*MembershipAdminBase.search_fields, "=structure__siret"]
    raw_id_fields = [*MembershipAdminBase.raw_id_fields, "services"]
    # staticmethod: plain service functions, not methods of the admin.
    approve_service = staticmethod(services.buyer_membership_approve)
    refuse_service = staticmethod(services.buyer_membership_refuse)
    transfer_service = staticmethod(services.buyer_principal_transfer)

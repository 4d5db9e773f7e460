from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.admin_mixins import MembershipAdminBase
from common.identifiers import validate_bic, validate_iban, validate_structure_identifier, validate_vat_number

from . import services
from .models import BankAccount, SupplierMembership, SupplierStructure


class SupplierStructureAdminForm(forms.ModelForm):
    """The same identifier, VAT and IBAN rules as the portal's pages."""

    class Meta:
        model = SupplierStructure
        exclude: list[str] = []

    def clean(self) -> dict:
        data = super().clean()
        kind, identifier = data.get("identifier_type"), data.get("identifier")
        if kind and identifier:
            try:
                data["identifier"] = validate_structure_identifier(kind, identifier)
            except ValidationError as exc:
                self.add_error("identifier", exc)
        if data.get("vat_number"):
            siren = data.get("identifier", "")[:9] if kind == "SIRET" else None
            try:
                data["vat_number"] = validate_vat_number(data["vat_number"], siren=siren)
            except ValidationError as exc:
                self.add_error("vat_number", exc)
        return data


class BankAccountAdminForm(forms.ModelForm):
    class Meta:
        model = BankAccount
        exclude: list[str] = []

    def clean_iban(self) -> str:
        return validate_iban(self.cleaned_data.get("iban"))

    def clean_bic(self) -> str:
        bic = self.cleaned_data.get("bic")
        return validate_bic(bic) if bic else ""


class BankAccountInline(admin.TabularInline):
    model = BankAccount
    form = BankAccountAdminForm
    extra = 0


class MembershipInline(admin.TabularInline):
    model = SupplierMembership
    extra = 0
    fields = ["user", "role", "status", "requested_at", "decided_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    max_num = 0  # members change through the services (approval flow, principal manager kept)


@admin.register(SupplierStructure)
class SupplierStructureAdmin(admin.ModelAdmin):
    form = SupplierStructureAdminForm
    list_display = ["name", "identifier_type", "identifier", "city", "size_category", "is_public", "active"]
    list_filter = ["active", "identifier_type", "size_category", "size_category_set_by_admin", "is_public"]
    search_fields = ["=identifier", "name", "=vat_number"]
    show_full_result_count = False
    inlines = [BankAccountInline, MembershipInline]
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: SupplierStructure, form, change: bool) -> None:
        services.supplier_structure_admin_save(structure=obj, changed=set(form.changed_data))


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    form = BankAccountAdminForm
    list_display = ["iban", "label", "structure", "active"]
    list_filter = ["active"]
    search_fields = ["=iban", "structure__name", "=structure__identifier"]
    raw_id_fields = ["structure"]
    list_select_related = ["structure"]


@admin.register(SupplierMembership)
class SupplierMembershipAdmin(MembershipAdminBase):
    search_fields = [*MembershipAdminBase.search_fields, "=structure__identifier"]
    # staticmethod: plain service functions, not methods of the admin.
    approve_service = staticmethod(services.supplier_membership_approve)
    refuse_service = staticmethod(services.supplier_membership_refuse)
    transfer_service = staticmethod(services.supplier_principal_transfer)

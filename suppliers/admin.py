from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import BankAccount, SupplierMembership, SupplierStructure
from .validators import validate_bic, validate_iban, validate_structure_identifier, validate_vat_number


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


def run_membership_action(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, action, done: str
) -> None:
    """Apply a membership service to each selected row, as the administration (by_staff)."""
    ok = 0
    for membership in queryset.order_by("pk"):
        try:
            action(membership=membership, actor=request.user, by_staff=True)
            ok += 1
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(
                request, f"{membership} : {' '.join(getattr(exc, 'messages', [str(exc)]))}", messages.ERROR
            )
    if ok:
        modeladmin.message_user(request, done % {"n": ok}, messages.SUCCESS)


class MembershipAdminBase(admin.ModelAdmin):
    list_display = ["user", "structure", "role", "status", "requested_at", "decided_at"]
    list_filter = ["status", "role"]
    search_fields = ["user__email", "user__last_name", "structure__name"]
    raw_id_fields = ["user", "structure"]
    list_select_related = ["user", "structure"]
    # Role and status only change through the actions: approval flow, one principal manager.
    readonly_fields = ["role", "status", "requested_at", "decided_at", "decided_by"]
    show_full_result_count = False


@admin.register(SupplierMembership)
class SupplierMembershipAdmin(MembershipAdminBase):
    search_fields = [*MembershipAdminBase.search_fields, "=structure__identifier"]
    actions = ["approve", "refuse", "make_principal"]

    @admin.action(description=_("Approuver les demandes sélectionnées"))
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_membership_action(
            self, request, queryset, services.supplier_membership_approve, _("%(n)d demande(s) approuvée(s).")
        )

    @admin.action(description=_("Refuser les demandes sélectionnées"))
    def refuse(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_membership_action(
            self, request, queryset, services.supplier_membership_refuse, _("%(n)d demande(s) refusée(s).")
        )

    @admin.action(description=_("Nommer gestionnaire principal"))
    def make_principal(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_membership_action(
            self,
            request,
            queryset,
            services.supplier_principal_transfer,
            _("%(n)d gestionnaire(s) principal(aux) nommé(s)."),
        )

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import TechnicalAccount, TechnicalAccountLoginAttempt, TwoFactorAuthenticator, User
from .services import technical_account_deactivate


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name")}),
        (_("Droits"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(TechnicalAccount)
class TechnicalAccountAdmin(admin.ModelAdmin):
    """Technical accounts are created and renewed by the structure's managers (the password is
    shown to them once); the administration looks them up and can deactivate them."""

    list_display = ["login", "supplier_structure", "public_structure", "expires_at", "active", "last_used_at"]
    search_fields = ["login", "=supplier_structure__identifier", "=public_structure__siret"]
    list_filter = ["active", "expires_at"]
    exclude = ["password"]
    raw_id_fields = ["supplier_structure", "public_structure", "created_by"]
    list_select_related = ["supplier_structure", "public_structure"]
    readonly_fields = [
        "login",
        "supplier_structure",
        "public_structure",
        "expires_at",
        "created_by",
        "created_at",
        "renewed_at",
        "last_used_at",
    ]
    actions = ["deactivate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Désactiver les comptes sélectionnés"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet) -> None:
        for account in queryset:
            technical_account_deactivate(account=account, actor=None)
        self.message_user(request, _("Comptes désactivés."), messages.SUCCESS)


# allauth's authenticators (TOTP, recovery codes), listed in French under « Comptes ».
if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)


@admin.register(TwoFactorAuthenticator)
class TwoFactorAuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["owner", "kind", "created", "last_used"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]

    @admin.display(description=_("utilisateur"), ordering="user__email")
    def owner(self, obj: TwoFactorAuthenticator) -> str:
        return obj.user.email

    @admin.display(description=_("type"), ordering="type")
    def kind(self, obj: TwoFactorAuthenticator) -> str:
        return str(obj.get_type_display())

    @admin.display(description=_("date de création"), ordering="created_at")
    def created(self, obj: TwoFactorAuthenticator) -> object:
        return obj.created_at

    @admin.display(description=_("dernière utilisation"), ordering="last_used_at")
    def last_used(self, obj: TwoFactorAuthenticator) -> object:
        return obj.last_used_at


@admin.register(TechnicalAccountLoginAttempt)
class TechnicalAccountLoginAttemptAdmin(admin.ModelAdmin):
    """Read-only journal of API password checks: who tried which login, from where."""

    list_display = ["at", "login", "outcome", "ip_address", "application"]
    list_filter = ["outcome", "at"]
    search_fields = ["login", "=ip_address"]
    readonly_fields = ["at", "login", "account", "outcome", "ip_address", "application"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

"""Admin of the help centre: articles are edited here, and the support team answers requests
here (the reply form and the actions call ``helpcentre.services``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe

from invoices.models import Invoice

from . import services
from .models import HelpArticle, SupportRequest


@admin.register(HelpArticle)
class HelpArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "topic", "audience", "position", "published", "updated_at")
    list_filter = ("kind", "topic", "audience", "published")
    list_editable = ("position", "published")
    search_fields = ("title", "keywords", "body")
    prepopulated_fields = {"slug": ("title",)}
    fields = (
        "kind",
        "audience",
        "topic",
        "title",
        "slug",
        "summary",
        "keywords",
        "body",
        "position",
        "published",
    )


class SupportReplyForm(forms.ModelForm):
    reply = forms.CharField(
        label="Réponse au demandeur",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=services.MESSAGE_MAX_LENGTH,
    )
    reply_attachment = forms.FileField(label="Pièce jointe", required=False)
    close_after = forms.BooleanField(label="Clôturer la sollicitation après la réponse", required=False)

    class Meta:
        model = SupportRequest
        fields: tuple[str, ...] = ()


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    form = SupportReplyForm
    list_display = ("reference", "subject", "author", "category", "status", "last_message_at", "assignee")
    list_filter = ("status", "category")
    search_fields = ("subject", "author__email", "author__last_name")
    list_select_related = ("author", "assignee")
    ordering = ("-last_message_at",)
    show_full_result_count = False
    readonly_fields = (
        "reference",
        "author",
        "category",
        "subject",
        "status",
        "invoice_link",
        "structure",
        "assignee",
        "created_at",
        "last_message_at",
        "closed_at",
        "thread",
    )
    fieldsets = (
        (None, {"fields": readonly_fields}),
        ("Répondre", {"fields": ("reply", "reply_attachment", "close_after")}),
    )
    actions = ("take_selected", "close_selected")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests are opened by users, from the portal

    def has_delete_permission(self, request: HttpRequest, obj: SupportRequest | None = None) -> bool:
        return False  # the exchange is kept

    @admin.display(description="Référence")
    def reference(self, obj: SupportRequest) -> str:
        return obj.reference

    @admin.display(description="Facture concernée")
    def invoice_link(self, obj: SupportRequest) -> str:
        if not obj.invoice_id:
            return "—"
        return format_html(
            '<a href="{}">Facture n° {} (identifiant {})</a> – {}',
            reverse("admin:invoices_invoice_change", args=[obj.invoice_id]) if _has_invoice_admin() else "#",
            obj.invoice.number or "—",
            obj.invoice_id,
            obj.invoice.get_status_display(),
        )

    @admin.display(description="Structure")
    def structure(self, obj: SupportRequest) -> str:
        return str(obj.supplier_structure or obj.public_structure or "—")

    @admin.display(description="Échanges")
    def thread(self, obj: SupportRequest) -> str:
        rows = []
        for message in obj.messages.select_related("author").prefetch_related("attachments"):
            files = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("helpcentre:attachment_download", args=[a.pk]), a.name)
                    for a in message.attachments.all()
                ),
            )
            rows.append(
                (
                    "Support" if message.from_staff else "Demandeur",
                    message.author or "—",
                    timezone.localtime(message.created_at).strftime("%d/%m/%Y %H:%M"),
                    # linebreaks() escapes the text itself (autoescape=True) but returns a plain str.
                    mark_safe(linebreaks(message.body, autoescape=True)),  # noqa: S308
                    files,
                )
            )
        return format_html_join(
            "", '<div style="margin-bottom:1em"><strong>{} – {}</strong>, le {}{}<div>{}</div></div>', rows
        )

    def save_model(self, request: HttpRequest, obj: SupportRequest, form: forms.Form, change: bool) -> None:
        # No field of the request is edited here: the reply goes through the services.
        request._support_errors = []  # type: ignore[attr-defined]
        reply = form.cleaned_data.get("reply", "").strip()
        try:
            if reply:
                services.support_request_reply(
                    support_request=obj,
                    author=request.user,
                    body=reply,
                    attachment=form.cleaned_data.get("reply_attachment"),
                    as_staff=True,
                )
            if form.cleaned_data.get("close_after"):
                obj.refresh_from_db(fields=["status"])
                services.support_request_close(support_request=obj, actor=request.user)
        except ValidationError as exc:
            request._support_errors = exc.messages  # type: ignore[attr-defined]

    def save_related(self, request: HttpRequest, form: forms.Form, formsets: list, change: bool) -> None:
        return None

    def response_change(self, request: HttpRequest, obj: SupportRequest) -> HttpResponse:
        errors = getattr(request, "_support_errors", [])
        for error in errors:
            self.message_user(request, error, messages.ERROR)
        if not errors:
            self.message_user(request, f"Sollicitation {obj.reference} mise à jour.", messages.SUCCESS)
        return HttpResponseRedirect(request.path)

    @admin.action(description="Prendre en charge les sollicitations sélectionnées")
    def take_selected(self, request: HttpRequest, queryset: QuerySet[SupportRequest]) -> None:
        self._apply(
            request,
            queryset,
            lambda obj: services.support_request_take(support_request=obj, actor=request.user),
        )

    @admin.action(description="Clôturer les sollicitations sélectionnées")
    def close_selected(self, request: HttpRequest, queryset: QuerySet[SupportRequest]) -> None:
        self._apply(
            request,
            queryset,
            lambda obj: services.support_request_close(support_request=obj, actor=request.user),
        )

    def _apply(self, request: HttpRequest, queryset: QuerySet[SupportRequest], action) -> None:
        done = 0
        for obj in queryset.select_related("author"):
            try:
                action(obj)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{obj.reference} : {' '.join(exc.messages)}", messages.WARNING)
        if done:
            self.message_user(request, f"{done} sollicitation(s) mise(s) à jour.", messages.SUCCESS)


def _has_invoice_admin() -> bool:

    return admin.site.is_registered(Invoice)

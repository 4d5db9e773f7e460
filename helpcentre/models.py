"""The help centre (guides and FAQ, editable in the admin) and support requests
("Sollicitations") with their messages and attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleKind(models.TextChoices):
    GUIDE = "GUIDE", _("Guide")
    FAQ = "FAQ", _("Question fréquente")


class Audience(models.TextChoices):
    ALL = "TOUS", _("Tous les utilisateurs")
    SUPPLIER = "FOURNISSEUR", _("Fournisseurs")
    BUYER = "ACHETEUR", _("Acheteurs publics")


class Topic(models.TextChoices):
    ACCOUNT = "COMPTE", _("Compte et structure")
    DEPOSIT = "DEPOT", _("Déposer une facture")
    FOLLOW = "SUIVI", _("Suivre une facture et ses statuts")
    REJECTION = "REJET", _("Rejets, suspensions et recyclages")
    BUYER = "ACHETEUR", _("Traiter les factures reçues")
    OBLIGATION = "OBLIGATION", _("Obligation et calendrier")
    API = "API", _("API et échanges automatisés")


class HelpArticle(models.Model):
    """A guide or a FAQ entry. Seeded by a data migration, then edited in the admin."""

    kind = models.CharField(_("type"), max_length=10, choices=ArticleKind.choices)
    audience = models.CharField(_("public"), max_length=12, choices=Audience.choices, default=Audience.ALL)
    topic = models.CharField(_("thème"), max_length=12, choices=Topic.choices)
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("adresse"), max_length=100, unique=True)
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    body = models.TextField(
        _("texte"),
        help_text=_(
            "Paragraphes séparés par une ligne vide ; lignes commençant par « - » pour une liste à puces, "
            "par « 1. » pour une liste numérotée, par « ## » pour un intertitre."
        ),
    )
    keywords = models.CharField(
        _("mots-clés"),
        max_length=500,
        blank=True,
        help_text=_("Mots que les utilisateurs tapent pour chercher cette réponse (synonymes, codes…)."),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=100)
    published = models.BooleanField(_("publié"), default=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("article d'aide")
        verbose_name_plural = _("articles d'aide")
        ordering = ["topic", "position", "title"]
        indexes = [
            models.Index(fields=["kind", "published", "topic", "position"], name="help_article_listing"),
        ]
        # On PostgreSQL, a GIN index on the weighted French text-search vector is created by
        # migration 0002 (not declared here: SQLite has no GIN index).

    def __str__(self) -> str:
        return self.title


class RequestCategory(models.TextChoices):
    INVOICE = "FACTURE", _("Question sur une facture")
    REJECTION = "REJET", _("Facture rejetée, suspendue ou à recycler")
    DEPOSIT = "DEPOT", _("Dépôt d'une facture (saisie, PDF, Factur-X, UBL, CII)")
    ACCOUNT = "STRUCTURE", _("Compte, structure ou rattachement")
    API = "API", _("API, EDI et raccordement")
    OBLIGATION = "OBLIGATION", _("Obligation de facturation électronique")
    OTHER = "AUTRE", _("Autre demande")


class RequestStatus(models.TextChoices):
    # Waiting for the support team.
    OPEN = "OUVERTE", _("Ouverte")
    # Taken by someone of the support team.
    IN_PROGRESS = "EN_COURS", _("En cours de traitement")
    # The support team answered; waiting for the user.
    ANSWERED = "REPONDUE", _("Répondue")
    # Closed by the user or the support team; a new question is a new request.
    CLOSED = "CLOTUREE", _("Clôturée")


class SupportRequest(models.Model):
    """A support request ("sollicitation") opened by a logged-in user."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="support_requests",
        verbose_name=_("auteur"),
    )
    category = models.CharField(_("catégorie"), max_length=12, choices=RequestCategory.choices)
    subject = models.CharField(_("objet"), max_length=150)
    status = models.CharField(
        _("statut"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    invoice = models.ForeignKey(
        "invoices.Invoice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("facture concernée"),
    )
    # The structure the user worked on when opening the request (context for the support team).
    supplier_structure = models.ForeignKey(
        "suppliers.SupplierStructure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("structure fournisseur"),
    )
    public_structure = models.ForeignKey(
        "entities.PublicStructure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("structure publique"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pris en charge par"),
    )
    created_at = models.DateTimeField(_("ouverte le"))
    last_message_at = models.DateTimeField(_("dernier message le"))
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("sollicitation")
        verbose_name_plural = _("sollicitations")
        indexes = [
            models.Index(fields=["author", "-last_message_at", "-id"], name="support_author_recent"),
            models.Index(fields=["status", "-last_message_at"], name="support_status_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} – {self.subject}"

    @property
    def reference(self) -> str:
        return f"SOL-{self.pk:07d}" if self.pk else "SOL-…"


class SupportMessage(models.Model):
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_staff = models.BooleanField(_("réponse du support"), default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("date"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="support_message_request")]

    def __str__(self) -> str:
        return f"{self.request_id} – {self.created_at:%d/%m/%Y %H:%M}"


class SupportAttachment(models.Model):
    """A file joined to a message, checked like an invoice attachment (reference §5.3)."""

    message = models.ForeignKey(SupportMessage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="sollicitations/%Y/%m/")
    name = models.CharField(_("nom du fichier"), max_length=50)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self) -> str:
        return self.name

"""The official refund rates of the TIC/TICGN, by product and period (data, edited by admins)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class TicProduct(models.TextChoices):
    """Energy products whose excise duty (TICPE / TICGN) is partly refunded to agricultural,
    shellfish, fish-farming and forestry operators and CUMA."""

    GAZOLE_NON_ROUTIER = "GNR", _("Gazole non routier")
    FIOUL_LOURD = "FIOUL_LOURD", _("Fioul lourd")
    GPL = "GPL", _("Gaz de pétrole liquéfiés")
    GAZ_NATUREL_COMBUSTIBLE = "GN_COMBUSTIBLE", _("Gaz naturel utilisé comme combustible")
    GAZ_NATUREL_CARBURANT = "GN_CARBURANT", _("Gaz naturel utilisé comme carburant")


class TicRefundRate(models.Model):
    """The refund per unit of a product consumed during a period, as published."""

    product = models.CharField(_("produit"), max_length=20, choices=TicProduct.choices)
    period_start = models.DateField(_("début de la période de consommation"))
    period_end = models.DateField(_("fin de la période de consommation"))
    rate = models.DecimalField(_("remboursement par unité (€)"), max_digits=10, decimal_places=4)
    # UN/ECE Recommendation 20 code of the unit the rate applies to (BT-130): HLT hectolitre,
    # DTN 100 kg (quintal), MWH mégawattheure.
    unit = models.CharField(_("unité (code UN/ECE)"), max_length=3)
    unit_label = models.CharField(_("unité"), max_length=40)
    source = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("adresse de la source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("taux de remboursement de TIC/TICGN")
        verbose_name_plural = _("taux de remboursement de TIC/TICGN")
        ordering = ["-period_start", "product"]
        constraints = [
            models.UniqueConstraint(fields=["product", "period_start"], name="tic_rate_product_period"),
            models.CheckConstraint(name="tic_rate_positive", condition=Q(rate__gt=0)),
            models.CheckConstraint(
                name="tic_rate_period_order", condition=Q(period_end__gte=F("period_start"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_product_display()} {self.period_start:%Y}: {self.rate} €/{self.unit_label}"

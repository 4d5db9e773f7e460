"""Reason codes for an unfavourable status (suspension, rejection, recycling): the business
reason codes of the CTC lifecycle (reference §8, CDAR), with French labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

REASON_MAX_LENGTH = 255  # PASTELL truncates ``motif`` to 255 characters (reference §1.1).


class ReasonCode(models.TextChoices):
    JUSTIF_ABS = "JUSTIF_ABS", _("Justificatif absent ou insuffisant")
    ROUTAGE_ERR = "ROUTAGE_ERR", _("Erreur de routage (structure ou service)")
    CODE_ROUTAGE_ERR = "CODE_ROUTAGE_ERR", _("Code service erroné")
    CMD_ERR = "CMD_ERR", _("Numéro d'engagement (bon de commande) erroné ou absent")
    MONTANTTOTAL_ERR = "MONTANTTOTAL_ERR", _("Montant total erroné")
    CALCUL_ERR = "CALCUL_ERR", _("Erreur de calcul")
    TX_TVA_ERR = "TX_TVA_ERR", _("Taux de TVA erroné")
    PU_ERR = "PU_ERR", _("Prix unitaire erroné")
    QTE_ERR = "QTE_ERR", _("Quantité erronée")
    REM_ERR = "REM_ERR", _("Remise erronée")
    COORD_BANC_ERR = "COORD_BANC_ERR", _("Coordonnées bancaires erronées")
    SIRET_ERR = "SIRET_ERR", _("SIRET erroné")
    DOUBLON = "DOUBLON", _("Facture en double")
    DOUBLE_FACT = "DOUBLE_FACT", _("Prestation déjà facturée")
    DEST_ERR = "DEST_ERR", _("Mauvais destinataire")
    CONTRAT_TERM = "CONTRAT_TERM", _("Contrat terminé")
    LIVR_INCOMP = "LIVR_INCOMP", _("Livraison incomplète")
    NON_CONFORME = "NON_CONFORME", _("Facture non conforme")
    AUTRE = "AUTRE", _("Autre motif")

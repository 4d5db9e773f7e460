"""The Chorus Pro API at its real paths (reference §4.2), the OAuth token endpoint, the OpenAPI
schema and its documentation, and the portal pages that manage OAuth applications.

Included by ``chorus.urls`` with the prefix "": every path here is complete.
"""

from __future__ import annotations

from django.urls import path

from . import views
from .api import factures, flux, oauth, structures, transverses
from .api.docs import ApiDocsView, ApiSchemaView, swagger_asset

app_name = "cpro"

F = "cpro/factures/v1/"
S = "cpro/structures/v1/"
T = "cpro/transverses/v1/"
U = "cpro/utilisateurs/v1/"

api_patterns = [
    path("api/oauth/token", oauth.TokenView.as_view(), name="oauth_token"),
    # --- factures (supplier side) ---
    path(F + "soumettre", factures.SoumettreView.as_view(), name="factures_soumettre"),
    path(F + "deposer/pdf", factures.DeposerPdfView.as_view(), name="factures_deposer_pdf"),
    path(F + "deposer/flux", flux.DeposerFluxView.as_view(), name="factures_deposer_flux"),
    path(
        F + "rechercher/fournisseur",
        factures.RechercherFournisseurView.as_view(),
        name="factures_rechercher_fournisseur",
    ),
    path(
        F + "consulter/fournisseur",
        factures.ConsulterFournisseurView.as_view(),
        name="factures_consulter_fournisseur",
    ),
    path(F + "completer", factures.CompleterView.as_view(), name="factures_completer"),
    path(F + "recycler", factures.RecyclerView.as_view(), name="factures_recycler"),
    path(F + "traiterRejet", factures.TraiterRejetView.as_view(), name="factures_traiter_rejet"),
    path(
        F + "consulter/historique",
        factures.ConsulterHistoriqueView.as_view(),
        name="factures_consulter_historique",
    ),
    path(
        F + "telecharger/groupe", factures.TelechargerGroupeView.as_view(), name="factures_telecharger_groupe"
    ),
    # --- factures (recipient and validator side) ---
    path(
        F + "rechercher/recipiendaire",
        factures.RechercherRecipiendaireView.as_view(),
        name="factures_rechercher_recipiendaire",
    ),
    path(
        F + "consulter/recipiendaire",
        factures.ConsulterRecipiendaireView.as_view(),
        name="factures_consulter_recipiendaire",
    ),
    path(F + "traiter/recue", factures.TraiterRecueView.as_view(), name="factures_traiter_recue"),
    path(
        F + "rechercher/valideur",
        factures.RechercherValideurView.as_view(),
        name="factures_rechercher_valideur",
    ),
    path(
        F + "traiter/factureAValider",
        factures.TraiterFactureAValiderView.as_view(),
        name="factures_traiter_facture_a_valider",
    ),
    # --- structures ---
    path(S + "rechercher", structures.RechercherStructuresView.as_view(), name="structures_rechercher"),
    path(S + "consulter", structures.ConsulterStructureView.as_view(), name="structures_consulter"),
    path(
        S + "rechercher/services",
        structures.RechercherServicesView.as_view(),
        name="structures_rechercher_services",
    ),
    path(
        S + "consulter/service",
        structures.ConsulterServiceView.as_view(),
        name="structures_consulter_service",
    ),
    path(
        S + "lister/rattachementsutilisateur",
        structures.ListerRattachementsUtilisateurView.as_view(),
        name="structures_lister_rattachements",
    ),
    # --- utilisateurs ---
    path(
        U + "monCompte/recuperer/rattachements",
        structures.MonCompteRattachementsView.as_view(),
        name="utilisateurs_mon_compte_rattachements",
    ),
    # --- transverses ---
    path(T + "health-check", transverses.HealthCheckView.as_view(), name="transverses_health_check"),
    path(T + "consulterCR", transverses.ConsulterCRView.as_view(), name="transverses_consulter_cr"),
    path(
        T + "consulterCRDetaille",
        transverses.ConsulterCRDetailleView.as_view(),
        name="transverses_consulter_cr_detaille",
    ),
    path(T + "recuperer/tauxtva", transverses.TauxTvaView.as_view(), name="transverses_tauxtva"),
    path(T + "recuperer/devises", transverses.DevisesView.as_view(), name="transverses_devises"),
    path(T + "recuperer/pays", transverses.PaysView.as_view(), name="transverses_pays"),
    path(
        T + "recuperer/cadrefacturation",
        transverses.CadreFacturationView.as_view(),
        name="transverses_cadrefacturation",
    ),
    path(
        T + "recuperer/modereglements",
        transverses.ModeReglementsView.as_view(),
        name="transverses_modereglements",
    ),
    path(T + "recuperer/typedp", transverses.TypeDpView.as_view(), name="transverses_typedp"),
    path(T + "recuperer/modedepot", transverses.ModeDepotView.as_view(), name="transverses_modedepot"),
    path(T + "recuperer/formatflux", transverses.FormatFluxView.as_view(), name="transverses_formatflux"),
    path(
        T + "recuperer/etats/traitement",
        transverses.EtatsTraitementView.as_view(),
        name="transverses_etats_traitement",
    ),
    path(
        T + "recuperer/motifs/exonerationtva",
        transverses.MotifsExonerationView.as_view(),
        name="transverses_motifs_exonerationtva",
    ),
    path(
        T + "rechercher/destinataire",
        transverses.RechercherDestinataireView.as_view(),
        name="transverses_rechercher_destinataire",
    ),
    path(
        T + "telecharger/annuaire/destinataire",
        transverses.TelechargerAnnuaireView.as_view(),
        name="transverses_telecharger_annuaire",
    ),
    path(T + "ajouter/fichier", transverses.AjouterFichierView.as_view(), name="transverses_ajouter_fichier"),
    path(
        T + "telecharger/pieceJointe",
        transverses.TelechargerPieceJointeView.as_view(),
        name="transverses_telecharger_piece_jointe",
    ),
]

urlpatterns = [
    *api_patterns,
    path("api/schema/", ApiSchemaView.as_view(), name="api_schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="cpro:api_schema"), name="api_docs"),
    path("api/docs/assets/<str:name>", swagger_asset, name="api_docs_asset"),
    path("api/demarrer/", views.guide, name="api_guide"),
    path("api/exemple/facture-demo.pdf", views.sample_facturx, name="api_sample_facturx"),
    path("api/applications/", views.application_list, name="application_list"),
    path("api/applications/nouvelle/", views.application_create, name="application_create"),
    path("api/applications/<int:pk>/", views.application_detail, name="application_detail"),
]

"""The Chorus Pro API at its real paths (reference §4.2), the OAuth token endpoint, the OpenAPI
schema and its documentation, and the portal pages that manage OAuth applications.

Included by ``chorus.urls`` with the prefix "": every path here is complete.
"""

from __future__ import annotations

from django.urls import path
from rest_framework.views import APIView

from . import views
from .api import factures, flux, oauth, structures, transverses
from .api.docs import ApiDocsView, ApiSchemaView, swagger_asset
from .api.factures import payment_requests
from .api.transverses import catalogue

app_name = "cpro"

F = "cpro/factures/v1/"
S = "cpro/structures/v1/"
T = "cpro/transverses/v1/"
U = "cpro/utilisateurs/v1/"

# One row per endpoint (route, view, URL name), in the order of the OpenAPI schema and its documentation.
API_ROUTES: list[tuple[str, type[APIView], str]] = [
    ("api/oauth/token", oauth.TokenView, "oauth_token"),
    # --- factures (supplier side) ---
    (F + "soumettre", factures.SoumettreView, "factures_soumettre"),
    (F + "deposer/pdf", factures.DeposerPdfView, "factures_deposer_pdf"),
    (F + "deposer/flux", flux.DeposerFluxView, "factures_deposer_flux"),
    (F + "rechercher/fournisseur", factures.RechercherFournisseurView, "factures_rechercher_fournisseur"),
    (F + "consulter/fournisseur", factures.ConsulterFournisseurView, "factures_consulter_fournisseur"),
    (F + "completer", factures.CompleterView, "factures_completer"),
    (F + "recycler", factures.RecyclerView, "factures_recycler"),
    (F + "traiterRejet", factures.TraiterRejetView, "factures_traiter_rejet"),
    (F + "consulter/historique", factures.ConsulterHistoriqueView, "factures_consulter_historique"),
    (F + "telecharger/groupe", factures.TelechargerGroupeView, "factures_telecharger_groupe"),
    # --- factures (recipient and validator side) ---
    (
        F + "rechercher/recipiendaire",
        factures.RechercherRecipiendaireView,
        "factures_rechercher_recipiendaire",
    ),
    (F + "consulter/recipiendaire", factures.ConsulterRecipiendaireView, "factures_consulter_recipiendaire"),
    (F + "traiter/recue", factures.TraiterRecueView, "factures_traiter_recue"),
    (F + "rechercher/valideur", factures.RechercherValideurView, "factures_rechercher_valideur"),
    (
        F + "traiter/factureAValider",
        factures.TraiterFactureAValiderView,
        "factures_traiter_facture_a_valider",
    ),
    (F + "consulter/valideur", factures.ConsulterValideurView, "factures_consulter_valideur"),
    (
        F + "corriger/valideur/facture",
        factures.CorrigerValideurView,
        "factures_corriger_valideur_facture",
    ),
    (
        F + "recuperer/statutsFactureVisibles/valideur",
        factures.StatutsVisiblesValideurView,
        "factures_statuts_visibles_valideur",
    ),
    (
        F + "rechercher/demandePaiement",
        payment_requests.RechercherDemandePaiementView,
        "factures_rechercher_demande_paiement",
    ),
    # --- structures ---
    (S + "rechercher", structures.RechercherStructuresView, "structures_rechercher"),
    (S + "consulter", structures.ConsulterStructureView, "structures_consulter"),
    (S + "rechercher/services", structures.RechercherServicesView, "structures_rechercher_services"),
    (S + "consulter/service", structures.ConsulterServiceView, "structures_consulter_service"),
    (
        S + "lister/rattachementsutilisateur",
        structures.ListerRattachementsUtilisateurView,
        "structures_lister_rattachements",
    ),
    # --- utilisateurs ---
    (
        U + "monCompte/recuperer/rattachements",
        structures.MonCompteRattachementsView,
        "utilisateurs_mon_compte_rattachements",
    ),
    # --- transverses ---
    (T + "health-check", transverses.HealthCheckView, "transverses_health_check"),
    (T + "consulterCR", transverses.ConsulterCRView, "transverses_consulter_cr"),
    (T + "consulterCRDetaille", transverses.ConsulterCRDetailleView, "transverses_consulter_cr_detaille"),
    (T + "recuperer/tauxtva", transverses.TauxTvaView, "transverses_tauxtva"),
    (T + "recuperer/devises", transverses.DevisesView, "transverses_devises"),
    (T + "recuperer/pays", transverses.PaysView, "transverses_pays"),
    (T + "recuperer/cadrefacturation", transverses.CadreFacturationView, "transverses_cadrefacturation"),
    (T + "recuperer/modereglements", transverses.ModeReglementsView, "transverses_modereglements"),
    (T + "recuperer/typedp", transverses.TypeDpView, "transverses_typedp"),
    (T + "recuperer/modedepot", transverses.ModeDepotView, "transverses_modedepot"),
    (T + "recuperer/formatflux", transverses.FormatFluxView, "transverses_formatflux"),
    (T + "recuperer/etats/traitement", transverses.EtatsTraitementView, "transverses_etats_traitement"),
    (
        T + "recuperer/motifs/exonerationtva",
        transverses.MotifsExonerationView,
        "transverses_motifs_exonerationtva",
    ),
    (
        T + "rechercher/destinataire",
        transverses.RechercherDestinataireView,
        "transverses_rechercher_destinataire",
    ),
    (
        T + "telecharger/annuaire/destinataire",
        transverses.TelechargerAnnuaireView,
        "transverses_telecharger_annuaire",
    ),
    (T + "ajouter/fichier", transverses.AjouterFichierView, "transverses_ajouter_fichier"),
    (
        T + "telecharger/pieceJointe",
        transverses.TelechargerPieceJointeView,
        "transverses_telecharger_piece_jointe",
    ),
    (T + "recuperer/typespj", catalogue.TypesPjView, "transverses_typespj"),
    (
        T + "rechercher/pj/moncompte",
        catalogue.RechercherPjMonCompteView,
        "transverses_rechercher_pj_moncompte",
    ),
    (
        T + "rechercher/pj/structure",
        catalogue.RechercherPjStructureView,
        "transverses_rechercher_pj_structure",
    ),
    (
        T + "recuperer/structures/actives/fournisseur",
        catalogue.ActivesFournisseurView,
        "transverses_structures_actives_fournisseur",
    ),
    (
        T + "recuperer/structures/actives/destinataire",
        catalogue.ActivesDestinataireView,
        "transverses_structures_actives_destinataire",
    ),
    (
        T + "recuperer/structures/actives/facturetravaux",
        catalogue.ActivesFactureTravauxView,
        "transverses_structures_actives_facturetravaux",
    ),
    (T + "consulter/information/siret", catalogue.InformationSiretView, "transverses_information_siret"),
    (
        T + "recuperer/motifs/refus/Facture/AValider",
        catalogue.MotifsRefusAValiderView,
        "transverses_motifs_refus_facture_a_valider",
    ),
    (T + "recuperer/coordbanc/valides", catalogue.CoordBancValidesView, "transverses_coordbanc_valides"),
    (T + "recuperer/typefacturetravaux", catalogue.TypeFactureTravauxView, "transverses_typefacturetravaux"),
    (
        T + "recuperer/typeidentifiant/structure",
        catalogue.TypeIdentifiantStructureView,
        "transverses_typeidentifiant_structure",
    ),
    (T + "recuperer/etat/typedp", catalogue.EtatTypeDpView, "transverses_etat_typedp"),
    (
        T + "rechercher/categorieSollicitation",
        catalogue.CategoriesSollicitationView,
        "transverses_categorie_sollicitation",
    ),
    (
        T + "rechercher/sousCategorieSollicitation",
        catalogue.SousCategoriesSollicitationView,
        "transverses_sous_categorie_sollicitation",
    ),
]

api_patterns = [path(route, view.as_view(), name=name) for route, view, name in API_ROUTES]

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

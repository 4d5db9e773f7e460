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
from .api.factures import payment_requests, works
from .api.transverses import catalogue

app_name = "cpro"

FACTURES = "cpro/factures/v1/"
STRUCTURES = "cpro/structures/v1/"
TRANSVERSES = "cpro/transverses/v1/"
UTILISATEURS = "cpro/utilisateurs/v1/"
FACTURES_TRAVAUX = "cpro/facturesTravaux/v1/"

# One row per endpoint (route, view, URL name), in the order of the OpenAPI schema and its documentation.
API_ROUTES: list[tuple[str, type[APIView], str]] = [
    ("api/oauth/token", oauth.TokenView, "oauth_token"),
    # --- factures (supplier side) ---
    (FACTURES + "soumettre", factures.SoumettreView, "factures_soumettre"),
    (FACTURES + "deposer/pdf", factures.DeposerPdfView, "factures_deposer_pdf"),
    (FACTURES + "deposer/flux", flux.DeposerFluxView, "factures_deposer_flux"),
    (
        FACTURES + "rechercher/fournisseur",
        factures.RechercherFournisseurView,
        "factures_rechercher_fournisseur",
    ),
    (FACTURES + "consulter/fournisseur", factures.ConsulterFournisseurView, "factures_consulter_fournisseur"),
    (FACTURES + "completer", factures.CompleterView, "factures_completer"),
    (FACTURES + "recycler", factures.RecyclerView, "factures_recycler"),
    (FACTURES + "traiterRejet", factures.TraiterRejetView, "factures_traiter_rejet"),
    (FACTURES + "consulter/historique", factures.ConsulterHistoriqueView, "factures_consulter_historique"),
    (FACTURES + "telecharger/groupe", factures.TelechargerGroupeView, "factures_telecharger_groupe"),
    # --- factures (recipient and validator side) ---
    (
        FACTURES + "rechercher/recipiendaire",
        factures.RechercherRecipiendaireView,
        "factures_rechercher_recipiendaire",
    ),
    (
        FACTURES + "consulter/recipiendaire",
        factures.ConsulterRecipiendaireView,
        "factures_consulter_recipiendaire",
    ),
    (FACTURES + "traiter/recue", factures.TraiterRecueView, "factures_traiter_recue"),
    (FACTURES + "rechercher/valideur", factures.RechercherValideurView, "factures_rechercher_valideur"),
    (
        FACTURES + "traiter/factureAValider",
        factures.TraiterFactureAValiderView,
        "factures_traiter_facture_a_valider",
    ),
    (FACTURES + "consulter/valideur", factures.ConsulterValideurView, "factures_consulter_valideur"),
    (
        FACTURES + "corriger/valideur/facture",
        factures.CorrigerValideurView,
        "factures_corriger_valideur_facture",
    ),
    (
        FACTURES + "recuperer/statutsFactureVisibles/valideur",
        factures.StatutsVisiblesValideurView,
        "factures_statuts_visibles_valideur",
    ),
    (
        FACTURES + "rechercher/demandePaiement",
        payment_requests.RechercherDemandePaiementView,
        "factures_rechercher_demande_paiement",
    ),
    # --- structures ---
    (
        FACTURES_TRAVAUX + "rechercher",
        works.RechercherFacturesTravauxView,
        "factures_travaux_rechercher",
    ),
    (STRUCTURES + "rechercher", structures.RechercherStructuresView, "structures_rechercher"),
    (STRUCTURES + "consulter", structures.ConsulterStructureView, "structures_consulter"),
    (STRUCTURES + "rechercher/services", structures.RechercherServicesView, "structures_rechercher_services"),
    (STRUCTURES + "consulter/service", structures.ConsulterServiceView, "structures_consulter_service"),
    (
        STRUCTURES + "lister/rattachementsutilisateur",
        structures.ListerRattachementsUtilisateurView,
        "structures_lister_rattachements",
    ),
    # --- utilisateurs ---
    (
        UTILISATEURS + "monCompte/recuperer/rattachements",
        structures.MonCompteRattachementsView,
        "utilisateurs_mon_compte_rattachements",
    ),
    # --- transverses ---
    (TRANSVERSES + "health-check", transverses.HealthCheckView, "transverses_health_check"),
    (TRANSVERSES + "consulterCR", transverses.ConsulterCRView, "transverses_consulter_cr"),
    (
        TRANSVERSES + "consulterCRDetaille",
        transverses.ConsulterCRDetailleView,
        "transverses_consulter_cr_detaille",
    ),
    (TRANSVERSES + "recuperer/tauxtva", transverses.TauxTvaView, "transverses_tauxtva"),
    (TRANSVERSES + "recuperer/devises", transverses.DevisesView, "transverses_devises"),
    (TRANSVERSES + "recuperer/pays", transverses.PaysView, "transverses_pays"),
    (
        TRANSVERSES + "recuperer/cadrefacturation",
        transverses.CadreFacturationView,
        "transverses_cadrefacturation",
    ),
    (TRANSVERSES + "recuperer/modereglements", transverses.ModeReglementsView, "transverses_modereglements"),
    (TRANSVERSES + "recuperer/typedp", transverses.TypeDpView, "transverses_typedp"),
    (TRANSVERSES + "recuperer/modedepot", transverses.ModeDepotView, "transverses_modedepot"),
    (TRANSVERSES + "recuperer/formatflux", transverses.FormatFluxView, "transverses_formatflux"),
    (
        TRANSVERSES + "recuperer/etats/traitement",
        transverses.EtatsTraitementView,
        "transverses_etats_traitement",
    ),
    (
        TRANSVERSES + "recuperer/motifs/exonerationtva",
        transverses.MotifsExonerationView,
        "transverses_motifs_exonerationtva",
    ),
    (
        TRANSVERSES + "rechercher/destinataire",
        transverses.RechercherDestinataireView,
        "transverses_rechercher_destinataire",
    ),
    (
        TRANSVERSES + "telecharger/annuaire/destinataire",
        transverses.TelechargerAnnuaireView,
        "transverses_telecharger_annuaire",
    ),
    (TRANSVERSES + "ajouter/fichier", transverses.AjouterFichierView, "transverses_ajouter_fichier"),
    (
        TRANSVERSES + "telecharger/pieceJointe",
        transverses.TelechargerPieceJointeView,
        "transverses_telecharger_piece_jointe",
    ),
    (TRANSVERSES + "recuperer/typespj", catalogue.TypesPjView, "transverses_typespj"),
    (
        TRANSVERSES + "rechercher/pj/moncompte",
        catalogue.RechercherPjMonCompteView,
        "transverses_rechercher_pj_moncompte",
    ),
    (
        TRANSVERSES + "rechercher/pj/structure",
        catalogue.RechercherPjStructureView,
        "transverses_rechercher_pj_structure",
    ),
    (
        TRANSVERSES + "recuperer/structures/actives/fournisseur",
        catalogue.ActivesFournisseurView,
        "transverses_structures_actives_fournisseur",
    ),
    (
        TRANSVERSES + "recuperer/structures/actives/destinataire",
        catalogue.ActivesDestinataireView,
        "transverses_structures_actives_destinataire",
    ),
    (
        TRANSVERSES + "recuperer/structures/actives/facturetravaux",
        catalogue.ActivesFactureTravauxView,
        "transverses_structures_actives_facturetravaux",
    ),
    (
        TRANSVERSES + "consulter/information/siret",
        catalogue.InformationSiretView,
        "transverses_information_siret",
    ),
    (
        TRANSVERSES + "recuperer/motifs/refus/Facture/AValider",
        catalogue.MotifsRefusAValiderView,
        "transverses_motifs_refus_facture_a_valider",
    ),
    (
        TRANSVERSES + "recuperer/coordbanc/valides",
        catalogue.CoordBancValidesView,
        "transverses_coordbanc_valides",
    ),
    (
        TRANSVERSES + "recuperer/typefacturetravaux",
        catalogue.TypeFactureTravauxView,
        "transverses_typefacturetravaux",
    ),
    (
        TRANSVERSES + "recuperer/typeidentifiant/structure",
        catalogue.TypeIdentifiantStructureView,
        "transverses_typeidentifiant_structure",
    ),
    (TRANSVERSES + "recuperer/etat/typedp", catalogue.EtatTypeDpView, "transverses_etat_typedp"),
    (
        TRANSVERSES + "rechercher/categorieSollicitation",
        catalogue.CategoriesSollicitationView,
        "transverses_categorie_sollicitation",
    ),
    (
        TRANSVERSES + "rechercher/sousCategorieSollicitation",
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

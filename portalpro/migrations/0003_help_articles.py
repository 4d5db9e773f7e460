"""Help centre entries on Chorus Portal Pro, so that the assistant and the search answer about
accounts without a SIRET, memos of court fees and TIC/TICGN refunds."""

from __future__ import annotations

from django.db import migrations

ARTICLES = [
    {
        "slug": "memoire-de-frais-de-justice",
        "kind": "GUIDE", "audience": "FOURNISSEUR", "topic": "DEPOT", "position": 40,
        "title": "Déposer un mémoire de frais de justice (avec ou sans SIRET)",
        "summary": "Experts, interprètes, traducteurs, enquêteurs : adressez votre mémoire à la juridiction "
                   "qui vous a requis et suivez-le jusqu'à son paiement.",
        "keywords": "mémoire frais de justice réquisition expert interprète traducteur enquêteur juridiction "
                    "tribunal sans SIRET particulier A3",
        "body": """Les collaborateurs occasionnels du service public de la justice déposent leurs mémoires en ligne, gratuitement, 24 h sur 24 (cadre A3 « mémoire de frais de justice »).

- Sans SIRET : à l'inscription, choisissez « Vous n'avez pas de SIRET » et indiquez votre adresse et votre IBAN. Votre compte ne sert qu'aux formulaires ouverts aux particuliers, dont les mémoires de frais de justice.
- Avec un SIRET : créez ou rejoignez la structure de votre entreprise.

## Remplir le mémoire
Choisissez la juridiction dans l'annuaire, recopiez la référence de la réquisition (elle est obligatoire), puis détaillez les prestations tarifées : heures, pages, déplacements. Joignez la réquisition.

Si vous n'êtes pas assujetti à la TVA, vos prestations sont facturées sans TVA : le portail porte lui-même la mention « TVA non applicable, art. 293 B du CGI ».

## Le suivi
Le mémoire suit les mêmes étapes qu'une facture, jusqu'à la mise en paiement ; vous êtes prévenu à chaque changement de statut. Il reste consultable et téléchargeable pendant 10 ans.""",
    },
    {
        "slug": "remboursement-tic-ticgn",
        "kind": "GUIDE", "audience": "FOURNISSEUR", "topic": "DEPOT", "position": 41,
        "title": "Demander le remboursement de la TIC/TICGN (exploitants agricoles)",
        "summary": "Gazole non routier, fioul lourd, GPL, gaz naturel : la demande en ligne, calculée avec les "
                   "taux officiels, pour les sièges des départements de l'expérimentation.",
        "keywords": "remboursement TIC TICGN TICPE accise gazole non routier GNR fioul gaz naturel agricole "
                    "exploitant CUMA douane A21 expérimentation département",
        "body": """Les exploitants agricoles, conchylicoles, piscicoles, forestiers et les CUMA qui ont un SIRET demandent en ligne le remboursement partiel de la taxe sur les produits énergétiques consommés pour leur activité (cadre A21).

- La demande en ligne est expérimentée pour les sièges situés dans les départements 72, 81, 14, 27, 90, 76, 02, 59, 66, 62, 80, 75, 77, 78, 91, 92, 93, 94 et 95. Ailleurs, le portail vous indique pourquoi et vous adressez votre demande selon la procédure habituelle.
- Choisissez la période de consommation et le bureau de douane, puis indiquez le volume de chaque produit : le montant est calculé avec le taux officiel de remboursement de la période (la source est citée sous le tableau des taux).
- Un remboursement ne porte pas de TVA : aucun motif d'exonération n'est demandé.

La demande est suivie jusqu'à sa mise en paiement, comme une facture.""",
    },
    {
        "slug": "compte-sans-siret",
        "kind": "FAQ", "audience": "FOURNISSEUR", "topic": "COMPTE", "position": 40,
        "title": "Je n'ai pas de SIRET : puis-je utiliser le portail ?",
        "summary": "Oui, pour les formulaires ouverts aux particuliers : les mémoires de frais de justice.",
        "keywords": "sans SIRET particulier inscription compte créer mémoire justice",
        "body": """Oui. Sur la page d'accueil ou d'inscription, choisissez « Vous n'avez pas de SIRET » : votre compte est créé avec une structure « Particulier » (votre nom, votre adresse, votre IBAN).

Vous pouvez alors déposer les formulaires ouverts aux particuliers, c'est-à-dire les mémoires de frais de justice. Les factures et la demande de remboursement de TIC/TICGN exigent un SIRET.""",
    },
]


def seed(apps, schema_editor) -> None:
    HelpArticle = apps.get_model("helpcentre", "HelpArticle")
    for article in ARTICLES:
        HelpArticle.objects.update_or_create(slug=article["slug"], defaults=article)


def unseed(apps, schema_editor) -> None:
    apps.get_model("helpcentre", "HelpArticle").objects.filter(slug__in=[a["slug"] for a in ARTICLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("portalpro", "0002_tic_rates_2021"), ("helpcentre", "0003_seed_articles")]

    operations = [migrations.RunPython(seed, unseed)]

"""The first guides and FAQ entries of the help centre. Administrators edit them afterwards in the
admin; this migration only creates the ones that do not exist yet (by slug), so it never
overwrites an edited text."""

from django.db import migrations

G, F = "GUIDE", "FAQ"
ALL, SUP, BUY = "TOUS", "FOURNISSEUR", "ACHETEUR"

ARTICLES = [
    # --- Guides ------------------------------------------------------------------------------
    {
        "slug": "creer-son-compte-et-sa-structure",
        "kind": G, "audience": SUP, "topic": "COMPTE", "position": 10,
        "title": "Créer son compte et la structure de son entreprise",
        "summary": "Les premières étapes d'un fournisseur : un compte personnel, puis la structure "
                   "identifiée par son SIRET.",
        "keywords": "inscription créer compte structure SIRET fournisseur gestionnaire principal rattachement",
        "body": """Pour déposer des factures, il faut un compte personnel, rattaché à la structure de votre entreprise.

## 1. Créer votre compte
1. Cliquez sur « Créer un compte » et indiquez votre adresse e-mail professionnelle et un mot de passe d'au moins 10 caractères.
2. Ouvrez l'e-mail de confirmation et cliquez sur le lien : votre compte est activé.

## 2. Créer la structure ou la rejoindre
- Si votre entreprise n'est pas encore inscrite, créez sa structure avec son SIRET (14 chiffres : le SIREN suivi du NIC de l'établissement). Vous en devenez le gestionnaire principal.
- Si elle est déjà inscrite, demandez à la rejoindre : son gestionnaire principal ou un gestionnaire secondaire approuve votre demande.

Les structures sans SIRET (entreprise de l'Union européenne hors France, hors Union européenne, RIDET, numéro TAHITI, particulier) choisissent le type d'identifiant correspondant.

## 3. Compléter la structure
Renseignez les coordonnées bancaires (IBAN) sur lesquelles vous voulez être payé, et, si vous les connaissez, l'effectif, le chiffre d'affaires et le total de bilan : ils déterminent la catégorie de l'entreprise (microentreprise, PME, ETI, grande entreprise).""",
    },
    {
        "slug": "gerer-les-utilisateurs-de-sa-structure",
        "kind": G, "audience": ALL, "topic": "COMPTE", "position": 20,
        "title": "Gérer les utilisateurs de sa structure",
        "summary": "Gestionnaire principal, gestionnaires secondaires et utilisateurs : qui peut faire quoi.",
        "keywords": "gestionnaire principal secondaire utilisateur rattachement approbation droits habilitation",
        "body": """Chaque structure a un seul gestionnaire principal : la personne qui l'a créée, ou celle à qui ce rôle a été transmis.

- Le gestionnaire principal et les gestionnaires secondaires approuvent ou refusent les demandes de rattachement, modifient la structure et ses coordonnées bancaires.
- Les utilisateurs déposent ou traitent les factures de la structure.

Côté acheteur public, un utilisateur peut être limité à certains services de la structure : il ne voit alors que les factures adressées à ces services.

Une personne peut appartenir à plusieurs structures : elle choisit celle sur laquelle elle travaille avec le bouton « Changer de structure », en haut de page.""",
    },
    {
        "slug": "deposer-une-facture",
        "kind": G, "audience": SUP, "topic": "DEPOT", "position": 10,
        "title": "Déposer une facture",
        "summary": "Saisie en ligne, dépôt d'un PDF ou d'un fichier Factur-X, UBL ou CII, ou envoi par l'API : "
                   "les informations à réunir et les contrôles effectués.",
        "keywords": "déposer dépôt envoyer transmettre facture saisie PDF Factur-X UBL CII destinataire "
                    "code service engagement bon de commande certificat",
        "body": """Le dépôt est gratuit. Avant de commencer, réunissez les informations que votre client public vous a données.

## Les informations indispensables
- Le SIRET de la structure publique destinataire : cherchez-la dans l'annuaire des structures publiques.
- Le code service, si la structure l'exige (l'annuaire l'indique).
- Le numéro d'engagement juridique (bon de commande), si la structure ou le service l'exige : 50 caractères au plus.
- Le numéro de votre facture : il doit être unique pour votre structure sur l'année de la facture.

## Trois façons de déposer
1. Saisir la facture en ligne, ligne par ligne : le portail calcule les totaux et produit le document.
2. Déposer un fichier : une facture structurée Factur-X, UBL ou CII, ou un PDF. Le portail lit le fichier et vérifie ses données.
3. Envoyer la facture depuis votre logiciel de facturation par l'API du portail (voir le guide « Utiliser l'API »).

## Les pièces jointes
Chaque pièce jointe fait moins de 10 Mo, porte un nom de 50 caractères au plus (extension comprise) et une extension acceptée (PDF, JPG, PNG, XML, CSV, ODT, DOCX, XLSX, ZIP…). La facture et ses pièces jointes ne dépassent pas 120 Mo au total.

## Après le dépôt
La facture passe au statut « Déposée » et le portail délivre un certificat de dépôt : sa date fait courir le délai de paiement. Elle est ensuite acheminée puis mise à disposition de votre client. Vous êtes prévenu à chaque changement de statut.""",
    },
    {
        "slug": "suivre-une-facture",
        "kind": G, "audience": SUP, "topic": "SUIVI", "position": 10,
        "title": "Suivre une facture jusqu'à sa mise en paiement",
        "summary": "L'historique des statuts, les notifications et l'échéance de paiement de chaque facture.",
        "keywords": "suivre suivi statut historique notification échéance paiement retard",
        "body": """Chaque facture a un statut courant et un historique daté de tous ses statuts, avec le motif donné par le destinataire quand il en a donné un.

- Le chemin habituel : Déposée, En cours d'acheminement, Mise à disposition, Service fait, Mandatée, puis Mise en paiement.
- Votre action est attendue quand la facture est Suspendue (complétez-la) ou À recycler (corrigez son acheminement), et quand elle est Rejetée (prenez connaissance du rejet et émettez une nouvelle facture).

Vous recevez une notification, et un e-mail selon vos préférences, à chaque changement de statut. Vous pouvez choisir, structure par structure, de recevoir chaque événement, un récapitulatif quotidien ou rien (le gestionnaire principal reçoit toujours les rejets).

L'échéance légale de paiement est indiquée sur la facture : voir la question « Quand ma facture sera-t-elle payée ? ».""",
    },
    {
        "slug": "traiter-les-factures-recues",
        "kind": G, "audience": BUY, "topic": "ACHETEUR", "position": 10,
        "title": "Traiter les factures reçues (acheteurs publics)",
        "summary": "Service fait, suspension, rejet, recyclage et mise en paiement : les actions du destinataire "
                   "et les délais à respecter.",
        "keywords": "acheteur destinataire traiter service fait suspendre rejeter recycler mandater mise en "
                    "paiement motif délai global de paiement",
        "body": """Les factures adressées à votre structure (ou à vos services) apparaissent au statut « Mise à disposition ».

## Les actions possibles
- Service fait : les biens ou prestations ont été reçus. La facture poursuit son circuit : Mandatée (ordre de payer émis, avec son numéro de mandat), puis Mise en paiement.
- Suspendre : il manque une pièce justificative. Un motif est obligatoire ; le fournisseur complète la facture, qui revient au statut « Complétée ».
- Mettre à recycler : la facture est arrivée à la mauvaise structure ou au mauvais service. Le fournisseur corrige l'acheminement et la renvoie avec le même numéro.
- Rejeter : refus définitif, avec un motif obligatoire (255 caractères au plus). Le fournisseur devra émettre une nouvelle facture, avec un nouveau numéro. Un montant erroné se traite par un rejet : le destinataire ne modifie jamais les montants.

## Le délai global de paiement
Il court à partir de la date de dépôt (Code de la commande publique, articles R.2192-10 et suivants) : 30 jours pour l'État et les collectivités territoriales, 50 jours pour les établissements publics de santé, 60 jours pour les entreprises publiques. La suspension l'interrompt jusqu'à ce que la facture soit complétée. Un retard fait courir des intérêts moratoires et une indemnité forfaitaire de 40 euros.""",
    },
    {
        "slug": "utiliser-l-api",
        "kind": G, "audience": ALL, "topic": "API", "position": 10,
        "title": "Utiliser l'API depuis votre logiciel",
        "summary": "Déposer et suivre des factures automatiquement : compte technique, appels et codes retour.",
        "keywords": "API PISTE compte technique cpro-account raccordement logiciel ERP soumettre flux "
                    "codeRetour JSON EDI",
        "body": """L'API reprend les services de l'API Chorus Pro : votre logiciel de facturation peut déposer des factures, joindre des fichiers et suivre les statuts sans passer par les pages du portail.

## Avant de commencer
1. Le gestionnaire de la structure crée un compte technique, rattaché à la structure. Son mot de passe n'est affiché qu'une fois : conservez-le dans votre logiciel. Il expire : renouvelez-le avant son échéance.
2. Votre logiciel s'authentifie à chaque appel avec ce compte technique (en-tête « cpro-account », comme sur Chorus Pro).

## Les appels
- Tous les services s'appellent en POST avec un corps JSON, sous le chemin /cpro/ (par exemple factures/v1/soumettre pour déposer une facture à partir de ses données, factures/v1/deposer/flux pour déposer un fichier, factures/v1/consulter/historique pour l'historique des statuts).
- La réponse contient toujours un « codeRetour » (0 quand tout va bien) et un « libelle » qui explique l'erreur.
- Le code 20002 signale un changement de statut impossible depuis le statut actuel de la facture.

La documentation de chaque service (schéma OpenAPI) est publiée par le portail.""",
    },
    {
        "slug": "enregistrer-les-factures-papier",
        "kind": G, "audience": BUY, "topic": "OBLIGATION", "position": 30,
        "title": "Signaler les factures reçues sur papier (acheteurs publics)",
        "summary": "Une par une ou par import d'un fichier CSV de votre logiciel comptable : le suivi de "
                   "l'obligation de facturation électronique.",
        "keywords": "papier facture papier signaler enregistrer import CSV obligation conformité fournisseur",
        "body": """Depuis le 1er janvier 2020, tous les fournisseurs des personnes publiques doivent leur adresser des factures électroniques. Pour aider l'administration à accompagner ceux qui envoient encore du papier, signalez les factures papier que vous recevez.

## Une par une
Dans le menu de votre structure publique, choisissez « Factures papier » et indiquez le SIRET du fournisseur, le numéro, la date et le montant TTC de la facture.

## Par un fichier CSV
Exportez les factures depuis votre logiciel comptable : une ligne de titres, puis une facture par ligne, avec les colonnes siret_fournisseur, numero_facture, date_facture (JJ/MM/AAAA) et montant_ttc, et si vous le souhaitez raison_sociale. Le séparateur est le point-virgule (ou la virgule).

Chaque ligne est vérifiée : SIRET valide, date qui n'est pas dans le futur, montant non nul. Si une seule ligne est en erreur, aucune facture n'est importée et chaque erreur est indiquée avec son numéro de ligne : corrigez le fichier et importez-le à nouveau.""",
    },
    # --- FAQ: rejections ------------------------------------------------------------------
    {
        "slug": "rejet-code-service-absent",
        "kind": F, "audience": SUP, "topic": "REJET", "position": 10,
        "title": "Pourquoi ma facture est-elle rejetée pour un code service manquant ?",
        "summary": "La structure publique destinataire exige un code service, et votre facture n'en indique pas.",
        "keywords": "rejet rejetée refusée code service manquant absent obligatoire destinataire annuaire",
        "body": """Certaines structures publiques exigent que chaque facture indique le code du service qui a passé la commande : l'annuaire des structures publiques signale ce paramètre (« code service obligatoire »). Une facture sans code service adressée à une telle structure est refusée dès le dépôt.

## Que faire ?
1. Cherchez le destinataire dans l'annuaire et ouvrez sa fiche : elle liste ses services actifs.
2. Demandez à votre interlocuteur le code du service qui a passé la commande (il figure souvent sur le bon de commande).
3. Déposez à nouveau la facture en indiquant ce code service.

Si la facture avait déjà été déposée puis rejetée par le destinataire (statut « Rejetée »), le rejet est définitif : émettez une nouvelle facture, avec un nouveau numéro.""",
    },
    {
        "slug": "rejet-code-service-errone",
        "kind": F, "audience": SUP, "topic": "REJET", "position": 11,
        "title": "Ma facture est rejetée ou à recycler : code service erroné ou inactif",
        "summary": "Le code service indiqué n'existe pas, n'est plus actif, ou n'est pas celui qui a passé la commande.",
        "keywords": "rejet rejetée code service erroné faux inconnu inactif fermé mauvais service recycler "
                    "A_RECYCLER routage CODE_ROUTAGE_ERR",
        "body": """Un code service doit exister dans l'annuaire de la structure destinataire et y être actif à la date du dépôt. Un code inconnu ou inactif est refusé au dépôt.

Si le code existe mais n'est pas le bon service, le destinataire peut :
- mettre la facture « À recycler » : vous corrigez seulement les données d'acheminement (SIRET du destinataire, code service, numéro d'engagement) et vous la renvoyez avec le même numéro de facture ;
- ou la rejeter avec le motif « Code service erroné » : le rejet est définitif et il faut émettre une nouvelle facture avec un nouveau numéro.

Vérifiez le code dans la fiche du destinataire de l'annuaire, qui liste les services actifs, ou demandez-le à votre client.""",
    },
    {
        "slug": "rejet-numero-engagement",
        "kind": F, "audience": SUP, "topic": "REJET", "position": 12,
        "title": "Ma facture est rejetée : numéro d'engagement (bon de commande) absent ou erroné",
        "summary": "Le destinataire exige le numéro d'engagement juridique qui figure sur sa commande.",
        "keywords": "rejet rejetée numéro engagement juridique EJ bon de commande absent erroné CMD_ERR",
        "body": """Certaines structures publiques, ou certains de leurs services, exigent le numéro d'engagement juridique (le numéro du bon de commande) sur chaque facture. L'annuaire indique ce paramètre.

- Recopiez le numéro exactement comme il figure sur le bon de commande, sans espace ajouté : 50 caractères au plus.
- Une structure peut aussi exiger « un numéro d'engagement ou un code service » : l'un des deux suffit alors.

Si le destinataire a rejeté la facture pour ce motif, émettez une nouvelle facture avec un nouveau numéro et le bon numéro d'engagement.""",
    },
    {
        "slug": "rejet-destinataire-siret",
        "kind": F, "audience": SUP, "topic": "REJET", "position": 13,
        "title": "Ma facture est refusée : destinataire introuvable ou SIRET erroné",
        "summary": "Le SIRET du destinataire doit être celui d'une structure publique active de l'annuaire.",
        "keywords": "rejet refusée destinataire SIRET erroné inconnu inactif structure publique annuaire "
                    "FACTURES_PUBLIQUES DEST_ERR",
        "body": """Le destinataire d'une facture est identifié par son SIRET, qui doit être celui d'une structure publique active de l'annuaire. Sinon la facture est refusée au dépôt.

- Cherchez votre client dans l'annuaire par son nom, sa ville ou son SIRET : l'établissement qui paie n'est pas toujours celui qui a commandé.
- Le service « FACTURES_PUBLIQUES » est réservé aux factures échangées entre structures publiques : une entreprise privée ne peut pas l'utiliser.

Une facture arrivée chez le mauvais destinataire peut lui être renvoyée « À recycler » : vous corrigez alors le destinataire et vous la renvoyez avec le même numéro.""",
    },
    {
        "slug": "rejet-doublon",
        "kind": F, "audience": SUP, "topic": "REJET", "position": 14,
        "title": "Ma facture est refusée comme doublon",
        "summary": "Un numéro de facture ne peut servir qu'une fois par fournisseur et par année de facture.",
        "keywords": "doublon double déjà déposée numéro facture unique même numéro DOUBLON",
        "body": """Le portail refuse une facture dont le numéro a déjà été utilisé par votre structure pour une facture de la même année. C'est une protection contre les doubles paiements.

- Si vous avez déjà déposé cette facture, suivez-la plutôt que de la déposer une seconde fois.
- Après un rejet, la nouvelle facture doit porter un nouveau numéro : réutiliser le numéro de la facture rejetée est refusé.
- Seule une facture « À recycler » repart avec son numéro d'origine.""",
    },
    {
        "slug": "rejet-montants",
        "kind": F, "audience": SUP, "topic": "REJET", "position": 15,
        "title": "Ma facture est rejetée pour un montant ou un taux de TVA erroné",
        "summary": "Les montants doivent être cohérents et correspondre à la commande ; le destinataire ne peut pas les corriger.",
        "keywords": "rejet montant erroné total TVA taux calcul HT TTC MONTANTTOTAL_ERR TX_TVA_ERR CALCUL_ERR",
        "body": """Le portail vérifie au dépôt que le total TTC est égal au total HT plus la TVA, et que chaque taux de TVA est un taux en vigueur (20 %, 10 %, 5,5 %, 2,1 %, ou les taux particuliers de la Corse et des départements d'outre-mer).

Si le destinataire constate un montant différent de sa commande, il ne peut pas le corriger : il rejette la facture avec un motif. Émettez alors une nouvelle facture, avec un nouveau numéro et les bons montants, ou un avoir si la facture a déjà été payée.""",
    },
    {
        "slug": "facture-rejetee-que-faire",
        "kind": F, "audience": SUP, "topic": "REJET", "position": 20,
        "title": "Ma facture a été rejetée : que dois-je faire ?",
        "summary": "Le rejet est définitif : lisez le motif, prenez-en connaissance, puis émettez une nouvelle facture.",
        "keywords": "rejet rejetée refus définitif motif traiter le rejet nouvelle facture nouveau numéro",
        "body": """Le statut « Rejetée » est définitif : la facture ne sera pas payée.

1. Lisez le motif du rejet dans l'historique de la facture : le destinataire est tenu d'en donner un.
2. Indiquez que vous avez pris connaissance du rejet (« traiter le rejet ») : la facture quitte votre liste de factures à traiter.
3. Corrigez ce qui a causé le rejet et déposez une nouvelle facture, avec un nouveau numéro.

Si le motif n'est pas clair, contactez le service destinataire ou ouvrez une sollicitation en indiquant la facture concernée.""",
    },
    {
        "slug": "facture-suspendue",
        "kind": F, "audience": SUP, "topic": "REJET", "position": 30,
        "title": "Ma facture est suspendue : comment la compléter ?",
        "summary": "Le destinataire attend une pièce justificative : ajoutez-la, la facture repart à son traitement.",
        "keywords": "suspendue suspension compléter complétée pièce justificative manquante JUSTIF_ABS",
        "body": """Une facture « Suspendue » attend un complément : le motif indiqué par le destinataire dit lequel (bon de livraison, attestation, détail des prestations…).

1. Ouvrez la facture et lisez le motif de la suspension.
2. Choisissez « Compléter », ajoutez les pièces jointes demandées et, si besoin, un commentaire.
3. La facture passe au statut « Complétée » et revient au destinataire.

Le délai de paiement est interrompu pendant la suspension : il reprend quand la facture est complétée.""",
    },
    {
        "slug": "facture-a-recycler",
        "kind": F, "audience": SUP, "topic": "REJET", "position": 31,
        "title": "Ma facture est « À recycler » : que faut-il corriger ?",
        "summary": "Elle n'a pas été adressée à la bonne structure ou au bon service : corrigez l'acheminement, gardez le numéro.",
        "keywords": "recycler recyclage A_RECYCLER mauvais destinataire mauvais service acheminement routage",
        "body": """« À recycler » signifie que la facture est arrivée à la mauvaise structure ou au mauvais service.

Seules les données d'acheminement se corrigent : le SIRET du destinataire, le code service et le numéro d'engagement. Le numéro de la facture, ses lignes et ses montants ne changent pas. Une fois corrigée, la facture est déposée à nouveau, avec le même numéro, et acheminée vers le bon destinataire.""",
    },
    {
        "slug": "regles-pieces-jointes",
        "kind": F, "audience": SUP, "topic": "DEPOT", "position": 20,
        "title": "Quelles pièces jointes puis-je ajouter à une facture ?",
        "summary": "50 caractères pour le nom, moins de 10 Mo par fichier, 120 Mo au total, extensions acceptées.",
        "keywords": "pièce jointe fichier taille nom extension 10 Mo 120 Mo format accepté refusé",
        "body": """Les règles sont celles de Chorus Pro :

- le nom du fichier fait 50 caractères au plus, extension comprise, et porte une extension ;
- chaque fichier fait moins de 10 Mo et n'est pas vide ;
- la facture et ses pièces jointes font 120 Mo au plus au total ;
- extensions acceptées : BMP, BZ2, CSV, DOC, DOCX, FAX, GIF, GZ, GZIP, HTM, HTML, JPEG, JPG, ODP, ODS, ODT, P7S, PDF, PNG, PPS, PPT, PPTX, RTF, SVG, TGZ, TIF, TIFF, TXT, XHTML, XLC, XLM, XLS, XLSX, XML, ZIP.

Le contenu du fichier doit correspondre à son extension : un fichier renommé en « .pdf » qui n'est pas un PDF est refusé.""",
    },
    # --- FAQ: statuses and payment -----------------------------------------------------------
    {
        "slug": "statuts-d-une-facture",
        "kind": F, "audience": ALL, "topic": "SUIVI", "position": 10,
        "title": "Que signifie chaque statut d'une facture ?",
        "summary": "De « Déposée » à « Mise en paiement » : la signification de chaque statut et qui le donne.",
        "keywords": "statut statuts signification déposée acheminement mise à disposition suspendue complétée "
                    "recycler rejetée service fait mandatée comptabilisée mise en paiement",
        "body": """- Brouillon : enregistrée par le fournisseur, pas encore envoyée.
- Déposée : le fournisseur a déposé la facture ; le certificat de dépôt est délivré et le délai de paiement commence.
- En cours d'acheminement : le portail contrôle la facture et l'achemine vers la structure et le service destinataires.
- Mise à disposition : la facture est disponible pour le destinataire.
- Suspendue : le destinataire attend une pièce justificative (motif obligatoire).
- Complétée : le fournisseur a complété la facture suspendue ; elle revient au destinataire.
- À recycler : mauvais destinataire ou mauvais service ; le fournisseur corrige l'acheminement et la renvoie avec le même numéro.
- Rejetée : refus définitif (motif obligatoire) ; une nouvelle facture, avec un nouveau numéro, est nécessaire.
- Service fait : le destinataire certifie avoir reçu les biens ou les prestations.
- Mandatée : l'ordre de payer est émis (numéro de mandat).
- Mise à disposition du comptable, puis Comptabilisée : la facture passe au comptable public et est enregistrée en comptabilité.
- Mise en paiement : le paiement est parti. C'est le dernier statut.

Pour les factures de sous-traitants et de cotraitants, un valideur (le titulaire du marché) approuve d'abord la facture : « À valider », puis « Validée » ou « Refusée ». Sans réponse sous 15 jours, la validation est tacite.""",
    },
    {
        "slug": "quand-serai-je-paye",
        "kind": F, "audience": SUP, "topic": "SUIVI", "position": 20,
        "title": "Quand ma facture sera-t-elle payée ?",
        "summary": "Le délai global de paiement court à partir du dépôt : 30, 50 ou 60 jours selon le destinataire.",
        "keywords": "paiement délai payé quand échéance retard intérêts moratoires indemnité 40 euros 30 jours "
                    "50 jours 60 jours",
        "body": """Le délai global de paiement court à partir de la date du dépôt, inscrite sur le certificat de dépôt (Code de la commande publique, articles R.2192-10 et suivants) :

- 30 jours pour l'État, ses établissements publics administratifs, les collectivités territoriales et leurs établissements ;
- 50 jours pour les établissements publics de santé et le service de santé des armées ;
- 60 jours pour les entreprises publiques.

Une suspension interrompt le délai jusqu'à ce que la facture soit complétée. En cas de retard, des intérêts moratoires sont dus de plein droit (taux de la Banque centrale européenne en vigueur au premier jour du semestre, majoré de 8 points), ainsi qu'une indemnité forfaitaire de 40 euros pour frais de recouvrement.""",
    },
    {
        "slug": "mise-en-paiement-non-remontee",
        "kind": F, "audience": SUP, "topic": "SUIVI", "position": 21,
        "title": "Ma facture est « Mandatée » depuis longtemps mais jamais « Mise en paiement »",
        "summary": "Certaines structures ne transmettent pas le statut de mise en paiement.",
        "keywords": "mandatée mise en paiement jamais pas remonté statut bloqué paiement reçu",
        "body": """Certaines structures publiques ne transmettent pas le statut « Mise en paiement » : l'annuaire l'indique sur leur fiche. Pour elles, « Mandatée » est le dernier statut que vous verrez ; le paiement suit l'émission du mandat.

Si vous n'avez pas reçu le paiement après l'échéance, contactez le service destinataire en indiquant le numéro de mandat affiché sur la facture.""",
    },
    # --- FAQ: obligation -----------------------------------------------------------------------
    {
        "slug": "calendrier-obligation",
        "kind": F, "audience": ALL, "topic": "OBLIGATION", "position": 10,
        "title": "Depuis quand dois-je envoyer mes factures sous forme électronique ?",
        "summary": "Le calendrier de l'ordonnance du 26 juin 2014 : de 2017 pour les grandes entreprises à 2020 "
                   "pour les microentreprises.",
        "keywords": "obligation calendrier date facturation électronique obligatoire 2017 2018 2019 2020 "
                    "ordonnance 2014-697 grande entreprise ETI PME microentreprise papier",
        "body": """L'ordonnance n° 2014-697 du 26 juin 2014 impose aux fournisseurs de l'État, des collectivités territoriales et des établissements publics de leur adresser leurs factures sous forme électronique, selon la taille de l'entreprise :

- 1er janvier 2017 : grandes entreprises et personnes publiques ;
- 1er janvier 2018 : entreprises de taille intermédiaire (ETI) ;
- 1er janvier 2019 : petites et moyennes entreprises (PME) ;
- 1er janvier 2020 : microentreprises.

Depuis le 1er janvier 2020, tous les fournisseurs sont donc concernés, quelle que soit leur taille. L'obligation vaut pour les titulaires des marchés et pour les sous-traitants payés directement.""",
    },
    {
        "slug": "categorie-d-entreprise",
        "kind": F, "audience": SUP, "topic": "OBLIGATION", "position": 20,
        "title": "Comment la catégorie de mon entreprise est-elle déterminée ?",
        "summary": "Effectif, chiffre d'affaires et total de bilan, selon l'article 51 de la loi de modernisation "
                   "de l'économie.",
        "keywords": "catégorie taille entreprise PME ETI microentreprise grande entreprise effectif chiffre "
                    "d'affaires bilan LME décret 2008-1354 seuils",
        "body": """La catégorie est celle de l'article 51 de la loi de modernisation de l'économie du 4 août 2008, précisée par le décret n° 2008-1354 :

- microentreprise : moins de 10 personnes et un chiffre d'affaires ou un total de bilan de 2 millions d'euros au plus ;
- PME : moins de 250 personnes et un chiffre d'affaires de 50 millions d'euros au plus ou un total de bilan de 43 millions d'euros au plus ;
- entreprise de taille intermédiaire : une entreprise qui n'est pas une PME, de moins de 5 000 personnes, avec un chiffre d'affaires de 1,5 milliard d'euros au plus ou un total de bilan de 2 milliards d'euros au plus ;
- grande entreprise : toutes les autres.

Le portail calcule la catégorie à partir de l'effectif, du chiffre d'affaires et du total de bilan déclarés sur la structure. Si elle vous paraît fausse, corrigez ces chiffres ou ouvrez une sollicitation : un administrateur peut la fixer.""",
    },
    {
        "slug": "factures-papier",
        "kind": F, "audience": ALL, "topic": "OBLIGATION", "position": 30,
        "title": "Puis-je encore envoyer des factures papier à un client public ?",
        "summary": "Non : depuis le 1er janvier 2020, toutes les factures aux personnes publiques sont électroniques.",
        "keywords": "papier courrier facture papier encore autorisé refus obligation rappel",
        "body": """Non. Depuis la date d'obligation de votre catégorie, et au plus tard depuis le 1er janvier 2020, vos factures aux personnes publiques doivent être déposées sur le portail.

Les acheteurs publics signalent les factures papier qu'ils reçoivent encore : l'administration peut alors vous adresser un rappel, avec les étapes pour commencer. Le dépôt sur le portail est gratuit et ne demande aucun logiciel : la saisie en ligne ou le dépôt d'un PDF suffisent.""",
    },
    {
        "slug": "reforme-facturation-electronique-entreprises",
        "kind": F, "audience": SUP, "topic": "OBLIGATION", "position": 40,
        "title": "La facturation électronique entre entreprises change-t-elle quelque chose ?",
        "summary": "La réforme de 2026-2027 concerne les factures entre entreprises ; les factures au secteur "
                   "public continuent de passer par ce portail.",
        "keywords": "réforme 2026 2027 facturation électronique entreprises B2B plateforme agréée PDP PPF",
        "body": """La réforme de la facturation électronique entre entreprises s'applique progressivement : au 1er septembre 2026, toutes les entreprises assujetties à la TVA doivent pouvoir recevoir des factures électroniques, et les grandes entreprises et ETI doivent en émettre ; au 1er septembre 2027, les PME et microentreprises doivent en émettre à leur tour. Ces échanges passent par des plateformes agréées.

Les factures adressées au secteur public (État, collectivités, hôpitaux, établissements publics) continuent de passer par ce portail.""",
    },
    # --- FAQ: API and account -------------------------------------------------------------------
    {
        "slug": "api-compte-technique-expire",
        "kind": F, "audience": ALL, "topic": "API", "position": 20,
        "title": "Mon logiciel n'arrive plus à se connecter à l'API",
        "summary": "Le mot de passe du compte technique a peut-être expiré, ou le compte a été désactivé.",
        "keywords": "API connexion refusée erreur authentification compte technique mot de passe expiré "
                    "cpro-account 401",
        "body": """Les appels à l'API s'authentifient avec le compte technique de la structure. Vérifiez :

- que le mot de passe du compte technique n'a pas expiré : sa date d'expiration est affichée sur la page de la structure, et le gestionnaire peut le renouveler ;
- que le compte technique est toujours actif et rattaché à la bonne structure ;
- que votre logiciel envoie l'identifiant et le mot de passe du compte technique, pas ceux d'une personne.

Après un renouvellement, le nouveau mot de passe n'est affiché qu'une fois : mettez-le tout de suite à jour dans votre logiciel.""",
    },
    {
        "slug": "rejoindre-une-structure-existante",
        "kind": F, "audience": ALL, "topic": "COMPTE", "position": 30,
        "title": "Ma structure existe déjà : comment la rejoindre ?",
        "summary": "Demandez votre rattachement : un gestionnaire de la structure l'approuve.",
        "keywords": "rejoindre rattachement structure existe déjà SIRET déjà utilisé demande approbation gestionnaire",
        "body": """Un SIRET ne peut être inscrit qu'une fois. Si la structure de votre entreprise existe déjà, demandez à la rejoindre : son gestionnaire principal ou un gestionnaire secondaire reçoit votre demande et l'approuve ou la refuse.

Si personne ne répond (gestionnaire parti de l'entreprise, par exemple), ouvrez une sollicitation de catégorie « Compte, structure ou rattachement » en indiquant le SIRET.""",
    },
]


def seed(apps, schema_editor):
    HelpArticle = apps.get_model("helpcentre", "HelpArticle")
    for article in ARTICLES:
        data = dict(article)
        slug = data.pop("slug")
        HelpArticle.objects.get_or_create(slug=slug, defaults=data)


def unseed(apps, schema_editor):
    HelpArticle = apps.get_model("helpcentre", "HelpArticle")
    HelpArticle.objects.filter(slug__in=[a["slug"] for a in ARTICLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("helpcentre", "0002_article_search_index")]

    operations = [migrations.RunPython(seed, unseed)]

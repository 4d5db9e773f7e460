"""``import_directory``: the official directory export, checked row by row, imported in one
transaction, re-imported as updates."""

from __future__ import annotations

import csv
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from entities import selectors
from entities.directory_import import (
    SERVICE_COLUMNS,
    STRUCTURE_COLUMNS,
    DirectoryImportError,
    directory_import,
)
from entities.models import PublicCategory, PublicStructure, Service

pytestmark = pytest.mark.django_db

HEADER = ";".join(STRUCTURE_COLUMNS)
SERVICES_HEADER = ";".join(SERVICE_COLUMNS)


def row(
    siret: str,
    name: str,
    *,
    service: str = "false",
    engagement: str = "false",
    either: str = "false",
    active: str = "true",
    postcode: str = "49250",
    city: str = "BEAUFORT EN ANJOU",
    kind: str = "SIRET",
) -> str:
    values = {
        "TypeIdentifiant": kind,
        "Identifiant": siret,
        "RaisonSociale": name,
        "EmetteurEdi": "false",
        "RecepteurEdi": "false",
        "GestionStatutMiseEnPaiement": "true",
        "GestionEngagement": engagement,
        "GestionService": service,
        "GestionServiceEngagement": either,
        "EstMOA": "false",
        "EstMOAUniquement": "false",
        "StructureActive": active,
        "Adresse": "Place Jeanne de Laval",
        "ComplementAdresse1": "",
        "ComplementAdresse2": "",
        "CodePostal": postcode,
        "Ville": city,
        "NumTelephone": "0241000000",
        "Courriel": "mairie@exemple.test",
        "CodePays": "FR",
        "LibellePays": "France",
    }
    return ";".join(values[c] for c in STRUCTURE_COLUMNS)


def write(tmp_path, name: str, lines: list[str], encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return str(path)


GOOD = [
    HEADER,
    row("21490244700017", "COMMUNE DE BEAUFORT-EN-ANJOU", service="true"),
    row(
        "26290001200010", "CENTRE HOSPITALIER DE QUIMPER", engagement="true", postcode="29000", city="QUIMPER"
    ),
    row("13000123300019", "DDFIP DU FINISTERE", postcode="29000", city="QUIMPER"),
    row("35600000000048", "LA POSTE", either="true", postcode="75015", city="PARIS"),
]
SERVICES = [
    SERVICES_HEADER,
    "21490244700017;FINANCES;Service des finances;false;true;;",
    "21490244700017;TECHNIQUE;Services techniques;true;true;2024-01-01;31/12/2099",
    "21490244700017;ARCHIVES;Archives municipales;false;false;;",
]


def test_good_file_creates_structures_and_services(tmp_path):
    report = directory_import(
        structures_file=write(tmp_path, "annuaire.csv", GOOD),
        services_file=write(tmp_path, "services.csv", SERVICES),
    )
    assert report.committed and report.rejected == []
    assert (report.structures_created, report.services_created) == (4, 3)
    beaufort = PublicStructure.objects.get(siret="21490244700017")
    assert beaufort.service_code_required and not beaufort.engagement_required
    assert beaufort.category == PublicCategory.COLLECTIVITE and not beaufort.payment_status_not_reported
    assert (
        beaufort.search_name == "COMMUNE DE BEAUFORT EN ANJOU" and beaufort.search_city == "BEAUFORT EN ANJOU"
    )
    # The category comes from INSEE's numbering when the file does not give it
    categories = dict(PublicStructure.objects.values_list("siret", "category"))
    assert categories == {
        "21490244700017": PublicCategory.COLLECTIVITE,
        "26290001200010": PublicCategory.SANTE,
        "13000123300019": PublicCategory.ETAT,
        "35600000000048": PublicCategory.ENTREPRISE_PUBLIQUE,
    }
    assert PublicStructure.objects.get(siret="35600000000048").engagement_or_service_required
    technique = Service.objects.get(structure=beaufort, code="TECHNIQUE")
    assert (technique.engagement_required, technique.valid_from, technique.valid_to) == (
        True,
        date(2024, 1, 1),
        date(2099, 12, 31),
    )
    assert list(selectors.services_active(structure=beaufort).values_list("code", flat=True)) == [
        "FINANCES",
        "TECHNIQUE",
    ]
    # The directory finds them at once
    assert [s.siret for s in selectors.directory_search(query="beaufort")] == ["21490244700017"]
    assert [s.siret for s in selectors.directory_search(city="quimper", query="hospitalier")] == [
        "26290001200010"
    ]


def test_bad_rows_are_rejected_with_line_and_reason_and_the_others_imported(tmp_path):
    lines = [
        HEADER,
        row("21490244700017", "COMMUNE DE BEAUFORT-EN-ANJOU"),  # line 2: good
        row("21490244700018", "SIRET FAUX"),  # 3
        row("26290001200010", ""),  # 4
        row("13000123300019", "DDFIP", service="peut-être"),  # 5
        row("21490244700017", "DOUBLON"),  # 6
        "SIRET;35600000000048;TROP COURT",  # 7
        row("DE136695976", "ETRANGERE", kind="UE_HORS_FRANCE"),  # 8
        row("35600000000048", "LA POSTE"),  # 9: good
    ]
    report = directory_import(structures_file=write(tmp_path, "annuaire.csv", lines))
    assert report.committed
    reasons = {r.line: r.reason for r in report.rejected}
    assert reasons == {
        3: "colonne Identifiant : Le SIRET 21490244700018 est invalide : la clé de contrôle ne "
        "correspond pas",
        4: "colonne RaisonSociale : valeur obligatoire",
        5: "colonne GestionService : valeur « peut-être » invalide (attendu true ou false)",
        6: "doublon de la ligne 2",
        7: "3 colonnes au lieu de 21",
        8: "colonne TypeIdentifiant : « UE_HORS_FRANCE » non pris en charge, un destinataire public est "
        "identifié par son SIRET",
    }
    assert str(report.rejected[0]) == (
        "annuaire.csv, ligne 3 : colonne Identifiant : Le SIRET 21490244700018 est invalide : la clé de "
        "contrôle ne correspond pas"
    )
    assert sorted(PublicStructure.objects.values_list("siret", flat=True)) == [
        "21490244700017",
        "35600000000048",
    ]
    assert PublicStructure.objects.get(siret="21490244700017").name == "COMMUNE DE BEAUFORT-EN-ANJOU"


def test_reimport_updates_rather_than_duplicates(tmp_path, beaufort):
    # Given Beaufort in the base, with a category an administrator chose
    PublicStructure.objects.filter(pk=beaufort.pk).update(category=PublicCategory.ETAT)
    directory_import(
        structures_file=write(tmp_path, "a.csv", GOOD), services_file=write(tmp_path, "s.csv", SERVICES)
    )
    # When the next export changes Beaufort's parameters and a service
    changed = [HEADER, row("21490244700017", "COMMUNE DE BEAUFORT-EN-ANJOU", engagement="true"), *GOOD[2:]]
    services = [SERVICES_HEADER, "21490244700017;FINANCES;Finances et budget;false;false;;", *SERVICES[2:]]
    report = directory_import(
        structures_file=write(tmp_path, "a2.csv", changed), services_file=write(tmp_path, "s2.csv", services)
    )
    # Then the rows are updated, not duplicated, and unchanged rows are left alone
    assert (report.structures_created, report.structures_updated, report.structures_unchanged) == (0, 1, 3)
    assert (report.services_created, report.services_updated, report.services_unchanged) == (0, 1, 2)
    assert PublicStructure.objects.count() == 4
    assert Service.objects.filter(structure__siret="21490244700017").count() == 3
    beaufort.refresh_from_db()
    assert beaufort.engagement_required and not beaufort.service_code_required
    assert beaufort.category == PublicCategory.ETAT  # the administrator's choice survives
    finances = Service.objects.get(structure=beaufort, code="FINANCES")
    assert (finances.name, finances.active) == ("Finances et budget", False)


def test_category_column_when_present(tmp_path):
    header = HEADER + ";Categorie"
    lines = [
        header,
        row("21490244700017", "X") + ";SANTE",
        row("26290001200010", "Y") + ";Entreprise publique",
        row("13000123300019", "Z") + ";inconnue",
    ]
    report = directory_import(structures_file=write(tmp_path, "a.csv", lines))
    assert dict(PublicStructure.objects.values_list("siret", "category")) == {
        "21490244700017": PublicCategory.SANTE,
        "26290001200010": PublicCategory.ENTREPRISE_PUBLIQUE,
    }
    assert "colonne Categorie : « inconnue » inconnue" in report.rejected[0].reason


def test_strict_mode_imports_nothing_when_a_row_is_wrong(tmp_path):
    lines = [*GOOD, row("21490244700018", "SIRET FAUX")]
    report = directory_import(structures_file=write(tmp_path, "a.csv", lines), strict=True)
    assert not report.committed and [r.line for r in report.rejected] == [6]
    assert not PublicStructure.objects.exists()


def test_never_half_imported_when_the_services_file_fails(tmp_path):
    # Given a good structures file and an unusable services file (wrong separator)
    broken = write(tmp_path, "s.csv", ["Identifiant,CodeService,LibelleService", "21490244700017,A,B"])
    with pytest.raises(DirectoryImportError, match="il manque"):
        directory_import(structures_file=write(tmp_path, "a.csv", GOOD), services_file=broken)
    # Then the structures written before are rolled back too
    assert not PublicStructure.objects.exists()


def test_service_rows_are_checked(tmp_path):
    directory_import(structures_file=write(tmp_path, "a.csv", GOOD))
    lines = [
        SERVICES_HEADER,
        "21490244700017;FINANCES;Service des finances;false;true;;",  # 2 good
        "73282932000074;COMPTA;Comptabilité;false;true;;",  # 3 unknown structure
        "21490244700017;;Sans code;false;true;;",  # 4
        "21490244700017;DATES;Dates;false;true;2025-02-01;2025-01-01",  # 5
        "21490244700017;DATE;Date;false;true;31/02/2025;",  # 6
        "21490244700017;FINANCES;Encore;false;true;;",  # 7
    ]
    report = directory_import(structures_file=None, services_file=write(tmp_path, "s.csv", lines))
    reasons = {r.line: r.reason for r in report.rejected}
    assert reasons[3].startswith(
        "colonne Identifiant : la structure 73282932000074 n'est pas dans l'annuaire"
    )
    assert reasons[4] == "colonne CodeService : valeur obligatoire"
    assert reasons[5] == "la date de fin de validité précède la date de début"
    assert (
        reasons[6]
        == "colonne DateDebutValidite : date « 31/02/2025 » invalide (attendu AAAA-MM-JJ ou JJ/MM/AAAA)"
    )
    assert reasons[7] == "doublon de la ligne 2"
    assert list(Service.objects.values_list("code", flat=True)) == ["FINANCES"]


def test_windows_1252_export_and_trailing_separators(tmp_path):
    lines = [HEADER + ";", row("21490244700017", "COMMUNE DE BEAUFORT-EN-ANJOU (MAINE-ET-LOIRE) é") + ";"]
    report = directory_import(structures_file=write(tmp_path, "a.csv", lines, encoding="cp1252"))
    assert report.rejected == []
    assert PublicStructure.objects.get().name.endswith("é")


def test_command_reports_counts_rejects_and_progress(tmp_path):
    lines = [*GOOD, row("21490244700018", "SIRET FAUX")]
    rejects = tmp_path / "rejets.csv"
    out, err = StringIO(), StringIO()
    call_command(
        "import_directory",
        write(tmp_path, "annuaire.csv", lines),
        "--services",
        write(tmp_path, "services.csv", SERVICES),
        "--rejects",
        str(rejects),
        stdout=out,
        stderr=err,
    )
    assert "structures : 4 créées" in out.getvalue() and "services : 3 créés" in out.getvalue()
    assert "1 ligne(s) rejetée(s)" in out.getvalue()
    assert (
        "annuaire.csv, ligne 6 : colonne Identifiant : Le SIRET 21490244700018 est invalide" in err.getvalue()
    )
    assert "annuaire.csv [" in err.getvalue() and "100%" in err.getvalue()  # the progress bar
    assert (
        rejects.read_text(encoding="utf-8").splitlines()[1].startswith("annuaire.csv;6;colonne Identifiant")
    )


def test_command_strict_and_dry_run_write_nothing(tmp_path):
    bad = write(tmp_path, "a.csv", [*GOOD, row("21490244700018", "SIRET FAUX")])
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command(
            "import_directory", bad, "--strict", "--no-progress", stdout=StringIO(), stderr=StringIO()
        )
    out = StringIO()
    call_command(
        "import_directory",
        write(tmp_path, "b.csv", GOOD),
        "--dry-run",
        "--no-progress",
        stdout=out,
        stderr=StringIO(),
    )
    assert "structures : 4 créées" in out.getvalue() and "rien n'a été enregistré" in out.getvalue()
    assert not PublicStructure.objects.exists()


def test_command_refuses_a_file_with_wrong_columns(tmp_path):
    with pytest.raises(CommandError, match="il manque RaisonSociale"):
        call_command(
            "import_directory",
            write(tmp_path, "a.csv", [HEADER.replace("RaisonSociale", "Nom")]),
            stdout=StringIO(),
            stderr=StringIO(),
        )
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command("import_directory", str(tmp_path / "absent.csv"), stdout=StringIO(), stderr=StringIO())


def test_unchanged_reimport_writes_nothing(tmp_path):
    # Given the directory imported once
    structures, services = write(tmp_path, "a.csv", GOOD), write(tmp_path, "s.csv", SERVICES)
    directory_import(structures_file=structures, services_file=services)
    stamps = dict(PublicStructure.objects.values_list("siret", "updated_at"))
    service_stamps = dict(Service.objects.values_list("code", "updated_at"))
    # When the same files come again
    report = directory_import(structures_file=structures, services_file=services)
    # Then every row is counted unchanged, none rewritten
    assert (report.structures_created, report.structures_updated, report.structures_unchanged) == (0, 0, 4)
    assert (report.services_created, report.services_updated, report.services_unchanged) == (0, 0, 3)
    assert dict(PublicStructure.objects.values_list("siret", "updated_at")) == stamps
    assert dict(Service.objects.values_list("code", "updated_at")) == service_stamps
    # And a Categorie column counts as a change only where it differs from the stored category
    header = HEADER + ";Categorie"
    lines = [header, GOOD[1] + ";COLLECTIVITE", GOOD[2] + ";SANTE", GOOD[3] + ";COLLECTIVITE"]
    report = directory_import(structures_file=write(tmp_path, "c.csv", lines))
    assert (report.structures_updated, report.structures_unchanged) == (1, 2)
    assert PublicStructure.objects.get(siret="13000123300019").category == PublicCategory.COLLECTIVITE


def test_tabs_backslashes_and_line_breaks_are_kept(tmp_path):
    # Given a name with a tab and a backslash, and an address on two lines (a quoted cell)
    path = tmp_path / "a.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(STRUCTURE_COLUMNS)
        writer.writerow(next(csv.reader([row("21490244700017", "MAIRIE\tA\\B")], delimiter=";")))
        cells = next(csv.reader([row("26290001200010", "CH DE QUIMPER")], delimiter=";"))
        cells[STRUCTURE_COLUMNS.index("Adresse")] = "14 avenue Yves Thépot\r\nBP 1757"
        writer.writerow(cells)
        writer.writerow(next(csv.reader([row("21490244700018", "SIRET FAUX")], delimiter=";")))
    # When it is imported
    report = directory_import(structures_file=path)
    # Then the values are stored as they are, and the line numbers count the physical lines
    assert report.structures_created == 2 and [r.line for r in report.rejected] == [5]
    assert PublicStructure.objects.get(siret="21490244700017").name == "MAIRIE\tA\\B"
    assert PublicStructure.objects.get(siret="26290001200010").address == "14 avenue Yves Thépot\r\nBP 1757"
    # And importing it again finds them unchanged
    assert directory_import(structures_file=path).structures_unchanged == 2


def test_a_file_broken_half_way_writes_nothing(tmp_path):
    # Given a file whose third line has a cell larger than the CSV reader accepts
    lines = [*GOOD[:3], row("13000123300019", "X" * (csv.field_size_limit() + 1)), *GOOD[4:]]
    # When it is imported, then it is refused as a whole, the lines before included
    with pytest.raises(DirectoryImportError, match="mal formé ligne 4"):
        directory_import(structures_file=write(tmp_path, "a.csv", lines))
    assert not PublicStructure.objects.exists()


def test_command_prints_the_time_of_each_phase_when_verbose(tmp_path):
    out = StringIO()
    call_command(
        "import_directory",
        write(tmp_path, "a.csv", GOOD),
        "--no-progress",
        verbosity=2,
        stdout=out,
        stderr=StringIO(),
    )
    assert "Durées par phase : " in out.getvalue()
    assert "structures.copy" in out.getvalue() and "commit" in out.getvalue()

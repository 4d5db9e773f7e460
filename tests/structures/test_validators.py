"""Every identifier rule, with its own French message naming the wrong value."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from common.identifiers import (
    siret_is_valid,
    validate_bic,
    validate_iban,
    validate_ridet,
    validate_siren,
    validate_siret,
    validate_structure_identifier,
    validate_tahiti,
    validate_vat_number,
)
from suppliers.models import IdentifierType


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def message(validator, value, **kwargs) -> str:
    with pytest.raises(ValidationError) as exc:
        validator(value, **kwargs)
    assert len(exc.value.messages) == 1
    return exc.value.messages[0]


# --- SIRET -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "81234567600017",  # ACME (demo)
        "21490244700017",  # Commune de Beaufort-en-Anjou
        "26290001200010",  # Centre hospitalier de Quimper
        "13000123300019",  # DDFiP du Finistère
        "35600000000048",  # La Poste, head office: ordinary Luhn key
        "35600000049837",  # La Poste establishment: digit sum multiple of 5, Luhn key wrong
    ],
)
def test_good_sirets_are_accepted(value):
    assert validate_siret(value) == value


def test_siret_is_stored_without_spaces_or_dots():
    assert validate_siret(" 812 345 676 00017 ") == "81234567600017"
    assert validate_siret("812.345.676.00017") == "81234567600017"


def test_fast_siret_check_agrees_with_stdnum():
    # Given SIRETs of every kind: good and wrong keys, La Poste's establishments and head office,
    # wrong lengths, letters, non-ASCII digits
    from stdnum.fr import siret as std_siret

    numbers = [f"{n:014d}" for n in range(21490244700000, 21490244700400)]
    numbers += [f"35600000{n:06d}" for n in range(0, 100_000, 7)]
    numbers += [f"{n:014d}" for n in range(0, 10**14, 10**14 // 4999)]
    numbers += ["35600000000048", "2149024470001", "2149024470001A", "2149024470001٧", "", "214902447000170"]
    # Then the pure-Python check gives stdnum's answer for each
    assert [siret_is_valid(n) for n in numbers] == [std_siret.is_valid(n) for n in numbers]
    assert sum(map(siret_is_valid, numbers)) > 1000


def test_siret_with_a_wrong_key_gets_the_message_of_the_issue():
    assert message(validate_siret, "81234567600018") == (
        "Le SIRET 81234567600018 est invalide : la clé de contrôle ne correspond pas"
    )


def test_la_poste_establishment_whose_digit_sum_is_not_a_multiple_of_5_is_refused():
    # Given a La Poste SIRET: Luhn does not apply, the sum of its digits (44) is not a multiple of 5
    assert not luhn_ok("35600000049836")
    # Then the La Poste rule refuses it
    assert "la clé de contrôle ne correspond pas" in message(validate_siret, "35600000049836")


def test_la_poste_exception_does_not_apply_to_other_sirens():
    # 35600000149836 sums to 45 (a multiple of 5) but its SIREN is not La Poste's: Luhn applies
    assert sum(map(int, "35600000149836")) % 5 == 0
    assert not luhn_ok("35600000149836")
    with pytest.raises(ValidationError):
        validate_siret("35600000149836")


def test_siret_too_short_says_how_many_digits_it_has():
    assert message(validate_siret, "8123456760001") == (
        "Le SIRET 8123456760001 est invalide : il doit comporter 14 chiffres (il en a 13)"
    )


def test_siret_with_letters_is_refused():
    assert message(validate_siret, "8123456760001A") == (
        "Le SIRET 8123456760001A est invalide : il ne doit contenir que des chiffres"
    )


def test_empty_siret_is_required():
    assert message(validate_siret, "") == "Le SIRET est obligatoire."


def test_siret_whose_own_key_is_right_but_siren_key_wrong_names_the_siren():
    # Given a SIREN with a wrong key, completed by a NIC that makes the 14 digits pass Luhn
    siren = "812345677"
    siret = next(s for s in (f"{siren}0001{d}" for d in range(10)) if luhn_ok(s))
    assert message(validate_siret, siret) == (
        f"Le SIRET {siret} est invalide : le SIREN 812345677 qu'il contient a une clé de contrôle incorrecte"
    )


def test_siren_rules():
    assert validate_siren("812 345 676") == "812345676"
    assert "la clé de contrôle ne correspond pas" in message(validate_siren, "812345677")
    assert "9 chiffres (il en a 8)" in message(validate_siren, "81234567")


# --- VAT numbers -------------------------------------------------------------------------------


def test_french_vat_number_matching_its_siren_key():
    # FR + key (12 + 3 × (SIREN mod 97)) mod 97 + SIREN
    assert validate_vat_number("FR 19 812345676") == "FR19812345676"
    assert validate_vat_number("FR19812345676", siren="812345676") == "FR19812345676"


def test_french_vat_number_with_a_wrong_key():
    assert message(validate_vat_number, "FR20812345676") == (
        "Le numéro de TVA FR20812345676 est invalide : la clé 20 ne correspond pas au SIREN 812345676"
    )


def test_french_vat_number_of_another_company_than_the_structure():
    # A valid number (La Poste's), but not the structure's SIREN
    vat = "FR39356000000"
    assert validate_vat_number(vat) == vat
    assert message(validate_vat_number, vat, siren="812345676") == (
        "Le numéro de TVA FR39356000000 ne correspond pas au SIREN 812345676 de la structure"
    )


def test_french_vat_number_with_a_wrong_siren_inside():
    assert "le SIREN 812345677 qu'il contient a une clé de contrôle incorrecte" in message(
        validate_vat_number, "FR00812345677"
    )


def test_french_vat_number_of_the_wrong_length():
    assert "2 caractères de clé et les 9 chiffres du SIREN" in message(validate_vat_number, "FR1981234567")


def test_vat_number_without_country_code():
    assert "doit commencer par le code du pays" in message(validate_vat_number, "19812345676")


@pytest.mark.parametrize("value", ["DE136695976", "BE0411905847", "IT00743110157"])
def test_european_vat_numbers(value):
    assert validate_vat_number(value) == value


def test_european_vat_number_with_a_wrong_key():
    assert message(validate_vat_number, "DE136695977") == (
        "Le numéro de TVA DE136695977 est invalide : son format ou sa clé de contrôle ne correspond pas "
        "aux règles de DE"
    )


def test_vat_number_of_a_country_outside_the_union():
    assert "US n'est pas un pays de l'Union européenne" in message(validate_vat_number, "US123456789")


# --- IBAN and BIC ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["FR7630006000011234567890189", "DE89370400440532013000", "GB82WEST12345698765432"]
)
def test_good_ibans(value):
    assert validate_iban(value) == value


def test_iban_typed_in_groups_of_four():
    assert validate_iban("fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"


def test_iban_with_a_wrong_key():
    assert message(validate_iban, "FR7630006000011234567890188") == (
        "L'IBAN FR7630006000011234567890188 est invalide : la clé de contrôle ne correspond pas"
    )


def test_iban_of_the_wrong_length_for_its_country():
    assert message(validate_iban, "FR763000600001123456789018") == (
        "L'IBAN FR763000600001123456789018 est invalide : un IBAN FR comporte 27 caractères (il en a 26)"
    )


def test_iban_of_a_country_without_iban():
    assert "le pays US n'utilise pas l'IBAN" in message(validate_iban, "US7630006000011234567890189")


def test_iban_with_forbidden_characters():
    assert "lettres et de chiffres uniquement" in message(validate_iban, "FR76-3000*6000")


def test_bic():
    assert validate_bic("BNPAFRPP") == "BNPAFRPP"
    assert validate_bic("bnpa frpp xxx") == "BNPAFRPPXXX"
    assert "8 ou 11 caractères" in message(validate_bic, "BNPAFR")


# --- Other identifier types --------------------------------------------------------------------


def test_ridet_and_tahiti_numbers():
    assert validate_ridet("1234567.001") == "1234567001"
    assert validate_ridet("123456.001") == "0123456001"
    assert "7 chiffres de l'entreprise" in message(validate_ridet, "12345")
    assert validate_tahiti("A12345") == "A12345"
    assert validate_tahiti("A12345001") == "A12345001"
    assert "6 caractères" in message(validate_tahiti, "A1234")


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        (IdentifierType.SIRET, "812 345 676 00017", "81234567600017"),
        (IdentifierType.UE_HORS_FRANCE, "DE136695976", "DE136695976"),
        (IdentifierType.HORS_UE, "che-123.456.789", "CHE-123.456.789"),
        (IdentifierType.RIDET, "1234567.001", "1234567001"),
        (IdentifierType.TAHITI, "B12345", "B12345"),
        (IdentifierType.PARTICULIER, "PART-0A1B2C3D4E", "PART-0A1B2C3D4E"),
        (IdentifierType.AUTRE, "IMMAT-0A1B2C3D4E", "IMMAT-0A1B2C3D4E"),
    ],
)
def test_identifier_checked_by_its_type(kind, value, stored):
    assert validate_structure_identifier(kind, value) == stored


def test_european_identifier_must_not_be_french():
    assert "choisissez le type d'identifiant SIRET" in message(
        lambda v: validate_structure_identifier(IdentifierType.UE_HORS_FRANCE, v), "FR19812345676"
    )


def test_bad_siret_as_structure_identifier():
    assert "la clé de contrôle ne correspond pas" in message(
        lambda v: validate_structure_identifier(IdentifierType.SIRET, v), "81234567600018"
    )

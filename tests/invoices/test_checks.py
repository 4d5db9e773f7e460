"""Every check of an invoice about to be sent, passing and failing, with its stable code, field,
business term and a French sentence saying what to do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from invoices.checks import CheckError, invoice_data_check
from invoices.data import AttachmentData, LineData, VatLineData
from tests.factories import ServiceFactory, SupplierMembershipFactory, UserFactory
from tests.invoices.conftest import valid_data

pytestmark = pytest.mark.django_db

ZERO_RATED = [
    LineData(designation="Formation", quantity=Decimal(1), unit_price=Decimal(500), vat_rate=Decimal(0))
]


def codes(errors: list[CheckError]) -> list[str]:
    return [e.code for e in errors]


def test_valid_invoice_passes_every_check(world):
    # Given a complete invoice of ACME to Beaufort, service FINANCES
    # When alice checks it
    errors = invoice_data_check(data=valid_data(), supplier=world["acme"], actor=world["alice"])
    # Then nothing is refused
    assert errors == []


@pytest.mark.parametrize(
    ("overrides", "code", "field", "bt"),
    [
        ({"number": "  "}, "CPRO-NUMERO-REQUIS", "number", "BT-1"),
        ({"number": "X" * 61}, "CPRO-NUMERO-LONGUEUR", "number", "BT-1"),
        ({"invoice_date": None}, "CPRO-DATE-REQUISE", "invoice_date", "BT-2"),
        (
            {"invoice_date": timezone.localdate() + dt.timedelta(days=2)},
            "CPRO-DATE-FUTURE",
            "invoice_date",
            "BT-2",
        ),
        ({"invoice_date": dt.date(1999, 12, 31)}, "CPRO-DATE-INVALIDE", "invoice_date", "BT-2"),
        ({"recipient_siret": ""}, "CPRO-DESTINATAIRE-REQUIS", "recipient_siret", "BT-47"),
        ({"recipient_siret": "21490244700018"}, "CPRO-DESTINATAIRE-INCONNU", "recipient_siret", "BT-47"),
        ({"recipient_siret": "73282932000074"}, "CPRO-DESTINATAIRE-INCONNU", "recipient_siret", "BT-47"),
        ({"service_code": ""}, "CPRO-SERVICE-REQUIS", "service_code", "BT-10"),
        ({"service_code": "CANTINE"}, "CPRO-SERVICE-INCONNU", "service_code", "BT-10"),
        ({"service_code": "ARCHIVES"}, "CPRO-SERVICE-INACTIF", "service_code", "BT-10"),
        ({"engagement_number": "E" * 51}, "CPRO-ENGAGEMENT-LONGUEUR", "engagement_number", "BT-13"),
        ({"market_number": "M" * 51}, "CPRO-MARCHE-LONGUEUR", "market_number", "BT-12"),
        ({"currency": "XYZ"}, "CPRO-DEVISE", "currency", "BT-5"),
        ({"currency": "USD"}, "CPRO-TAUX-CHANGE", "exchange_rate", "BT-6"),
        (
            {"vat_regime": "EXONERATION", "lines": ZERO_RATED},
            "CPRO-EXONERATION-MOTIF",
            "vat_exemption_reason",
            "BT-120",
        ),
        ({"payment_mode": "VIREMENT", "iban": ""}, "CPRO-IBAN-REQUIS", "iban", "BT-84"),
        ({"iban": "FR7630006000011234567890180"}, "CPRO-IBAN-INVALIDE", "iban", "BT-84"),
        ({"payment_mode": "BITCOIN"}, "CPRO-MODE-PAIEMENT", "payment_mode", "BT-81"),
        ({"lines": []}, "CPRO-LIGNES-REQUISES", "lines", "BG-25"),
        ({"kind": "AVOIR"}, "CPRO-AVOIR-ORIGINE", "original_invoice_number", "BT-25"),
        ({"prepaid_amount": Decimal("300")}, "CPRO-MONTANT-A-PAYER", "prepaid_amount", "BT-115"),
        ({"declared_total_ht": Decimal("205.21")}, "CPRO-TOTAUX", "total_ht", "BT-109"),
        ({"declared_total_vat": Decimal("30.04")}, "CPRO-TOTAUX", "total_vat", "BT-110"),
        ({"declared_total_ttc": Decimal("235.26")}, "CPRO-TOTAUX", "total_ttc", "BT-112"),
        ({"declared_amount_due": Decimal("1")}, "CPRO-TOTAUX", "amount_due", "BT-115"),
    ],
)
def test_each_check_refuses_with_code_field_and_french_message(world, overrides, code, field, bt):
    # Given an otherwise valid invoice with one wrong value
    data = valid_data(**overrides)
    # When it is checked
    errors = invoice_data_check(data=data, supplier=world["acme"], actor=world["alice"])
    # Then exactly that check fails, on its field, with an actionable French sentence
    assert codes(errors) == [code], errors
    error = errors[0]
    assert (error.field, error.bt) == (field, bt)
    assert error.message.endswith(".") and len(error.message) > 30


@pytest.mark.parametrize(
    ("line", "code", "field"),
    [
        (
            LineData(designation="", quantity=Decimal(1), unit_price=Decimal(1), vat_rate=Decimal(20)),
            "CPRO-LIGNE-DESIGNATION",
            "lines-0-designation",
        ),
        (
            LineData(designation="A", quantity=Decimal(0), unit_price=Decimal(1), vat_rate=Decimal(20)),
            "CPRO-LIGNE-QUANTITE",
            "lines-0-quantity",
        ),
        (
            LineData(
                designation="A", quantity=Decimal("1.00001"), unit_price=Decimal(1), vat_rate=Decimal(20)
            ),
            "CPRO-LIGNE-QUANTITE",
            "lines-0-quantity",
        ),
        (
            LineData(designation="A", quantity=Decimal(1), unit_price=Decimal(-1), vat_rate=Decimal(20)),
            "CPRO-LIGNE-PRIX",
            "lines-0-unit_price",
        ),
        (
            LineData(
                designation="A",
                quantity=Decimal(1),
                unit_price=Decimal(10),
                vat_rate=Decimal(20),
                discount=Decimal(11),
            ),
            "CPRO-LIGNE-REMISE",
            "lines-0-discount",
        ),
        (
            LineData(designation="A", quantity=Decimal(1), unit_price=Decimal(10), vat_rate=Decimal("19.6")),
            "CPRO-TAUX-TVA",
            "lines-0-vat_rate",
        ),
        (
            LineData(
                designation="A",
                quantity=Decimal(1),
                unit_price=Decimal(10),
                vat_rate=Decimal(120),
                vat_rate_manual=True,
            ),
            "CPRO-TAUX-TVA",
            "lines-0-vat_rate",
        ),
        (
            LineData(
                designation="A",
                quantity=Decimal(1),
                unit_price=Decimal(10),
                vat_rate=Decimal(20),
                unit="unité",
            ),
            "CPRO-LIGNE-UNITE",
            "lines-0-unit",
        ),
        (
            LineData(
                designation="A",
                quantity=Decimal(1),
                unit_price=Decimal(10),
                vat_rate=Decimal(20),
                declared_net=Decimal("10.01"),
            ),
            "CPRO-TOTAUX",
            "lines-0-total_ht",
        ),
    ],
)
def test_line_checks_name_the_line_field(world, line, code, field):
    errors = invoice_data_check(data=valid_data(lines=[line]), supplier=world["acme"], actor=world["alice"])
    assert [(e.code, e.field) for e in errors] == [(code, field)]
    assert errors[0].message.startswith("Ligne 1 :")


def test_french_rates_pass_and_a_declared_manual_rate_passes(world):
    # Given every French rate, and a non-French rate declared manual
    lines = [
        LineData(designation=f"Taux {r}", quantity=Decimal(1), unit_price=Decimal(10), vat_rate=Decimal(r))
        for r in ("20", "10", "8.5", "5.5", "2.1", "1.05", "0.9", "0")
    ] + [
        LineData(
            designation="Manuel",
            quantity=Decimal(1),
            unit_price=Decimal(10),
            vat_rate=Decimal("13"),
            vat_rate_manual=True,
        )
    ]
    # Then no rate is refused
    assert (
        invoice_data_check(data=valid_data(lines=lines), supplier=world["acme"], actor=world["alice"]) == []
    )


def test_exempt_invoice_needs_zero_rated_lines(world):
    data = valid_data(vat_regime="EXONERATION", vat_exemption_reason="TVA non applicable, art. 293 B du CGI")
    errors = invoice_data_check(data=data, supplier=world["acme"], actor=world["alice"])
    assert set(codes(errors)) == {"CPRO-EXONERATION-TAUX"}
    exempt = valid_data(
        vat_regime="EXONERATION",
        vat_exemption_reason="TVA non applicable, art. 293 B du CGI",
        lines=[
            LineData(
                designation="Formation", quantity=Decimal(1), unit_price=Decimal(500), vat_rate=Decimal(0)
            )
        ],
    )
    assert invoice_data_check(data=exempt, supplier=world["acme"], actor=world["alice"]) == []


def test_declared_vat_breakdown_must_match_the_lines(world):
    good = [
        VatLineData(rate=Decimal("20"), base=Decimal("129.40"), amount=Decimal("25.88")),
        VatLineData(rate=Decimal("5.50"), base=Decimal("75.80"), amount=Decimal("4.17")),
    ]
    assert (
        invoice_data_check(
            data=valid_data(declared_vat_lines=good), supplier=world["acme"], actor=world["alice"]
        )
        == []
    )
    wrong = [good[0], VatLineData(rate=Decimal("5.5"), base=Decimal("75.80"), amount=Decimal("4.16"))]
    errors = invoice_data_check(
        data=valid_data(declared_vat_lines=wrong), supplier=world["acme"], actor=world["alice"]
    )
    assert [(e.code, e.field, e.bt) for e in errors] == [("CPRO-TOTAUX", "vat_lines", "BG-23")]
    assert "5,5 % : base 75,80, TVA 4,17" in errors[0].message


def test_engagement_required_by_the_structure(world):
    # Given the CH de Quimper, which requires an engagement number
    data = valid_data(recipient_siret="26290001200010", service_code="")
    errors = invoice_data_check(data=data, supplier=world["acme"], actor=world["alice"])
    assert [(e.code, e.field, e.bt) for e in errors] == [
        ("CPRO-ENGAGEMENT-REQUIS", "engagement_number", "BT-13")
    ]
    assert "Centre hospitalier de Quimper" in errors[0].message
    data.engagement_number = "EJ-2026-000123"
    assert invoice_data_check(data=data, supplier=world["acme"], actor=world["alice"]) == []


def test_engagement_required_by_the_service(world):
    ServiceFactory(structure=world["beaufort"], code="MARCHES", name="Marchés", engagement_required=True)
    errors = invoice_data_check(
        data=valid_data(service_code="MARCHES"), supplier=world["acme"], actor=world["alice"]
    )
    assert codes(errors) == ["CPRO-ENGAGEMENT-REQUIS"]
    assert "MARCHES" in errors[0].message
    ok = valid_data(service_code="MARCHES", engagement_number="BC-77")
    assert invoice_data_check(data=ok, supplier=world["acme"], actor=world["alice"]) == []


def test_engagement_or_service_required(world):
    quimper = world["quimper"]
    quimper.engagement_required = False
    quimper.engagement_or_service_required = True
    quimper.save()
    ServiceFactory(structure=quimper, code="ACHATS", name="Achats")
    base = {"recipient_siret": quimper.siret, "service_code": ""}
    errors = invoice_data_check(data=valid_data(**base), supplier=world["acme"], actor=world["alice"])
    assert codes(errors) == ["CPRO-ENGAGEMENT-OU-SERVICE-REQUIS"]
    for either in ({"service_code": "ACHATS"}, {"engagement_number": "EJ-1"}):
        assert (
            invoice_data_check(data=valid_data(**base | either), supplier=world["acme"], actor=world["alice"])
            == []
        )


def test_service_outside_its_validity_dates_is_inactive(world):
    ServiceFactory(
        structure=world["beaufort"],
        code="ANCIEN",
        name="Ancien service",
        valid_to=timezone.localdate() - dt.timedelta(days=1),
    )
    errors = invoice_data_check(
        data=valid_data(service_code="ANCIEN"), supplier=world["acme"], actor=world["alice"]
    )
    assert codes(errors) == ["CPRO-SERVICE-INACTIF"]


def test_factures_publiques_refused_for_a_private_supplier_allowed_for_a_public_one(world):
    ServiceFactory(
        structure=world["beaufort"], code="FACTURES_PUBLIQUES", name="Service des factures publiques"
    )
    data = valid_data(service_code="FACTURES_PUBLIQUES")
    errors = invoice_data_check(data=data, supplier=world["acme"], actor=world["alice"])
    assert [(e.code, e.field, e.bt) for e in errors] == [("CPRO-FACTURES-PUBLIQUES", "service_code", "BT-10")]
    acme = world["acme"]
    acme.is_public = True
    acme.save()
    assert invoice_data_check(data=data, supplier=acme, actor=world["alice"]) == []


def test_user_must_be_an_active_member_allowed_to_send(world):
    # Given bob, who belongs to the bakery, not to ACME
    errors = invoice_data_check(data=valid_data(), supplier=world["acme"], actor=world["bob"])
    assert codes(errors) == ["CPRO-DROIT-ENVOI"]
    # and a member whose request is still pending
    pending = UserFactory()
    SupplierMembershipFactory(user=pending, structure=world["acme"], role="UTILISATEUR", status="EN_ATTENTE")
    assert codes(invoice_data_check(data=valid_data(), supplier=world["acme"], actor=pending)) == [
        "CPRO-DROIT-ENVOI"
    ]


def test_inactive_supplier_structure_cannot_send(world):
    acme = world["acme"]
    acme.active = False
    acme.save()
    errors = invoice_data_check(data=valid_data(), supplier=acme, actor=world["alice"])
    assert codes(errors) == ["CPRO-FOURNISSEUR-INACTIF"]


def test_technical_account_sends_only_for_its_own_structure(world):
    from accounts.models import TechnicalAccount

    own = TechnicalAccount.objects.create(
        login="acme-api",
        password="x",
        supplier_structure=world["acme"],
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    other = TechnicalAccount.objects.create(
        login="boulangerie-api",
        password="x",
        supplier_structure=world["bakery"],
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    assert invoice_data_check(data=valid_data(channel="SAISIE_API"), supplier=world["acme"], actor=own) == []
    assert codes(invoice_data_check(data=valid_data(), supplier=world["acme"], actor=other)) == [
        "CPRO-DROIT-ENVOI"
    ]


def test_generated_invoice_needs_the_seller_vat_number(world):
    # Given the bakery, whose VAT number is not filled in
    errors = invoice_data_check(data=valid_data(), supplier=world["bakery"], actor=world["bob"])
    assert [(e.code, e.bt) for e in errors] == [("CPRO-TVA-VENDEUR", "BT-31")]
    # A deposited file carries its own VAT number
    assert (
        invoice_data_check(
            data=valid_data(seller_vat_number="FR32732829320"), supplier=world["bakery"], actor=world["bob"]
        )
        == []
    )


def test_attachment_checks_run_with_the_invoice_checks(world):
    data = valid_data(attachments=[AttachmentData(name="devis.pdf", content=b"MZ\x90\x00 not a pdf")])
    errors = invoice_data_check(data=data, supplier=world["acme"], actor=world["alice"])
    assert [(e.code, e.field, e.value) for e in errors] == [("CPRO-PJ-TYPE", "attachments", "devis.pdf")]

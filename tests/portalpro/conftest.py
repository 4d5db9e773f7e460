"""The cast of Chorus Portal Pro, on top of the fixed cast of ``tests/conftest.py``:

- ``marie``: Marie Lefèvre, interpreter without a SIRET (structure ``PARTICULIER``), not liable
  to VAT, one bank account;
- ``caen_court``: Tribunal judiciaire de Caen, receives the memos of court fees;
- ``gaec``: GAEC des Prés Verts, SIRET, head office in Calvados (14, experimenting), member ``paul``;
- ``kerlann``: EARL de Kerlann, SIRET, head office in Finistère (29, not experimenting), member ``yann``;
- ``customs``: Bureau de douane de Caen, receives the TIC/TICGN refund requests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from entities.models import FormDesk, PublicCategory
from suppliers.models import BankAccount, IdentifierType
from tests.factories import (
    PublicStructureFactory,
    SupplierMembershipFactory,
    SupplierStructureFactory,
    UserFactory,
)

# The shared corpus sits next to the repository (tests/invoices/conftest.py), or in /work/shared
# when the repository is a worktree.
_CORPUS = next(
    (
        p
        for p in (Path(__file__).resolve().parents[3] / "shared" / "corpus", Path("/work/shared/corpus"))
        if p.is_dir()
    ),
    Path("/work/shared/corpus"),
)
EN16931_XSLT = _CORPUS / "validation" / "en16931-1.3.16" / "EN16931-CII-validation.xslt"
MARIE_IBAN = "FR7630006000011234567890189"
GAEC_IBAN = "FR7610107001011234567890129"


@pytest.fixture
def caen_court(db):
    return PublicStructureFactory(
        siret="17140000500020",
        name="Tribunal judiciaire de Caen",
        category=PublicCategory.ETAT,
        form_desk=FormDesk.JUSTICE,
        postcode="14000",
        city="Caen",
    )


@pytest.fixture
def customs(db):
    return PublicStructureFactory(
        siret="13000456700017",
        name="Bureau de douane de Caen",
        category=PublicCategory.ETAT,
        form_desk=FormDesk.DOUANE,
        postcode="14000",
        city="Caen",
    )


@pytest.fixture
def court_clerk(caen_court):
    from tests.factories import BuyerMembershipFactory

    user = UserFactory(email="greffe@tj-caen.test", first_name="Hélène", last_name="Greffier")
    BuyerMembershipFactory(user=user, structure=caen_court)
    return user


@pytest.fixture
def lefevre(db):
    structure = SupplierStructureFactory(
        identifier_type=IdentifierType.PARTICULIER,
        identifier="PART-LEFEVRE01",
        name="Marie Lefèvre",
        address="12 rue Écuyère",
        postcode="14000",
        city="Caen",
    )
    BankAccount.objects.create(structure=structure, iban=MARIE_IBAN, label="Compte principal")
    return structure


@pytest.fixture
def marie(lefevre):
    user = UserFactory(email="expert@chorus.test", first_name="Marie", last_name="Lefèvre")
    SupplierMembershipFactory(user=user, structure=lefevre)
    return user


@pytest.fixture
def gaec(db):
    structure = SupplierStructureFactory(
        identifier="42345678900019",
        name="GAEC des Prés Verts",
        vat_number="FR82423456789",
        address="Le Bourg",
        postcode="14310",
        city="Villers-Bocage",
    )
    BankAccount.objects.create(structure=structure, iban=GAEC_IBAN, label="Compte de l'exploitation")
    return structure


@pytest.fixture
def paul(gaec):
    user = UserFactory(email="exploitant@chorus.test", first_name="Paul", last_name="Durand")
    SupplierMembershipFactory(user=user, structure=gaec)
    return user


@pytest.fixture
def kerlann(db):
    structure = SupplierStructureFactory(
        identifier="43345678700012",
        name="EARL de Kerlann",
        vat_number="FR13433456787",
        address="Kerlann",
        postcode="29800",
        city="Landerneau",
    )
    BankAccount.objects.create(structure=structure, iban=GAEC_IBAN, label="Compte")
    return structure


@pytest.fixture
def yann(kerlann):
    user = UserFactory(email="yann@kerlann.test", first_name="Yann", last_name="Le Gall")
    SupplierMembershipFactory(user=user, structure=kerlann)
    return user

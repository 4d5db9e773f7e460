"""Contract with OCA's Odoo connector (OCA/l10n-france, ``l10n_fr_chorus_account``): the bodies it
sends to find a public customer, read its required fields and import its services (issue 12)."""

from __future__ import annotations

ST = "/cpro/structures/v1/"


def test_odoo_finds_the_customer_reads_its_rules_and_imports_its_services(api, beaufort):
    # Given the body Odoo sends to find a customer by SIRET
    found = api.call(
        ST + "rechercher",
        {"structure": {"identifiantStructure": beaufort.siret, "typeIdentifiantStructure": "SIRET"}},
    ).json()
    # Then exactly one structure comes back, with its idStructureCPP
    assert len(found["listeStructures"]) == 1
    cpp_id = found["listeStructures"][0]["idStructureCPP"]
    # When it reads the structure with ``idStructureCPP`` (not ``idStructure``)
    detail = api.call(ST + "consulter", {"idStructureCPP": cpp_id}).json()
    # Then the parameters say a service code is required
    assert detail["codeRetour"] == 0
    assert detail["parametres"]["codeServiceDoitEtreRenseigne"] is True
    assert detail["parametres"]["numeroEJDoitEtreRenseigne"] is False
    # And its services come back in one call although it asks 10,000 per page
    services = api.call(
        ST + "rechercher/services",
        {"idStructure": cpp_id, "parametresRechercherServicesStructure": {"nbResultatsParPage": 10000}},
    ).json()
    assert services["codeRetour"] == 0
    by_code = {s["codeService"]: s for s in services["listeServices"]}
    assert {"FINANCES", "TECHNIQUE"} <= set(by_code)
    assert by_code["FINANCES"]["estActif"] is True and isinstance(by_code["FINANCES"]["idService"], int)
    assert by_code["FINANCES"]["libelleService"] == "Service des finances"

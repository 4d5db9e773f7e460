"""The official refund rates of the TIC/TICGN for the consumptions of 2021 (campaign 2022).

Source: instruction of 28 March 2022 opening, on 1 April 2022, the campaign of partial refund of
the TICPE on gazole non routier, fioul lourd and GPL and of the TICGN on natural gas, for the
deliveries of 2021 (as published by La France Agricole, 30 March 2022): 14,96 €/hl of GNR;
5,72 €/100 kg net of GPL; 13,765 €/100 kg net of fioul lourd; 7,89 €/MWh of natural gas used as
a fuel for heating (combustible) and 4,69 €/MWh used as a motor fuel (carburant)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import migrations

SOURCE = (
    "Instruction du 28 mars 2022 : campagne 2022 de remboursement partiel de la TICPE et de la TICGN, "
    "consommations du 1er janvier au 31 décembre 2021"
)
SOURCE_URL = (
    "https://www.lafranceagricole.fr/actualites/gestion-et-droit/ticpe-ticgn-le-dispositif-de-"
    "remboursement-anticipe-pour-les-achats-de-2021-se-met-en-place-1,2,1884020841.html"
)
RATES = (
    ("GNR", "14.96", "HLT", "hectolitre"),
    ("GPL", "5.72", "DTN", "100 kg net"),
    ("FIOUL_LOURD", "13.765", "DTN", "100 kg net"),
    ("GN_COMBUSTIBLE", "7.89", "MWH", "MWh"),
    ("GN_CARBURANT", "4.69", "MWH", "MWh"),
)


def seed(apps, schema_editor) -> None:
    TicRefundRate = apps.get_model("portalpro", "TicRefundRate")
    for product, rate, unit, unit_label in RATES:
        TicRefundRate.objects.update_or_create(
            product=product,
            period_start=dt.date(2021, 1, 1),
            defaults={
                "period_end": dt.date(2021, 12, 31),
                "rate": Decimal(rate),
                "unit": unit,
                "unit_label": unit_label,
                "source": SOURCE,
                "source_url": SOURCE_URL,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("portalpro", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

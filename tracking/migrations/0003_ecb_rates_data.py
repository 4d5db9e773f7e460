"""The ECB main refinancing rates in force on the first day of each half-year since the
late-payment interest regime of décret 2013-269 (invoices whose delay started from 1 May 2013).

Source: ECB key interest rates (main refinancing operations, fixed rate); the half-year rate is
the one in force on 1 January / 1 July. Later half-years are added by administrators.
"""

from decimal import Decimal

from django.db import migrations

RATES = [
    ("2013-01-01", "0.75"), ("2013-07-01", "0.50"), ("2014-01-01", "0.25"), ("2014-07-01", "0.15"),
    ("2015-01-01", "0.05"), ("2015-07-01", "0.05"), ("2016-01-01", "0.05"), ("2016-07-01", "0.00"),
    ("2017-01-01", "0.00"), ("2017-07-01", "0.00"), ("2018-01-01", "0.00"), ("2018-07-01", "0.00"),
    ("2019-01-01", "0.00"), ("2019-07-01", "0.00"), ("2020-01-01", "0.00"), ("2020-07-01", "0.00"),
    ("2021-01-01", "0.00"), ("2021-07-01", "0.00"), ("2022-01-01", "0.00"), ("2022-07-01", "0.00"),
    ("2023-01-01", "2.50"), ("2023-07-01", "4.00"), ("2024-01-01", "4.50"), ("2024-07-01", "4.25"),
    ("2025-01-01", "3.15"), ("2025-07-01", "2.15"),
]


def load(apps, schema_editor):
    EcbRate = apps.get_model("tracking", "EcbRate")
    for starts_on, rate in RATES:
        EcbRate.objects.get_or_create(starts_on=starts_on, defaults={"rate": Decimal(rate)})


class Migration(migrations.Migration):
    dependencies = [("tracking", "0002_notifications_ecb_rates")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

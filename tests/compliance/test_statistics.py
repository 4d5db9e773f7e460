"""Platform statistics on the data set of ``conftest.world`` (expected figures worked out by hand)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from compliance.aggregates import percentile, statistics_refresh
from compliance.models import DelayStat, RecipientPunctuality
from compliance.selectors import stats_by_channel, stats_by_status, stats_snapshot, stats_yearly

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshed(world):
    with freeze_time("2019-12-31 23:00:00"):
        statistics_refresh(full=True)
    return world


def test_percentile_is_postgresql_percentile_cont():
    assert percentile([], 0.5) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([10.0, 2.0, 4.0], 0.5) == 4.0
    assert percentile([10.0, 2.0, 4.0], 0.9) == pytest.approx(8.8)


def test_invoices_per_year_channel_and_status(refreshed):
    years = {row.year: row for row in stats_yearly()}
    # 2019: ETI-1 (600), A-1 (240), B-1 (60), A-2 (360); paper: A-P1 and M-P1.
    assert (years[2019].invoices, years[2019].amount, years[2019].paper) == (4, Decimal("1260.00"), 2)
    assert (years[2019].active_suppliers, years[2019].active_recipients) == (3, 2)
    assert (years[2017].invoices, years[2017].amount, years[2017].paper) == (1, Decimal("1200.00"), 0)
    assert (years[2018].invoices, years[2018].paper) == (0, 2)
    channels = {code: n for code, _label, n in stats_by_channel(year=2019)}
    assert channels["SAISIE_PORTAIL"] == 2 and channels["EDI"] == 1 and channels["DEPOT_PDF_PORTAIL"] == 1
    assert channels["SAISIE_API"] == 0
    assert {code: n for code, _label, n in stats_by_status(year=2019)} == {
        "MISE_EN_PAIEMENT": 3,
        "REJETEE": 1,
    }
    snapshot = stats_snapshot()
    # Deposits in the 12 months before 31 December 2019: ETI, ACME, the bakery; Quimper, Beaufort.
    assert (snapshot.active_suppliers_12m, snapshot.active_recipients_12m) == (3, 2)


def test_processing_times_median_and_p90(refreshed):
    def stat(kind: str, start: date, measure: str) -> DelayStat:
        return DelayStat.objects.get(period_kind=kind, period_start=start, measure=measure)

    # Made available 4 h (ETI-1), 2 h and 10 h after deposit in 2019.
    available = stat("Y", date(2019, 1, 1), "MISE_A_DISPOSITION")
    assert (available.invoices, available.median_hours) == (3, pytest.approx(4.0))
    assert available.p90_hours == pytest.approx(8.8)
    assert stat("M", date(2019, 2, 1), "MISE_A_DISPOSITION").median_hours == pytest.approx(2.0)
    # Paid 45 days (1080 h), 19 days (456 h) and 48 days (1152 h) after deposit.
    paid = stat("Y", date(2019, 1, 1), "MISE_EN_PAIEMENT")
    assert (paid.invoices, paid.median_hours) == (3, pytest.approx(1080.0))
    assert paid.p90_hours == pytest.approx(1137.6)


def test_payment_punctuality_per_public_structure(refreshed):
    rows = {(r.recipient.name, r.year): r for r in RecipientPunctuality.objects.select_related("recipient")}
    # Beaufort 2019: A-1 paid on day 19 (due on day 30: on time), A-2 on day 48 (late).
    beaufort = rows[("Commune de Beaufort-en-Anjou", 2019)]
    assert (beaufort.paid, beaufort.on_time, beaufort.on_time_share) == (2, 1, 0.5)
    assert beaufort.average_days == pytest.approx(33.5)
    # Quimper 2019: ETI-1 paid on day 45, no due date recorded: 50 days for a hospital, on time.
    quimper = rows[("Centre hospitalier de Quimper", 2019)]
    assert (quimper.paid, quimper.on_time, quimper.average_days) == (1, 1, pytest.approx(45.0))
    # Beaufort 2017: GE-1 paid after 41 days (one hour less: summer time began meanwhile), late.
    late = rows[("Commune de Beaufort-en-Anjou", 2017)]
    assert (late.paid, late.on_time) == (1, 0)
    assert late.average_days == pytest.approx(41 - 1 / 24)


def test_public_statistics_have_no_per_structure_data(client, refreshed):
    with freeze_time("2020-01-15 10:00:00"):
        response = client.get(reverse("compliance:statistics"), {"annee": "2019"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Factures déposées par mois" in html and "Délais de traitement" in html
    assert "Ponctualité" not in html and "Commune de Beaufort" not in html
    assert "Exporter" not in html


def test_staff_statistics_add_punctuality_and_exports(client, admin_user, refreshed):
    client.force_login(admin_user)
    with freeze_time("2020-01-15 10:00:00"):
        html = client.get(reverse("compliance:statistics"), {"annee": "2019"}).content.decode()
    assert "Ponctualité de paiement des structures publiques en 2019" in html
    # Least punctual first: Beaufort (50 %) before Quimper (100 %).
    assert html.index("Commune de Beaufort") < html.index("Centre hospitalier de Quimper")
    assert "50,0\u00a0%" in html


def test_statistics_before_any_refresh(client, db):
    response = client.get(reverse("compliance:statistics"))
    assert response.status_code == 200
    assert "Les statistiques n'ont pas encore été calculées." in response.content.decode()


def test_a_nightly_refresh_recomputes_only_recent_months(refreshed):
    # Given a first full refresh, then an edit of an old summary row
    DelayStat.objects.filter(period_kind="Y", period_start=date(2017, 1, 1)).update(invoices=99)
    # When the nightly task runs on 1 July 2020 (window: from June 2019)
    with freeze_time("2020-07-01 02:30:00"):
        report = statistics_refresh()
    # Then 2017 is left alone and 2019 recomputed
    assert report.window_start == date(2019, 6, 1)
    assert DelayStat.objects.filter(period_kind="Y", period_start=date(2017, 1, 1), invoices=99).count() == 2
    assert (
        DelayStat.objects.get(
            period_kind="Y", period_start=date(2019, 1, 1), measure="MISE_EN_PAIEMENT"
        ).invoices
        == 3
    )


def test_the_refresh_task_runs_once_at_a_time(world):
    from django.core.cache import cache

    from compliance.tasks import LOCK_KEY
    from compliance.tasks import statistics_refresh as task

    # A message delivered twice while the first run holds the lock does nothing
    cache.add(LOCK_KEY, "1")
    assert task.delay().get() is None
    assert not DelayStat.objects.exists()
    cache.delete(LOCK_KEY)
    # Otherwise it refreshes and releases the lock
    assert task.delay(full=True).get()["suppliers"] >= 1
    assert DelayStat.objects.exists() and cache.get(LOCK_KEY) is None


def test_staff_can_ask_for_a_refresh_now(client, admin_user, world, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("compliance:refresh"), {"retour": "https://example.com/"})
    # An outside address is never followed
    assert response["Location"] == reverse("compliance:dashboard")
    assert stats_snapshot() is not None


def test_a_refresh_lost_with_its_worker_is_started_again_by_the_watch(world):
    from datetime import timedelta

    from django.utils import timezone

    from compliance.models import PlatformSnapshot
    from compliance.tasks import statistics_watch

    # Given tables refreshed just now: the watch leaves them alone
    statistics_refresh(full=True)
    assert statistics_watch.delay().get() is False
    # Given tables more than a day old (the night's run died with its worker, unacknowledged
    # long tasks being never delivered twice): the watch starts the refresh
    PlatformSnapshot.objects.filter(pk=1).update(refreshed_at=timezone.now() - timedelta(hours=31))
    assert statistics_watch.delay().get() is True
    assert PlatformSnapshot.objects.get(pk=1).refreshed_at > timezone.now() - timedelta(minutes=5)

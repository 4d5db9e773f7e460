"""Staff remind non-compliant suppliers of their obligation, and export every table as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time

from compliance.aggregates import statistics_refresh
from compliance.exports import EXPORTS
from compliance.models import ComplianceReminder
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshed(world):
    with freeze_time("2020-07-01 02:30:00"):
        statistics_refresh(full=True)
    return world


def test_staff_reminds_non_compliant_suppliers(
    client, admin_user, alice, refreshed, django_capture_on_commit_callbacks
):
    world = refreshed
    client.force_login(admin_user)
    url = reverse("compliance:remind")
    data = {
        "fournisseurs": [str(world.acme.pk), str(world.regie.pk)],
        "date": "2019-03-01",
        "retour": "date=2019-03-01",
    }
    # When the admin reminds ACME (alice is its member) and the public body (no member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0].endswith("?date=2019-03-01")
    html = response.content.decode()
    assert "Rappel envoyé à 1 fournisseur(s)" in html and "Régie publique" in html
    # Then alice has an in-app notification and an e-mail, with the obligation and how to start
    notification = Notification.objects.get(recipient=alice, kind="rappel_obligation")
    assert "Depuis le 1er janvier 2019, ACME Fournitures" in notification.body
    assert "1 facture(s) papier" in notification.body
    assert notification.url == reverse("helpcentre:article", args=["deposer-une-facture"])
    assert notification.supplier_structure == world.acme
    assert [m.to for m in mail.outbox] == [["alice@acme.test"]]
    assert ComplianceReminder.objects.get().supplier == world.acme
    # A second click the same day sends nothing more
    with django_capture_on_commit_callbacks(execute=True):
        html = client.post(url, data, follow=True).content.decode()
    assert "Déjà rappelé(s) aujourd" in html
    assert Notification.objects.filter(recipient=alice, kind="rappel_obligation").count() == 1
    assert len(mail.outbox) == 1 and ComplianceReminder.objects.count() == 1
    # The dashboard shows the date of the last reminder
    html = client.get(reverse("compliance:dashboard"), {"date": "2019-03-01"}).content.decode()
    assert "Dernier rappel" in html


def test_a_reminder_without_selection_is_refused(client, admin_user, refreshed):
    client.force_login(admin_user)
    html = client.post(reverse("compliance:remind"), {"date": "2019-03-01"}, follow=True).content.decode()
    assert "Cochez au moins un fournisseur" in html
    assert not ComplianceReminder.objects.exists()


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_every_table_exports_as_csv_for_french_excel(client, admin_user, refreshed, name):
    client.force_login(admin_user)
    with freeze_time("2020-07-01 10:00:00"):
        response = client.get(
            reverse("compliance:export", args=[name]), {"date": "2019-03-01", "annee": "2019"}
        )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="chorus-{name}-')
    rows = read_csv(response)
    assert tuple(rows[0]) == EXPORTS[name].header


def test_export_contents(client, admin_user, refreshed):
    client.force_login(admin_user)
    rows = read_csv(
        client.get(reverse("compliance:export", args=["factures-papier"]), {"date": "2019-03-01"})
    )
    # The ETI's invoice and ACME's after its obligation, by SIRET; French decimals.
    assert [(r[0], r[4], r[5], r[6], r[8]) for r in rows[1:]] == [
        (refreshed.eti.identifier, "ETI-P1", "01/06/2018", "100,00", "Centre hospitalier de Quimper"),
        (refreshed.acme.identifier, "A-P1", "05/02/2019", "845,40", "Commune de Beaufort-en-Anjou"),
    ]
    rows = read_csv(client.get(reverse("compliance:export", args=["categories"]), {"date": "2019-03-01"}))
    assert rows[3] == ["Petite ou moyenne entreprise", "01/01/2019", "1", "0", "1", "0"]
    rows = read_csv(client.get(reverse("compliance:export", args=["ponctualite"]), {"annee": "2019"}))
    assert rows[1][1] == "Commune de Beaufort-en-Anjou" and rows[1][6] == "50,0"


def test_unknown_export_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("compliance:export", args=["inconnu"])).status_code == 404

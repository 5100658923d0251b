"""The report's CSV keeps its machine column names; ?headers=translated heads
the same columns in the reader's language, for a person in a spreadsheet."""

import csv
import io

import pytest
from django.urls import reverse

from reports.views import CRITERIA_CSV_COLUMNS, CSV_COLUMNS, learner_csv_columns

pytestmark = pytest.mark.django_db


def first_row(response) -> list[str]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text)))


def test_the_columns_keep_their_machine_names_in_every_language(client, org_admin):
    client.force_login(org_admin)

    response = client.get(reverse("reports:report_csv"), HTTP_ACCEPT_LANGUAGE="fr")

    assert first_row(response) == learner_csv_columns()


def test_translated_headings_are_in_the_readers_language(client, org_admin):
    org_admin.language = "fr"
    org_admin.save()
    client.force_login(org_admin)

    learners = client.get(reverse("reports:report_csv"), {"headers": "translated"})
    criteria = client.get(reverse("reports:criteria_csv"), {"headers": "translated"})

    headings, criteria_headings = first_row(learners), first_row(criteria)
    # This app's columns, then those other apps registered (`reports.columns`).
    assert len(headings) == len(learner_csv_columns())
    assert headings[:3] == ["Adresse e-mail", "Nom", "Organisation"]
    assert headings[len(CSV_COLUMNS) - 1] == "Dernière activité"
    assert len(criteria_headings) == len(CRITERIA_CSV_COLUMNS)
    assert criteria_headings[-3:] == ["Pas encore", "Atteint", "Dépassé"]

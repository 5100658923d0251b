"""Editing a cohort: moving its dates moves its members' due dates, and its
trainers belong to its organisation."""

import pytest
from django.urls import reverse
from django.utils import timezone

from progress import services, timemodel
from progress.models import Cohort, Enrolment
from progress.services.cohorts import cohort_update_impact
from tests.factories import enrol
from tests.progress.cohort_world import DAY

pytestmark = pytest.mark.django_db


# Moving the cohort's dates


def due(enrolment: Enrolment, now) -> dict:
    return timemodel.due_dates(enrolment.started_at, enrolment.length_days, [], now)


@pytest.fixture
def members(cohort) -> list[Enrolment]:
    return [
        enrol(cohort, "ada@mfa.example", "Ada"),
        # Joined three days late: keeps that offset when the cohort moves.
        enrol(cohort, "bob@mfa.example", "Bob", started_at=cohort.starts_at + 3 * DAY),
    ]


@pytest.mark.parametrize("days", [7, -5])
def test_new_start_moves_every_members_due_dates_by_the_same_days(cohort, members, trainer, days):
    now = timezone.now()
    before = {e.pk: (e.started_at, due(e, now)) for e in members}
    new_start = cohort.starts_on + days * DAY

    assert cohort_update_impact(cohort=cohort, starts_on=new_start, length_days=365) == 2
    moved = services.cohort_update(
        cohort=cohort,
        name="Spring cohort",
        starts_on=new_start,
        length_days=365,
        trainers=[trainer],
    )

    assert moved == 2
    cohort.refresh_from_db()
    assert cohort.starts_on == new_start
    for enrolment in Enrolment.objects.filter(cohort=cohort):
        started_at, due_before = before[enrolment.pk]
        assert enrolment.started_at == started_at + days * DAY
        assert due(enrolment, now) == {m: at + days * DAY for m, at in due_before.items()}


def test_new_length_sets_each_members_length_and_moves_the_due_dates(cohort, members, trainer):
    now = timezone.now()
    starts = {e.pk: e.started_at for e in members}

    moved = services.cohort_update(
        cohort=cohort, name="Short course", starts_on=cohort.starts_on, length_days=180, trainers=[]
    )

    assert moved == 2
    for enrolment in Enrolment.objects.filter(cohort=cohort):
        assert enrolment.length_days == 180
        assert enrolment.started_at == starts[enrolment.pk]
        assert due(enrolment, now)[timemodel.Milestone.ACTIVE] == starts[enrolment.pk] + 180 * DAY
    cohort.refresh_from_db()
    assert (cohort.name, cohort.length_days, list(cohort.trainers.all())) == (
        "Short course",
        180,
        [],
    )


def test_impact_is_counted_before_anything_changes_and_is_zero_without_a_date_change(
    cohort, members
):
    starts = sorted(Enrolment.objects.values_list("started_at", flat=True))

    assert cohort_update_impact(cohort=cohort, starts_on=cohort.starts_on + DAY, length_days=365)
    assert cohort_update_impact(cohort=cohort, starts_on=cohort.starts_on, length_days=200) == 2
    assert cohort_update_impact(cohort=cohort, starts_on=cohort.starts_on, length_days=365) == 0
    assert sorted(Enrolment.objects.values_list("started_at", flat=True)) == starts


def test_renaming_moves_no_date(cohort, members, trainer):
    starts = sorted(Enrolment.objects.values_list("started_at", flat=True))

    moved = services.cohort_update(
        cohort=cohort, name="Renamed", starts_on=cohort.starts_on, length_days=365, trainers=[]
    )

    assert moved == 0
    assert sorted(Enrolment.objects.values_list("started_at", flat=True)) == starts


def test_impact_announced_is_the_number_of_learners_moved(cohort, members, trainer):
    services.enrolment_withdraw(enrolment=members[1], by=trainer)
    new_start = cohort.starts_on + 7 * DAY

    announced = cohort_update_impact(cohort=cohort, starts_on=new_start, length_days=365)
    moved = services.cohort_update(
        cohort=cohort, name=cohort.name, starts_on=new_start, length_days=365, trainers=[trainer]
    )

    assert announced == moved


def edit_form(cohort, trainer, **changes) -> dict:
    return {
        "name": cohort.name,
        "organisation": cohort.organisation.pk,
        "starts_on": cohort.starts_on.isoformat(),
        "length_days": cohort.length_days,
        "trainers": [trainer.pk],
        **changes,
    }


def test_edit_page_asks_for_confirmation_before_moving_due_dates(client, cohort, members, trainer):
    client.force_login(trainer)
    url = reverse("progress:cohort_edit", args=[cohort.pk])
    new_start = cohort.starts_on + 14 * DAY
    starts = sorted(Enrolment.objects.values_list("started_at", flat=True))

    response = client.post(url, edit_form(cohort, trainer, starts_on=new_start.isoformat()))

    assert response.status_code == 200
    html = response.content.decode()
    assert "moves the due dates of 2 learners" in html
    assert 'name="confirm" value="yes"' in html
    cohort.refresh_from_db()
    assert cohort.starts_on == new_start - 14 * DAY
    assert sorted(Enrolment.objects.values_list("started_at", flat=True)) == starts

    response = client.post(
        url, edit_form(cohort, trainer, starts_on=new_start.isoformat(), confirm="yes")
    )

    assert response.status_code == 302
    assert response.url == cohort.get_absolute_url()
    cohort.refresh_from_db()
    assert cohort.starts_on == new_start
    assert sorted(Enrolment.objects.values_list("started_at", flat=True)) == [
        start + 14 * DAY for start in starts
    ]
    page = client.get(response.url).content.decode()
    assert "The due dates of 2 learners moved." in page


def test_edit_page_saves_a_new_name_without_asking(client, cohort, members, trainer):
    client.force_login(trainer)

    response = client.post(
        reverse("progress:cohort_edit", args=[cohort.pk]), edit_form(cohort, trainer, name="New")
    )

    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.name == "New"


def test_a_cohort_refuses_a_trainer_from_another_organisation(
    client, staff, organisation, outsider, trainer
):
    client.force_login(staff)
    response = client.post(
        reverse("progress:cohort_create"),
        {
            "name": "Mixed",
            "organisation": organisation.pk,
            "starts_on": timezone.now().date().isoformat(),
            "length_days": "365",
            "trainers": [trainer.pk, outsider.pk],
        },
    )

    assert "Every trainer must belong to the cohort&#x27;s organisation." in (
        response.content.decode()
    )
    assert not Cohort.objects.filter(name="Mixed").exists()

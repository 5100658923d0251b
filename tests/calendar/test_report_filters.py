"""The report's "started from / until" filters take whole days of the
viewer's calendar: both boundary days are included, from their first moment
to their last, across month ends, leap days and daylight-saving changes."""

import calendar
import datetime

import pytest
from django.utils import timezone

from ediplomacy.lib.periods import at_local_time, local_date, month_start
from progress.models import Enrolment
from reports.forms import ReportFilterForm
from reports.selectors import Filters
from tests.calendar.days import DAY_PARAMS, ZONES, zone
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MIDNIGHT = datetime.time(0)
SECOND = datetime.timedelta(seconds=1)
ONE_DAY = datetime.timedelta(days=1)


def started(programme, moments: dict[str, datetime.datetime]) -> None:
    for label, moment in moments.items():
        Enrolment.objects.create(
            user=UserFactory(email=f"{label}@mfa.example"), programme=programme, started_at=moment
        )


def chosen(place, **dates) -> set[str]:
    form = ReportFilterForm(
        {key: value.isoformat() for key, value in dates.items()}, organisations=[], cohorts=[]
    )
    assert form.is_valid(), form.errors
    filters = Filters(**{key: form.cleaned_data[key] for key in dates})
    # The report is read in the viewer's own zone, as the middleware sets it.
    with timezone.override(place):
        found = filters.apply(Enrolment.objects.all())
        return {email.split("@")[0] for email in found.values_list("user__email", flat=True)}


@pytest.mark.parametrize("today", DAY_PARAMS)
@pytest.mark.parametrize("name", ZONES)
def test_a_one_day_range_holds_that_whole_local_day(programme, today, name):
    place = zone(name)
    day = local_date(today, place)
    first = at_local_time(day, MIDNIGHT, place)
    following = at_local_time(day + ONE_DAY, MIDNIGHT, place)
    started(
        programme,
        {
            "eve": first - SECOND,
            "first": first,
            "last": following - SECOND,
            "next": following,
        },
    )

    assert chosen(place, started_from=day, started_to=day) == {"first", "last"}
    assert chosen(place, started_from=day) == {"first", "last", "next"}
    assert chosen(place, started_to=day) == {"eve", "first", "last"}


@pytest.mark.parametrize("today", DAY_PARAMS)
@pytest.mark.parametrize("name", ZONES)
def test_a_calendar_month_range_ends_on_its_last_day(programme, today, name):
    place = zone(name)
    day = local_date(today, place)
    first_day = month_start(day)
    last_day = first_day.replace(day=calendar.monthrange(day.year, day.month)[1])
    month_starts = at_local_time(first_day, MIDNIGHT, place)
    month_ends = at_local_time(last_day + ONE_DAY, MIDNIGHT, place)
    started(
        programme,
        {
            "before": month_starts - SECOND,
            "first": month_starts,
            "today": today,
            "last": month_ends - SECOND,
            "after": month_ends,
        },
    )

    assert chosen(place, started_from=first_day, started_to=last_day) == {
        "first",
        "today",
        "last",
    }

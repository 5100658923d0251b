import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from sandbox.models import LiveRun, Run

pytestmark = pytest.mark.django_db


def test_the_demo_cohort_gets_a_live_scenario_with_answers_to_compare(client, settings, scenarios):
    settings.DEBUG = True  # the demo commands refuse to run without it
    call_command("seed_demo", stdout=io.StringIO())

    call_command("seed_sandbox_demo", stdout=io.StringIO())
    call_command("seed_sandbox_demo", stdout=io.StringIO())  # again: nothing doubles

    live = LiveRun.objects.get()
    assert Run.objects.filter(live=live).count() == 3
    trainer = live.cohort.trainers.first()
    client.force_login(trainer)
    board = client.get(reverse("sandbox:live", args=[live.pk])).context["board"]
    ana = next(row for row in board.rows if row.event.slug == "ana-question")
    assert sum(response is not None for response in ana.responses) == 3

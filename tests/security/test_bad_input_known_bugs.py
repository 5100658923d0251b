"""Inputs that once hit bugs, each left out of the generated input of
test_bad_input.py: the expected behaviour, one test each."""

import pytest

from progress.models import Pause
from tests.security.bad_input import send

pytestmark = pytest.mark.django_db


# Known bugs: each test states the expected behaviour and fails today only in
# the way the reason says (`raises`), so a broken test cannot pass for a bug.


@pytest.mark.parametrize("world", ["people"], indirect=True)
@pytest.mark.parametrize("member", ["abc", "", "²"])
def test_people_action_on_a_member_that_is_not_a_number_is_a_404(member, world):
    outcome = send(world, {"action": "role", "member": member, "role": "trainer"})

    assert outcome.status == 404
    assert not outcome.written and not outcome.changed


@pytest.mark.parametrize("world", ["pause"], indirect=True)
def test_pausing_with_a_nul_in_the_reason_is_refused_or_cleaned(world):
    outcome = send(
        world,
        {"reason": "on\x00leave"},
        probe=lambda: list(Pause.objects.values_list("reason", flat=True)),
    )

    assert outcome.status < 500
    assert all("\x00" not in reason for reason in outcome.probed)


@pytest.mark.parametrize("world", ["add learners, pasted"], indirect=True)
def test_learner_address_longer_than_the_column_is_reported_as_a_bad_row(world):
    outcome = send(world, {"emails": "a" * 250 + "@mfa.example"})

    assert outcome.status == 400
    assert not outcome.written


@pytest.mark.parametrize("world", ["add learners, CSV"], indirect=True)
def test_csv_with_a_cell_over_the_field_limit_is_reported_as_a_problem(world):
    outcome = send(world, {"csv_file": b"new@mfa.example," + b"x" * 140_000 + b"\n"})

    assert outcome.status == 400
    assert not outcome.written


@pytest.mark.parametrize("world", ["cohort edit"], indirect=True)
def test_cohort_start_date_too_late_for_its_due_dates_is_a_form_error(world):
    values = {**world.endpoint.valid(world), "starts_on": "9999-12-31"}

    outcome = send(world, values)

    assert outcome.status in (200, 400)
    assert not outcome.written and not outcome.changed


@pytest.mark.parametrize("world", ["learner actions"], indirect=True)
@pytest.mark.parametrize("reason", ["x" * 301, "on\x00leave"])
def test_trainer_pause_with_a_reason_the_form_refuses_is_not_dropped_silently(reason, world):
    outcome = send(
        world,
        {"action": "pause", "reason": reason},
        probe=lambda: list(Pause.objects.values_list("reason", flat=True)),
    )

    # Either refused, pausing nobody, or paused with the reason kept (cut to 300
    # characters, as the learner's own pause does).
    assert outcome.probed == [] or outcome.probed[0] in (reason[:300], "onleave")


@pytest.mark.parametrize("world", ["cohort create"], indirect=True)
def test_cohort_form_with_a_trainer_id_beyond_64_bits_is_a_form_error(world):
    outcome = send(world, {**world.endpoint.valid(world), "trainers": ["9" * 25]})

    assert outcome.status == 200
    assert b"Select a valid choice" in outcome.body
    assert not outcome.written

"""Drawing an attempt's paper and the retake policy: pure functions, no database."""

import random
from datetime import UTC, datetime, timedelta

from curriculum.grading import (
    RetakePolicy,
    RetakeState,
    clean_answers,
    grade,
    paper_draw,
    retakes,
)


def bank(size: int) -> list[dict]:
    return [
        {
            "slug": f"question-{number}",
            "prompt": f"Question {number}?",
            "multiple": False,
            "choices": [
                {"text": f"Option {letter}", "correct": letter == "b", "feedback": letter}
                for letter in "abcd"
            ],
        }
        for number in range(size)
    ]


def orders(paper: list[dict]) -> list[tuple[str, list[int]]]:
    return [(q["slug"], [c["key"] for c in q["choices"]]) for q in paper]


def test_a_seeded_draw_is_repeatable_and_two_draws_differ():
    rng = random.Random(16)
    first, second = paper_draw(bank(5), draw=None, rng=rng), paper_draw(bank(5), draw=None, rng=rng)

    assert orders(first) != orders(second)
    assert orders(first) == orders(paper_draw(bank(5), draw=None, rng=random.Random(16)))


def test_a_paper_keeps_every_choice_once_with_its_content():
    paper = paper_draw(bank(3), draw=None, rng=random.Random(3))

    for question in paper:
        assert sorted(c["key"] for c in question["choices"]) == [0, 1, 2, 3]
        for choice in question["choices"]:
            assert choice["text"] == f"Option {'abcd'[choice['key']]}"
            assert choice["correct"] == (choice["key"] == 1)


def test_a_bank_draw_takes_that_many_questions_of_the_quiz_in_content_order():
    rng = random.Random(7)
    draws = [paper_draw(bank(10), draw=4, rng=rng) for _ in range(2)]

    slugs = [[q["slug"] for q in paper] for paper in draws]
    assert all(len(found) == 4 for found in slugs)
    assert slugs[0] != slugs[1]
    for found in slugs:
        assert set(found) <= {f"question-{n}" for n in range(10)}
        assert found == sorted(found, key=lambda slug: int(slug.split("-")[1]))


def test_a_draw_larger_than_the_bank_shows_the_whole_bank():
    assert len(paper_draw(bank(3), draw=9, rng=random.Random(1))) == 3


def test_positions_posted_are_graded_by_the_options_shown_there():
    paper = paper_draw(bank(2), draw=None, rng=random.Random(5))
    right = [next(p for p, c in enumerate(q["choices"]) if c["correct"]) for q in paper]
    # Position 1 is the content's correct option only when the shuffle left it there.
    posted = {"0": [str(right[0])], "1": ["1"]}

    answers = clean_answers(paper, posted)
    result = grade(paper, answers, pass_mark=50)

    assert answers["0"] == [1]  # recorded by option: the content's option b
    assert result.questions[0].correct
    assert result.questions[1].correct == (paper[1]["choices"][1]["key"] == 1)


START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = RetakePolicy(max_attempts=3, cooldown_hours=12, self_paced_wait_hours=72)


def standing(attempts, grants=(), *, trainer=True, now):
    return retakes(POLICY, attempted_at=attempts, granted_at=grants, has_trainer=trainer, now=now)


def test_a_first_attempt_is_open():
    first = standing([], now=START)
    assert (first.state, first.used, first.allowed) == (RetakeState.OPEN, 0, 3)


def test_the_next_attempt_waits_for_the_cooldown():
    waiting = standing([START], now=START + timedelta(hours=11, minutes=59))
    assert (waiting.state, waiting.next_at) == (RetakeState.COOLDOWN, START + timedelta(hours=12))
    assert standing([START], now=START + timedelta(hours=12)).can_start


def test_with_a_trainer_the_cap_holds_until_a_grant():
    attempts = [START, START + timedelta(days=1), START + timedelta(days=2)]
    later = START + timedelta(days=30)

    used_up = standing(attempts, now=later)
    granted = standing(attempts, [START + timedelta(days=2, hours=1)], now=later)

    assert (used_up.state, used_up.next_at) == (RetakeState.USED_UP, None)
    assert (granted.state, granted.allowed, granted.left) == (RetakeState.OPEN, 4, 1)


def test_a_grant_after_the_last_attempt_lifts_its_cooldown():
    grant = START + timedelta(hours=1)
    assert standing([START], [grant], now=grant + timedelta(minutes=1)).can_start


def test_without_a_trainer_one_more_attempt_opens_after_the_long_wait():
    attempts = [START, START + timedelta(days=1), START + timedelta(days=2)]
    last = attempts[-1]

    waiting = standing(attempts, trainer=False, now=last + timedelta(hours=71))
    opened = standing(attempts, trainer=False, now=last + timedelta(hours=72))

    assert (waiting.state, waiting.next_at) == (RetakeState.USED_UP, last + timedelta(hours=72))
    assert (opened.state, opened.left) == (RetakeState.OPEN, 1)

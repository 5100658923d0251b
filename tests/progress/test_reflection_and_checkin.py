"""Reflections complete on enough words; following check-ins on the first count
recorded.

Activities are looked up in the shipped programme by stage and kind, not by slug,
so that content edits do not break these tests.
"""

import pytest

from progress import services
from progress.models import Completion, FollowingCheckin, Reflection
from tests.progress.study import Kind, completed, live, local_today, words

pytestmark = pytest.mark.django_db


# Reflection


@pytest.fixture
def reflection():
    return live("orientation", Kind.REFLECTION)


def test_reflection_shorter_than_the_minimum_is_refused_with_the_word_counts(enrolment, reflection):
    with pytest.raises(services.StudyError) as refused:
        services.reflection_save(enrolment=enrolment, activity=reflection, text="Too short, sorry")

    assert str(refused.value) == f"Write at least {reflection.min_words} words; you have 3."
    assert not Reflection.objects.filter(enrolment=enrolment).exists()
    assert not completed(enrolment, reflection)


def test_reflection_of_enough_words_completes(enrolment, reflection):
    saved = services.reflection_save(
        enrolment=enrolment, activity=reflection, text=words(reflection.min_words)
    )

    assert saved.text == words(reflection.min_words)
    assert completed(enrolment, reflection)


def test_saving_a_reflection_again_edits_it(enrolment, reflection):
    first = services.reflection_save(
        enrolment=enrolment, activity=reflection, text=words(reflection.min_words)
    )
    second = services.reflection_save(
        enrolment=enrolment, activity=reflection, text="Revised " + words(reflection.min_words)
    )

    assert second.pk == first.pk
    assert Reflection.objects.get(enrolment=enrolment).text.startswith("Revised ")
    assert Completion.objects.filter(enrolment=enrolment, activity=reflection).count() == 1


# Following check-in


@pytest.fixture
def checkin():
    return live("communicate", Kind.CHECKIN)


def test_first_checkin_completes_the_activity(enrolment, checkin):
    recorded = services.checkin_record(
        enrolment=enrolment, activity=checkin, followers=120, account="@envoy"
    )

    assert (recorded.followers, recorded.account) == (120, "@envoy")
    assert recorded.recorded_on == local_today(enrolment)
    assert completed(enrolment, checkin)


def test_second_checkin_the_same_day_replaces_the_first(enrolment, checkin):
    services.checkin_record(enrolment=enrolment, activity=checkin, followers=120, account="@a")
    services.checkin_record(enrolment=enrolment, activity=checkin, followers=150, account="@b")

    row = FollowingCheckin.objects.get(enrolment=enrolment)
    assert (row.followers, row.account) == (150, "@b")
    assert Completion.objects.filter(enrolment=enrolment, activity=checkin).count() == 1


def test_negative_follower_count_is_refused(enrolment, checkin):
    with pytest.raises(services.StudyError, match="cannot be negative"):
        services.checkin_record(enrolment=enrolment, activity=checkin, followers=-1, account="")

    assert not FollowingCheckin.objects.filter(enrolment=enrolment).exists()
    assert not completed(enrolment, checkin)


def test_a_reflection_written_in_chinese_is_counted_by_its_characters(enrolment, reflection):
    # Chinese has no spaces between words: counted by spaces, this was one word.
    text = "我每天早上在固定时间查看我的倾听清单，并把重要的内容记录下来。" * 3  # noqa: RUF001

    saved = services.reflection_save(enrolment=enrolment, activity=reflection, text=text)

    assert reflection.min_words <= 84
    assert saved.text == text
    assert completed(enrolment, reflection)

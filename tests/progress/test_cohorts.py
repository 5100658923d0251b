"""Cohorts as a trainer runs them: checking a list of learners, adding them
(directly or by invitation), withdrawing and restoring without losing work,
moving the cohort's dates, the cohort page, and reviewing practice work."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.models import Membership, User
from competences.models import Competence, Standing
from curriculum.models import Activity
from progress import services, timemodel
from progress.models import (
    Cohort,
    Completion,
    Enrolment,
    FollowingCheckin,
    HistoryEvent,
    Invitation,
    ListeningEntry,
    MilestoneAchievement,
    Pause,
    Submission,
)
from progress.services.cohorts import cohort_update_impact
from progress.tasks import INVITATION_SALT
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import race

pytestmark = pytest.mark.django_db

Kind = Activity.Kind
DAY = datetime.timedelta(days=1)


# World


@pytest.fixture
def cohort(organisation, programme, trainer):
    return services.cohort_create(
        organisation=organisation,
        programme=programme,
        name="Spring cohort",
        starts_on=timezone.now().date() - 10 * DAY,
        length_days=365,
        trainers=[trainer],
    )


def member(cohort, email: str, name: str = "", **enrolment) -> Enrolment:
    """A trainee of the cohort's organisation, enrolled in it."""
    user = UserFactory(email=email, display_name=name or email.split("@")[0].title())
    MembershipFactory(user=user, organisation=cohort.organisation, role=Membership.Role.TRAINEE)
    enrolment.setdefault("started_at", cohort.starts_at)
    enrolment.setdefault("length_days", cohort.length_days)
    return services.enrolment_create(
        user=user, programme=cohort.programme, cohort=cohort, **enrolment
    )


def live(**filters) -> list[Activity]:
    return list(Activity.objects.live().filter(**filters).select_related("module__stage"))


def practice() -> Activity:
    return live(kind=Kind.PRACTICE)[0]


def problems_of(problems) -> list[tuple[int, str, str]]:
    return [(problem.line, problem.value, problem.reason) for problem in problems]


def parse_text(cohort, text: str):
    return services.learner_rows_parse(cohort=cohort, text=text)


def parse_csv(cohort, content: str | bytes):
    data = content.encode() if isinstance(content, str) else content
    return services.learner_rows_parse(cohort=cohort, csv_bytes=data)


def add(cohort, by, text: str) -> services.cohorts.AddResult:
    """Checks a pasted list as the page does, then adds it."""
    rows, problems = parse_text(cohort, text)
    assert not problems, problems
    return services.cohort_add_learners(cohort=cohort, rows=rows, by=by)


# Checking a list: one reason per bad row, each with its line


def test_malformed_address_is_reported_with_its_line(cohort):
    rows, problems = parse_csv(cohort, "ada@mfa.example,Ada\nnot-an-address,Bob\n")

    assert [row.email for row in rows] == ["ada@mfa.example"]
    assert problems_of(problems) == [(2, "not-an-address", "is not a valid e-mail address")]


def test_duplicate_points_to_the_first_line_whatever_the_case(cohort):
    rows, problems = parse_text(cohort, "ada@mfa.example\nbob@mfa.example\nADA@mfa.example")

    assert [row.email for row in rows] == ["ada@mfa.example", "bob@mfa.example"]
    assert problems_of(problems) == [(3, "ADA@mfa.example", "is a duplicate of line 1")]


def test_learner_already_in_the_cohort_is_reported(cohort):
    member(cohort, "ada@mfa.example")

    rows, problems = parse_text(cohort, "ada@mfa.example")

    assert rows == []
    assert problems_of(problems) == [(1, "ada@mfa.example", "is already in this cohort")]


def test_address_with_a_pending_invitation_is_reported(cohort, trainer):
    add(cohort, trainer, "invitee@mfa.example")

    rows, problems = parse_text(cohort, "Invitee@mfa.example")

    assert rows == []
    assert problems_of(problems) == [
        (1, "invitee@mfa.example", "already has a pending invitation to this cohort")
    ]


def test_someone_from_another_organisation_is_accepted_like_any_address(cohort, outsider):
    # Whether an address has an account, or belongs elsewhere, is never said:
    # the row is invited like a new address.
    rows, problems = parse_text(cohort, outsider.email)

    assert [row.email for row in rows] == [outsider.email]
    assert problems == []


def test_learner_open_in_another_cohort_is_reported_with_its_name(cohort, organisation, trainer):
    other = services.cohort_create(
        organisation=organisation,
        programme=cohort.programme,
        name="Autumn cohort",
        starts_on=cohort.starts_on,
        length_days=365,
        trainers=[trainer],
    )
    member(other, "ada@mfa.example")

    _, problems = parse_text(cohort, "ada@mfa.example")

    assert problems_of(problems) == [
        (1, "ada@mfa.example", "is already in the cohort “Autumn cohort”")
    ]


def test_unknown_language_is_reported_with_the_languages_offered(cohort):
    rows, problems = parse_csv(cohort, "ada@mfa.example,Ada,de\nbob@mfa.example,Bob,FR\n")

    assert [(row.email, row.language) for row in rows] == [("bob@mfa.example", "fr")]
    assert problems_of(problems) == [(1, "de", "is not a language we offer (en, fr, es)")]


def test_row_with_more_than_three_columns_is_reported(cohort):
    _, problems = parse_csv(cohort, "ada@mfa.example,Ada,en,Rome\n")

    assert problems_of(problems) == [(1, "ada@mfa.example", "has more than three columns")]


def test_file_that_is_not_utf8_is_refused_as_a_whole(cohort):
    rows, problems = parse_csv(cohort, "josé@mfa.example,José Martí\n".encode("latin-1"))

    assert rows == []
    assert len(problems) == 1
    assert problems[0].line == 0
    assert "not UTF-8" in problems[0].reason


def test_file_larger_than_the_limit_is_refused_as_a_whole(cohort, settings):
    settings.LEARNER_CSV_MAX_BYTES = 2000
    content = "".join(f"learner{n:03}@mfa.example\n" for n in range(100))
    assert len(content.encode()) > 2000

    rows, problems = parse_csv(cohort, content)

    assert rows == []
    assert problems_of(problems) == [(0, "", "the file is larger than 2 kB")]


def test_more_rows_than_allowed_at_once_are_refused(cohort):
    text = "\n".join(f"learner{n}@mfa.example" for n in range(services.cohorts.MAX_ROWS + 1))

    rows, problems = parse_text(cohort, text)

    assert rows == []
    assert [problem.line for problem in problems] == [0]
    assert "split the list" in problems[0].reason


def test_header_row_is_skipped_and_lines_keep_their_numbers(cohort):
    rows, problems = parse_csv(
        cohort, "Email,Display name,Language\nada@mfa.example,Ada Lovelace,fr\nnope,,\n"
    )

    assert [(row.line, row.email, row.display_name, row.language) for row in rows] == [
        (2, "ada@mfa.example", "Ada Lovelace", "fr")
    ]
    assert [problem.line for problem in problems] == [3]


def test_byte_order_mark_from_excel_is_handled(cohort):
    content = "\ufeffemail,name\nada@mfa.example,Ada\n".encode()
    rows, problems = parse_csv(cohort, content)
    assert (problems, [row.email for row in rows]) == ([], ["ada@mfa.example"])

    content = "\ufeffada@mfa.example,Ada\nbob@mfa.example,Bob\n".encode()
    rows, problems = parse_csv(cohort, content)
    assert (problems, [row.email for row in rows]) == ([], ["ada@mfa.example", "bob@mfa.example"])


def test_semicolon_separated_csv_is_read(cohort):
    rows, problems = parse_csv(cohort, "ada@mfa.example;Ada Lovelace;fr\nbob@mfa.example;Bob;es\n")

    assert problems == []
    assert [(row.email, row.display_name, row.language) for row in rows] == [
        ("ada@mfa.example", "Ada Lovelace", "fr"),
        ("bob@mfa.example", "Bob", "es"),
    ]


def test_blank_lines_are_skipped(cohort):
    rows, problems = parse_csv(cohort, "ada@mfa.example,Ada\n\n , \nbob@mfa.example,Bob\nnope\n")

    assert [(row.line, row.email) for row in rows] == [
        (1, "ada@mfa.example"),
        (4, "bob@mfa.example"),
    ]
    assert [problem.line for problem in problems] == [5]


def test_every_bad_row_is_reported_at_once_in_line_order(cohort, outsider):
    member(cohort, "member@mfa.example")
    content = "\n".join(
        [
            "email,name,language",
            "ok@mfa.example,Ok,en",
            "broken-address,Broken,en",
            "member@mfa.example,Member,en",
            f"{outsider.email},Outsider,",
            "ok@mfa.example,Ok again,",
            "lang@mfa.example,Lang,xx",
            "wide@mfa.example,Wide,en,extra",
            "fine@mfa.example,,",
        ]
    )

    rows, problems = parse_csv(cohort, content)

    assert [row.email for row in rows] == ["ok@mfa.example", outsider.email, "fine@mfa.example"]
    assert [(problem.line, problem.reason.split(" (")[0]) for problem in problems] == [
        (3, "is not a valid e-mail address"),
        (4, "is already in this cohort"),
        (6, "is a duplicate of line 2"),
        (7, "is not a language we offer"),
        (8, "has more than three columns"),
    ]
    assert str(problems[0]) == "Line 3: broken-address: is not a valid e-mail address"


def test_pasted_addresses_may_be_separated_by_commas_spaces_semicolons_and_lines(cohort):
    text = (
        " ada@mfa.example, bob@mfa.example  cleo@mfa.example\n"
        "\n"
        "\tdan@mfa.example;eve@mfa.example,\n"
    )

    rows, problems = parse_text(cohort, text)

    assert problems == []
    assert [(row.line, row.email) for row in rows] == [
        (1, "ada@mfa.example"),
        (1, "bob@mfa.example"),
        (1, "cleo@mfa.example"),
        (3, "dan@mfa.example"),
        (3, "eve@mfa.example"),
    ]


def _rows_for_query_count(cohort, count: int, prefix: str) -> str:
    """`count` addresses: half existing accounts (some enrolled, some in other
    organisations), a fifth already invited, the rest unknown."""
    now = timezone.now()
    users = User.objects.bulk_create(
        User(email=f"{prefix}{n}@mfa.example", display_name=f"{prefix} {n}", password="!")
        for n in range(count // 2)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=cohort.organisation) for user in users
    )
    Enrolment.objects.bulk_create(
        Enrolment(user=user, programme=cohort.programme, started_at=now) for user in users[::2]
    )
    Invitation.objects.bulk_create(
        Invitation(cohort=cohort, email=f"{prefix}{n}@mfa.example", created_at=now, sent_at=now)
        for n in range(count // 2, count // 2 + count // 5)
    )
    return "\n".join(f"{prefix}{n}@mfa.example" for n in range(count))


def test_checking_a_list_runs_the_same_queries_for_5_and_200_rows(cohort):
    small = _rows_for_query_count(cohort, 5, "small")
    large = _rows_for_query_count(cohort, 200, "large")

    # 1 the organisation's members with these addresses, 2 their open
    # enrolments in the organisation's cohorts, 3 the cohort's pending invitations.
    with CaptureQueriesContext(connection) as five:
        _, problems = parse_text(cohort, small)
    assert len(problems) == 1
    with CaptureQueriesContext(connection) as two_hundred:
        _, problems = parse_text(cohort, large)
    assert len(problems) == 40

    assert len(five) == len(two_hundred) == 3, [q["sql"] for q in two_hundred.captured_queries]


# Adding learners


def test_existing_account_outside_the_organisation_is_invited_not_enrolled(cohort, trainer):
    user = UserFactory(email="ada@mfa.example")

    result = add(cohort, trainer, "ada@mfa.example")

    assert (result.enrolled, result.restored) == ([], [])
    assert [invitation.email for invitation in result.invited] == [user.email]
    assert not Enrolment.objects.exists()
    assert not Membership.objects.filter(user=user).exists()


def test_member_of_the_organisation_is_enrolled_at_once_on_the_cohorts_dates(cohort, trainer):
    user = UserFactory(email="ada@mfa.example")
    MembershipFactory(user=user, organisation=cohort.organisation, role=Membership.Role.TRAINEE)

    result = add(cohort, trainer, "ada@mfa.example")

    assert result.enrolled == [user]
    assert (result.invited, result.restored) == ([], [])
    enrolment = Enrolment.objects.get(user=user)
    assert enrolment.cohort == cohort
    assert enrolment.started_at == cohort.starts_at
    assert enrolment.length_days == cohort.length_days
    assert enrolment.status == Enrolment.Status.ACTIVE
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (
        cohort.organisation,
        Membership.Role.TRAINEE,
    )
    assert not Invitation.objects.exists()


def test_unknown_address_gets_an_invitation_and_one_email_with_its_link(
    cohort, trainer, eager_celery, django_capture_on_commit_callbacks, mailoutbox, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        result = add(cohort, trainer, "newcomer@mfa.example")

    invitation = Invitation.objects.get()
    assert result.invited == [invitation]
    assert (invitation.cohort, invitation.email, invitation.status) == (
        cohort,
        "newcomer@mfa.example",
        Invitation.Status.PENDING,
    )
    assert not Enrolment.objects.exists()
    assert not User.objects.filter(email="newcomer@mfa.example").exists()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["newcomer@mfa.example"]
    link = re.search(r"https?://\S+/invitations/[^/\s]+/", mail.body).group(0)
    assert link.startswith(settings.SITE_URL)
    assert link in mail.alternatives[0][0]
    match = resolve(urlsplit(link).path)
    assert match.view_name == "progress:invitation"
    assert signing.loads(match.kwargs["token"], salt=INVITATION_SALT) == invitation.pk


def test_invitation_email_goes_out_only_once_the_transaction_commits(
    cohort, trainer, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        add(cohort, trainer, "newcomer@mfa.example")
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_nothing_is_added_when_any_row_is_bad(cohort, trainer):
    UserFactory(email="ada@mfa.example")
    rows, _ = parse_text(cohort, "ada@mfa.example newcomer@mfa.example")
    rows.append(services.LearnerRow(2, "not-an-address"))

    with pytest.raises(services.CohortError, match="is not a valid e-mail address"):
        services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)

    assert not Enrolment.objects.exists()
    assert not Invitation.objects.exists()
    assert not Membership.objects.filter(organisation=cohort.organisation, role="trainee").exists()


def test_list_checked_earlier_is_checked_again_when_added(cohort, trainer, programme):
    rows, problems = parse_text(cohort, "ada@mfa.example")
    assert not problems
    # Meanwhile another trainer of the ministry puts Ada in their own cohort.
    autumn = services.cohort_create(
        organisation=cohort.organisation,
        programme=programme,
        name="Autumn cohort",
        starts_on=cohort.starts_on,
        length_days=365,
        trainers=[trainer],
    )
    member(autumn, "ada@mfa.example")

    with pytest.raises(services.CohortError, match="is already in the cohort “Autumn cohort”"):
        services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)
    assert not Enrolment.objects.filter(cohort=cohort).exists()


def test_self_paced_learner_is_invited_and_their_work_stays_theirs_until_they_accept(
    cohort, trainer, self_paced
):
    enrolment = services.enrolment_create(
        user=self_paced, programme=cohort.programme, started_at=timezone.now() - 40 * DAY
    )
    for reading in live(module__stage__slug="orientation", kind=Kind.READING)[:3]:
        services.reading_mark_read(enrolment=enrolment, activity=reading)

    result = add(cohort, trainer, self_paced.email)

    assert (result.enrolled, [i.email for i in result.invited]) == ([], [self_paced.email])
    enrolment.refresh_from_db()
    assert (enrolment.cohort, enrolment.status) == (None, Enrolment.Status.ACTIVE)
    assert not Membership.objects.filter(user=self_paced).exists()


@pytest.mark.parametrize("bring_work", [True, False], ids=["brings-work", "starts-afresh"])
def test_self_paced_learner_who_accepts_starts_a_new_enrolment_bringing_work_only_by_choice(
    cohort, trainer, self_paced, bring_work
):
    enrolment = services.enrolment_create(
        user=self_paced, programme=cohort.programme, started_at=timezone.now() - 40 * DAY
    )
    for reading in live(module__stage__slug="orientation", kind=Kind.READING)[:3]:
        services.reading_mark_read(enrolment=enrolment, activity=reading)
    invitation = add(cohort, trainer, self_paced.email).invited[0]

    joined = services.invitation_accept(
        invitation=invitation, user=self_paced, bring_work=bring_work
    )

    assert joined.pk != enrolment.pk
    assert joined.cohort == cohort
    assert (joined.started_at, joined.length_days) == (cohort.starts_at, cohort.length_days)
    assert joined.completions.count() == (3 if bring_work else 0)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert enrolment.completions.count() == 3
    assert Membership.objects.get(user=self_paced).role == Membership.Role.TRAINEE


def test_archived_cohort_refuses_new_learners(cohort, trainer):
    UserFactory(email="ada@mfa.example")
    rows, _ = parse_text(cohort, "ada@mfa.example newcomer@mfa.example")
    services.cohort_archive(cohort=cohort)
    cohort.refresh_from_db()

    with pytest.raises(services.CohortError, match="archived"):
        services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)

    assert not Enrolment.objects.exists()
    assert not Invitation.objects.exists()


def test_name_with_a_comma_from_a_quoted_csv_cell_is_added(cohort, trainer):
    rows, problems = parse_csv(cohort, 'ada@mfa.example,"Lovelace, Ada",en\n')
    assert problems == []

    result = services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)

    assert [i.display_name for i in result.invited] == ["Lovelace, Ada"]


def test_pasted_list_accepted_by_the_check_is_not_refused_by_the_upload_size_limit(
    cohort, trainer, settings
):
    settings.LEARNER_CSV_MAX_BYTES = 1024
    text = " ".join(f"learner{n:02}@mfa.example" for n in range(60))
    rows, problems = parse_text(cohort, text)
    assert (len(rows), problems) == (60, [])

    result = services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)

    assert len(result.invited) == 60


def test_member_stored_with_capitals_is_enrolled_not_invited(cohort, trainer):
    user = UserFactory(email="Ada@MFA.example")
    MembershipFactory(user=user, organisation=cohort.organisation, role=Membership.Role.TRAINEE)

    result = add(cohort, trainer, "ada@mfa.example")

    assert result.enrolled == [user]
    assert not Invitation.objects.exists()


# Withdrawing and restoring without losing work


@pytest.fixture
def worker(cohort) -> Enrolment:
    """A cohort member with a completion, a submission, a listening entry and history."""
    enrolment = member(cohort, "ada@mfa.example", "Ada")
    reading = live(module__stage__slug="orientation", kind=Kind.READING)[0]
    services.reading_mark_read(enrolment=enrolment, activity=reading)
    services.practice_submit(enrolment=enrolment, activity=practice(), text="My list", link="")
    services.listening_entry_save(
        enrolment=enrolment,
        activity=live(kind=Kind.LISTENING_LOG)[0],
        followed="Feeds",
        learned="Context",
    )
    return enrolment


def work_of(enrolment: Enrolment) -> dict[str, list]:
    return {
        "completions": list(enrolment.completions.values_list("pk", flat=True)),
        "submissions": list(Submission.objects.filter(enrolment=enrolment).values_list("pk")),
        "entries": list(ListeningEntry.objects.filter(enrolment=enrolment).values_list("pk")),
        "history": list(
            enrolment.history.exclude(
                kind__in=[HistoryEvent.Kind.WITHDRAWN, HistoryEvent.Kind.RESTORED]
            ).values_list("pk", flat=True)
        ),
    }


def test_withdrawal_keeps_every_piece_of_work(worker, trainer):
    before = work_of(worker)
    assert all(before.values())

    services.enrolment_withdraw(enrolment=worker, by=trainer)

    worker.refresh_from_db()
    assert worker.status == Enrolment.Status.WITHDRAWN
    assert work_of(worker) == before
    assert worker.history.filter(kind=HistoryEvent.Kind.WITHDRAWN).count() == 1


def test_withdrawn_learner_cannot_study(worker, trainer):
    services.enrolment_withdraw(enrolment=worker, by=trainer)
    reading = live(module__stage__slug="orientation", kind=Kind.READING)[1]

    with pytest.raises(services.StudyError, match="withdrawn"):
        services.reading_mark_read(enrolment=worker, activity=reading)
    assert not Completion.objects.filter(enrolment=worker, activity=reading).exists()


def test_withdrawing_twice_is_refused(worker, trainer):
    services.enrolment_withdraw(enrolment=worker, by=trainer)
    with pytest.raises(services.CohortError, match="already withdrawn"):
        services.enrolment_withdraw(enrolment=worker, by=trainer)


def test_adding_a_withdrawn_learner_again_restores_the_same_enrolment_with_all_work(
    worker, cohort, trainer
):
    before = work_of(worker)
    services.enrolment_withdraw(enrolment=worker, by=trainer)

    rows, problems = parse_text(cohort, worker.user.email)
    assert problems == [], "a withdrawn learner is not 'already in this cohort'"
    result = services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)

    assert result.restored == [worker.user]
    restored = Enrolment.objects.get(user=worker.user)
    assert restored.pk == worker.pk
    assert restored.status == Enrolment.Status.ACTIVE
    assert work_of(restored) == before
    assert restored.history.filter(kind=HistoryEvent.Kind.RESTORED).count() == 1
    assert Enrolment.objects.count() == 1


def test_restoring_gives_back_the_same_enrolment_and_study_resumes(worker, trainer):
    before = work_of(worker)
    services.enrolment_withdraw(enrolment=worker, by=trainer)

    services.enrolment_restore(enrolment=worker, by=trainer)

    worker.refresh_from_db()
    assert worker.status == Enrolment.Status.ACTIVE
    assert work_of(worker) == before
    reading = live(module__stage__slug="orientation", kind=Kind.READING)[1]
    assert services.reading_mark_read(enrolment=worker, activity=reading)


def test_restoring_a_learner_withdrawn_during_a_pause_leaves_them_paused(worker, trainer):
    services.enrolment_pause(enrolment=worker, by=trainer, reason="Posting")
    services.enrolment_withdraw(enrolment=worker, by=trainer)

    services.enrolment_restore(enrolment=worker, by=trainer)

    worker.refresh_from_db()
    assert worker.status == Enrolment.Status.PAUSED


def test_restoring_a_learner_who_is_not_withdrawn_is_refused(worker, trainer):
    with pytest.raises(services.CohortError, match="not withdrawn"):
        services.enrolment_restore(enrolment=worker, by=trainer)


def test_restoring_a_learner_who_had_completed_keeps_them_completed(worker, trainer):
    now = timezone.now()
    Enrolment.objects.filter(pk=worker.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=now
    )
    services.enrolment_withdraw(enrolment=worker, by=trainer)

    services.enrolment_restore(enrolment=worker, by=trainer)

    worker.refresh_from_db()
    assert worker.status == Enrolment.Status.COMPLETED


# Moving the cohort's dates


def due(enrolment: Enrolment, now) -> dict:
    return timemodel.due_dates(enrolment.started_at, enrolment.length_days, [], now)


@pytest.fixture
def members(cohort) -> list[Enrolment]:
    return [
        member(cohort, "ada@mfa.example", "Ada"),
        # Joined three days late: keeps that offset when the cohort moves.
        member(cohort, "bob@mfa.example", "Bob", started_at=cohort.starts_at + 3 * DAY),
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


# The cohort page


def bulk_learners(cohort, count: int, prefix: str) -> list[Enrolment]:
    """`count` learners with some of everything the page reads: completions,
    pauses, achievements, check-ins, standings and withdrawals."""
    now = timezone.now()
    users = User.objects.bulk_create(
        User(email=f"{prefix}{n}@mfa.example", display_name=f"{prefix} {n:04}", password="!")
        for n in range(count)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            user=user,
            programme=cohort.programme,
            cohort=cohort,
            started_at=now - (n % 60) * DAY,
            length_days=cohort.length_days,
            last_activity_at=now - (n % 20) * DAY if n % 3 else None,
            status=Enrolment.Status.WITHDRAWN if n % 11 == 0 else Enrolment.Status.ACTIVE,
        )
        for n, user in enumerate(users)
    )
    readings = live(module__stage__slug="orientation", kind=Kind.READING)
    Completion.objects.bulk_create(
        Completion(enrolment=enrolment, activity=reading, completed_at=now)
        for n, enrolment in enumerate(enrolments)
        for reading in readings[: n % (len(readings) + 1)]
    )
    Pause.objects.bulk_create(
        Pause(enrolment=enrolment, started_at=now - DAY) for enrolment in enrolments[::7]
    )
    MilestoneAchievement.objects.bulk_create(
        MilestoneAchievement(
            enrolment=enrolment, milestone="acquainted", achieved_at=now, on_time=True
        )
        for enrolment in enrolments[::5]
    )
    FollowingCheckin.objects.bulk_create(
        FollowingCheckin(enrolment=enrolment, recorded_on=now.date(), followers=10, created_at=now)
        for enrolment in enrolments[::4]
    )
    competence = Competence.objects.order_by("order").first()
    Standing.objects.bulk_create(
        Standing(user=user, competence=competence, state="in_progress", share_done=0.5)
        for user in users[::3]
    )
    return enrolments


def test_cohort_page_runs_a_fixed_number_of_queries_for_5_and_500_learners(
    client, organisation, programme, trainer
):
    def make(name):
        return services.cohort_create(
            organisation=organisation,
            programme=programme,
            name=name,
            starts_on=timezone.now().date() - 30 * DAY,
            length_days=365,
            trainers=[trainer],
        )

    small, large = make("Small"), make("Large")
    bulk_learners(small, 5, "small")
    bulk_learners(large, 500, "large")
    client.force_login(trainer)
    for cohort in (small, large):
        # Warms caches; the first visit also assesses the enrolments written in bulk.
        client.get(reverse("progress:cohort", args=[cohort.pk]))
    assert not Enrolment.objects.filter(assessed_at__isnull=True).exists()

    # Measured: 17 queries whatever the size. 1 session, 2 user, 3 the user's
    # memberships (roles, which the navigation reuses), 4 the cohort if
    # visible, 5 enrolments never assessed (none), 6 the summary's counts,
    # 7 the count of rows shown, 8 one page of enrolments with their users,
    # 9 competences, 10 live activities per horizon, 11 completions per
    # enrolment and horizon, 12 achievements, 13 pauses, 14 check-ins,
    # 15 standings, 16 pending invitations, then the layout's 17 unread
    # notifications.
    counts = {}
    for cohort in (small, large):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("progress:cohort", args=[cohort.pk]))
        assert response.status_code == 200
        counts[cohort.name] = len(captured)

    assert counts["Small"] == counts["Large"], counts
    assert counts["Large"] <= 17, counts
    assert response.context["summary"].total == 500 - len(range(0, 500, 11))
    assert len(response.context["page"].object_list) == 50


@pytest.fixture
def varied(cohort, trainer) -> dict[str, Enrolment]:
    """Learners whose pace and activity differ, by name."""
    now = timezone.now()
    learners = {
        "Alice": member(cohort, "alice@mfa.example", "Alice", started_at=now - 40 * DAY),
        "Bruno": member(cohort, "bruno@mfa.example", "Bruno", started_at=now - DAY / 24),
        "Carla": member(cohort, "carla@mfa.example", "Carla", started_at=now - 40 * DAY),
        "Dinah": member(cohort, "dinah@mfa.example", "Dinah", started_at=now - 20 * DAY),
        "Emile": member(cohort, "emile@mfa.example", "Emile", started_at=now + 5 * DAY),
    }
    Enrolment.objects.filter(pk=learners["Carla"].pk).update(last_activity_at=now - 3 * DAY)
    Enrolment.objects.filter(pk=learners["Bruno"].pk).update(last_activity_at=now)
    services.enrolment_withdraw(enrolment=learners["Dinah"], by=trainer)
    return learners


def shown(client, cohort, **params) -> list[str]:
    response = client.get(reverse("progress:cohort", args=[cohort.pk]), params)
    assert response.status_code == 200
    return [row.user.display_name for row in response.context["page"].object_list]


def test_cohort_page_summary_counts_current_learners_by_pace(client, cohort, varied, trainer):
    client.force_login(trainer)

    response = client.get(reverse("progress:cohort", args=[cohort.pk]))

    summary = response.context["summary"]
    assert (summary.total, summary.withdrawn) == (4, 1)
    assert summary.by_pace["overdue"] == 2
    assert summary.by_pace["on track"] == 1
    acquainted = summary.milestones[0]
    assert (acquainted["label"], acquainted["overdue"]) == ("Acquainted", 2)
    assert response.context["shown_count"] == 4


def test_cohort_page_filters_and_sorts(client, cohort, varied, trainer):
    client.force_login(trainer)

    assert shown(client, cohort, sort="name") == ["Alice", "Bruno", "Carla", "Emile"]
    assert shown(client, cohort) == shown(client, cohort, sort="pace")
    assert shown(client, cohort, sort="pace") == ["Alice", "Carla", "Emile", "Bruno"]
    assert shown(client, cohort, sort="activity") == ["Alice", "Carla", "Bruno", "Emile"]
    assert shown(client, cohort, sort="nonsense") == shown(client, cohort, sort="pace")
    assert shown(client, cohort, status="overdue", sort="name") == ["Alice", "Carla"]
    assert shown(client, cohort, status="not started") == ["Emile"]
    assert shown(client, cohort, inactive="1", sort="name") == ["Alice"]
    assert shown(client, cohort, withdrawn="1", sort="name") == [
        "Alice",
        "Bruno",
        "Carla",
        "Dinah",
        "Emile",
    ]
    assert shown(client, cohort, withdrawn="1", status="overdue", sort="name") == [
        "Alice",
        "Carla",
    ]


def test_withdrawn_learner_is_labelled_withdrawn_when_shown(client, cohort, varied, trainer):
    client.force_login(trainer)

    response = client.get(reverse("progress:cohort", args=[cohort.pk]), {"withdrawn": "1"})

    rows = {row.user.display_name: row for row in response.context["page"].object_list}
    assert rows["Dinah"].pace_label == "withdrawn"
    assert "Withdrawn" in response.content.decode()


def test_cohort_page_shows_fifty_learners_a_page(client, cohort, trainer):
    bulk_learners(cohort, 121, "many")
    current = 121 - len(range(0, 121, 11))
    client.force_login(trainer)
    url = reverse("progress:cohort", args=[cohort.pk])

    first = client.get(url, {"sort": "name"})
    last = client.get(url, {"sort": "name", "page": 3})

    assert first.context["shown_count"] == current
    assert len(first.context["page"].object_list) == 50
    assert len(last.context["page"].object_list) == current - 100
    assert first.context["page"].paginator.num_pages == 3
    assert "sort=name&amp;page=2" in first.content.decode()
    assert client.get(url, {"page": 99}).context["page"].number == 3


# Reviewing practice work


@pytest.fixture
def submitted(cohort) -> Submission:
    enrolment = member(cohort, "ada@mfa.example", "Ada")
    return services.practice_submit(
        enrolment=enrolment, activity=practice(), text="My first listening list", link=""
    )


def test_returning_work_requires_feedback(submitted, trainer):
    with pytest.raises(services.StudyError, match="Say what to improve"):
        services.submission_review(
            submission=submitted, reviewer=trainer, accept=False, feedback=" "
        )

    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED


def test_return_resubmit_accept_completes_the_task_and_keeps_every_attempt(submitted, trainer):
    enrolment, activity = submitted.enrolment, submitted.activity

    services.submission_review(
        submission=submitted, reviewer=trainer, accept=False, feedback="Add two counterparts."
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.feedback, submitted.reviewed_by) == (
        Submission.Status.RETURNED,
        "Add two counterparts.",
        trainer,
    )
    assert not Completion.objects.filter(enrolment=enrolment, activity=activity).exists()

    second = services.practice_submit(
        enrolment=enrolment, activity=activity, text="Now with counterparts", link=""
    )
    services.submission_review(submission=second, reviewer=trainer, accept=True, feedback="")

    assert Completion.objects.filter(enrolment=enrolment, activity=activity).count() == 1
    attempts = Submission.objects.filter(enrolment=enrolment, activity=activity)
    assert sorted(attempts.values_list("text", "status")) == [
        ("My first listening list", Submission.Status.RETURNED),
        ("Now with counterparts", Submission.Status.ACCEPTED),
    ]
    assert enrolment.history.filter(kind=HistoryEvent.Kind.REVIEWED).count() == 2
    with pytest.raises(services.StudyError, match="already complete"):
        services.practice_submit(enrolment=enrolment, activity=activity, text="Again", link="")


def test_reviewing_twice_is_refused(submitted, trainer):
    services.submission_review(submission=submitted, reviewer=trainer, accept=True, feedback="")
    with pytest.raises(services.StudyError, match="already been reviewed"):
        services.submission_review(
            submission=submitted, reviewer=trainer, accept=False, feedback="Too late"
        )
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.ACCEPTED


def test_review_page_shows_the_brief_the_rubric_and_earlier_attempts(client, submitted, trainer):
    services.submission_review(
        submission=submitted, reviewer=trainer, accept=False, feedback="Add two counterparts."
    )
    second = services.practice_submit(
        enrolment=submitted.enrolment, activity=submitted.activity, text="Second try", link=""
    )
    client.force_login(trainer)

    response = client.get(reverse("progress:review", args=[second.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    activity = second.activity
    assert activity.rubric
    for item in activity.rubric:
        assert item["criterion"] in html
    brief_words = re.sub(r"<[^>]+>", " ", activity.body_html).split()[:6]
    assert " ".join(brief_words) in " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Second try" in html
    assert "Earlier attempts" in html
    assert "Add two counterparts." in html


def test_review_page_returns_without_feedback_show_the_error_and_change_nothing(
    client, submitted, trainer
):
    client.force_login(trainer)

    response = client.post(
        reverse("progress:review", args=[submitted.pk]), {"decision": "return", "feedback": ""}
    )

    assert response.status_code == 400
    assert "Say what to improve when you return work." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED


def test_review_page_accepts_and_goes_back_to_the_queue(client, submitted, trainer):
    client.force_login(trainer)

    response = client.post(
        reverse("progress:review", args=[submitted.pk]), {"decision": "accept", "feedback": ""}
    )

    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("progress:reviews")
    assert Completion.objects.filter(
        enrolment=submitted.enrolment, activity=submitted.activity
    ).exists()
    assert submitted.pk not in [s.pk for s in client.get(response.url).context["page"]]


def test_a_review_sent_after_another_keeps_the_typed_feedback_on_the_page(
    client, submitted, trainer, org_admin
):
    services.submission_review(submission=submitted, reviewer=org_admin, accept=True, feedback="")
    client.force_login(trainer)

    response = client.post(
        reverse("progress:review", args=[submitted.pk]),
        {"decision": "return", "feedback": "Name three sources per account."},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "This work has already been reviewed." in html
    assert "Name three sources per account." in html
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.ACCEPTED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_accepts", [True, False], ids=["accept-accept", "accept-return"])
def test_two_reviewers_at_once_only_one_review_counts(
    organisation, programme, trainer, org_admin, second_accepts
):
    cohort = services.cohort_create(
        organisation=organisation,
        programme=programme,
        name="Race cohort",
        starts_on=timezone.now().date(),
        length_days=365,
        trainers=[trainer],
    )
    submission = services.practice_submit(
        enrolment=member(cohort, "ada@mfa.example"), activity=practice(), text="Work", link=""
    )

    outcomes = race(
        lambda: services.submission_review(
            submission=Submission.objects.get(pk=submission.pk),
            reviewer=trainer,
            accept=True,
            feedback="",
        ),
        lambda: services.submission_review(
            submission=Submission.objects.get(pk=submission.pk),
            reviewer=org_admin,
            accept=second_accepts,
            feedback="Fine" if second_accepts else "Add more",
        ),
    )

    reviewed = [o for o in outcomes if isinstance(o, Submission)]
    refused = [o for o in outcomes if isinstance(o, services.StudyError)]
    assert (len(reviewed), len(refused)) == (1, 1), outcomes
    assert "already been reviewed" in str(refused[0])
    submission.refresh_from_db()
    assert submission.reviewed_by == reviewed[0].reviewed_by
    assert submission.status == reviewed[0].status
    completions = Completion.objects.filter(enrolment=submission.enrolment_id).count()
    assert completions == (1 if submission.status == Submission.Status.ACCEPTED else 0)
    assert (
        HistoryEvent.objects.filter(
            enrolment=submission.enrolment_id, kind=HistoryEvent.Kind.REVIEWED
        ).count()
        == 1
    )


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


def test_the_trainers_page_about_a_learner_speaks_about_them(client, cohort, trainer):
    enrolment = member(cohort, "ada@mfa.example", "Ada")
    client.force_login(trainer)

    html = client.get(
        reverse("progress:cohort_learner", args=[cohort.pk, enrolment.pk])
    ).content.decode()

    assert "Ada is " in html or "Ada has " in html
    assert "You are " not in html and "You have " not in html
    assert "Your timeline" not in html
    assert "You record your follower count" not in html


def test_the_cohort_list_comes_fifty_at_a_time(client, staff, organisation, programme):
    Cohort.objects.bulk_create(
        Cohort(
            organisation=organisation,
            programme=programme,
            name=f"Intake {n:02}",
            starts_on=datetime.date(2026, 1, 1),
        )
        for n in range(51)
    )
    client.force_login(staff)

    first = client.get(reverse("progress:cohorts")).content.decode()
    second = client.get(reverse("progress:cohorts"), {"page": "2"}).content.decode()
    nonsense = client.get(reverse("progress:cohorts"), {"page": "x"})

    assert first.count('<th scope="row">') == 50 and "Page 1 of 2" in first
    assert second.count('<th scope="row">') == 1 and "Page 2 of 2" in second
    assert nonsense.status_code == 200

"""Checking a list of learners before adding them: one reason per bad row, each
with its line, and the same queries however long the list."""

import pytest
from django.utils import timezone

from accounts.models import Membership, User
from progress import services
from progress.models import Enrolment, Invitation
from tests.factories import enrol
from tests.helpers import assert_queries_do_not_grow
from tests.progress.cohort_world import add, parse_csv, parse_text

pytestmark = pytest.mark.django_db


def problems_of(problems) -> list[tuple[int, str, str]]:
    return [(problem.line, problem.value, problem.reason) for problem in problems]


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
    enrol(cohort, "ada@mfa.example")

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
    enrol(other, "ada@mfa.example")

    _, problems = parse_text(cohort, "ada@mfa.example")

    assert problems_of(problems) == [
        (1, "ada@mfa.example", "is already in the cohort “Autumn cohort”")
    ]


def test_unknown_language_is_reported_with_the_languages_offered(cohort):
    rows, problems = parse_csv(cohort, "ada@mfa.example,Ada,de\nbob@mfa.example,Bob,FR\n")

    assert [(row.email, row.language) for row in rows] == [("bob@mfa.example", "fr")]
    assert problems_of(problems) == [
        (1, "de", "is not a language we offer (en, fr, es, ar, ru, zh-hans)")
    ]


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
    enrol(cohort, "member@mfa.example")
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
    problems = {}

    def check(rows: str) -> None:
        _, problems[rows.count("\n") + 1] = parse_text(cohort, rows)

    # 1 the organisation's members with these addresses, 2 their open
    # enrolments in the organisation's cohorts, 3 the cohort's pending invitations.
    measured = assert_queries_do_not_grow(
        check,
        lambda size: _rows_for_query_count(cohort, size, f"size{size}-"),
        sizes=(5, 200),
    )

    assert (len(problems[5]), len(problems[200])) == (1, 40)
    assert len(measured.large) == 3, measured.large

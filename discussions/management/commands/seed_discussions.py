"""The demo's discussions: a lively thread or three in the Autumn intake's
margins of the first reading, and a peer-review round on the Curate listening
brief, reviewed by peers and decided by the trainer. Run by `seed_demo`, after
the demo people exist; running it again changes nothing."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from curriculum.models import Activity, RubricLevel
from curriculum.rendering import reading_blocks
from discussions import services, services_peer
from discussions.models import PeerReview, Thread
from progress import services as progress_services
from progress.models import Cohort, Enrolment, Submission

DEMO_DOMAIN = "demo.example"
HOUR = datetime.timedelta(hours=1)

# (who, hours ago, what they write); the first line opens the thread.
CONVERSATIONS = [
    (
        1,
        [
            (
                "bruno",
                50,
                "Is *diplomacy through digital tools* really new? Missions have always "
                "read the local press. What changes when the press becomes a timeline?",
            ),
            (
                "chen",
                47,
                "The speed, I think, and that anyone can answer back. The press did not "
                "reply to the embassy; an account does.",
            ),
            (
                "trainer",
                30,
                "Both points are right. Keep the question in mind for the Curate stage: "
                "listening well is what makes the speed manageable.",
            ),
            (
                "gita",
                20,
                "@Bruno Keller I tried it with our regional press this week: the same story "
                "reached me first through a journalist's account, two hours before the paper.",
            ),
        ],
    ),
    (
        0,
        [
            (
                "gita",
                26,
                "Which of the names does your ministry use? Ours says *digital diplomacy* "
                "in public and *cyber* in the security directorate.",
            ),
            (
                "dara",
                22,
                "Same here. It helps to know which meaning a colleague has in mind before "
                "arguing about the tools.",
            ),
        ],
    ),
]
PINNED = (
    "trainer",
    60,
    "Welcome to the margins. Start a thread beside any paragraph that raises a "
    "question for your own work, and answer each other: this is where the "
    "Collaborate stage begins.",
)
BRIEFS = {
    "gita": "A listening brief on our country's cyber-diplomacy: the agencies to follow, "
    "the regional forums, and three accounts that report the dialogues reliably.",
    "bruno": "My brief covers the national cybersecurity agency, the regional "
    "organisation's statements and two research centres, with a note on each.",
    "chen": "Listening brief: official sources first, then two specialised newsletters; "
    "I mark which sources need checking against a second one.",
    "dara": "A short brief on the dialogues our country takes part in, with the "
    "accounts and pages where their outcomes are published.",
}
FEEDBACK = [
    "Clear and usable: I could follow your list tomorrow. Say why each source is reliable.",
    "Good choice of official sources. One non-governmental voice would balance it.",
    "Well organised. A line on how often to check each source would make it a habit.",
    "Useful notes on each source. The brief could name who in the ministry should read it.",
]


def _user(key: str) -> User:
    return User.objects.filter(email=f"{key}@{DEMO_DOMAIN}").first()


class Command(BaseCommand):
    help = "Create the demo's cohort discussion and peer-review round (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_discussions refuses to run with DEBUG off.")
        cohort = Cohort.objects.filter(name="Autumn intake").select_related("programme").first()
        trainer = _user("trainer")
        if cohort is None or trainer is None:
            raise CommandError("No demo cohort: run `manage.py seed_demo` first.")
        now = timezone.now().replace(microsecond=0)
        with transaction.atomic():
            if Thread.objects.filter(cohort=cohort).exists():
                self.stdout.write("Demo discussion already there.")
            else:
                self.seed_discussion(cohort, trainer, now)
        with transaction.atomic():
            self.seed_peer_round(cohort, trainer, now)

    def seed_discussion(self, cohort: Cohort, trainer: User, now) -> None:
        reading = (
            Activity.objects.live()
            .filter(module__stage__slug="orientation", kind=Activity.Kind.READING)
            .select_related("module__stage")
            .order_by("module__order", "order")
            .first()
        )
        blocks = [block for block in reading_blocks(reading.body_html) if block.tag != "hr"]
        people = {key: _user(key) for key in ("bruno", "chen", "dara", "gita")}
        people["trainer"] = trainer
        who, hours, text = PINNED
        pinned = services.thread_start(
            user=people[who],
            cohort=cohort,
            activity=reading,
            anchor=blocks[0].anchor,
            body=text,
            now=now - hours * HOUR,
        )
        services.thread_moderate(thread=pinned, by=trainer, action="pin", now=now)
        for block_index, lines in CONVERSATIONS:
            (who, hours, text), *replies = lines
            thread = services.thread_start(
                user=people[who],
                cohort=cohort,
                activity=reading,
                anchor=blocks[block_index + 1].anchor,
                body=text,
                now=now - hours * HOUR,
            )
            for who, hours, text in replies:
                services.post_reply(
                    thread=thread,
                    user=people[who],
                    body=text,
                    moderator=who == "trainer",
                    now=now - hours * HOUR,
                )
        self.stdout.write(
            f"Demo discussion: {Thread.objects.filter(cohort=cohort).count()} threads"
        )

    def seed_peer_round(self, cohort: Cohort, trainer: User, now) -> None:
        task = (
            Activity.objects.live()
            .prefetch_related("criteria")
            .filter(slug="cyber-listening-brief")
            .first()
        )
        if task is None or not task.peer_review:
            return
        if PeerReview.objects.filter(activity=task, cohort=cohort).exists():
            self.stdout.write("Demo peer-review round already there.")
            return
        enrolments = {
            key: Enrolment.objects.filter(user=_user(key), cohort=cohort).first() for key in BRIEFS
        }
        for key, text in BRIEFS.items():
            enrolment = enrolments[key]
            if not Submission.objects.filter(enrolment=enrolment, activity=task).exists():
                Submission.objects.create(
                    enrolment=enrolment, activity=task, text=text, created_at=now - 40 * HOUR
                )
        for enrolment in enrolments.values():
            services_peer.peer_reviews_allocate(
                enrolment=enrolment, activity=task, now=now - 30 * HOUR
            )
        for number, review in enumerate(PeerReview.objects.filter(activity=task, cohort=cohort)):
            services_peer.peer_review_give(
                review=review,
                user=review.reviewer,
                marks={
                    criterion.pk: RubricLevel.EXCEEDS if number % 3 == 0 else RubricLevel.MEETS
                    for criterion in task.rubric
                },
                feedback=FEEDBACK[number % len(FEEDBACK)],
                now=now - (20 - number) * HOUR,
            )
        # The trainer reads the peers' marks and decides on Bruno's brief.
        decided = Submission.objects.get(enrolment=enrolments["bruno"], activity=task)
        progress_services.submission_review(
            submission=decided,
            reviewer=trainer,
            accept=True,
            feedback="Accepted: your peers were right that each source is well described.",
            marks={criterion.pk: RubricLevel.MEETS for criterion in task.rubric},
        )
        self.stdout.write("Demo peer-review round: every review given, one brief decided")

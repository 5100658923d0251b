"""Creates demo data so a new user sees every capability with realistic data.

Idempotent: running it again updates the same rows. It refuses to run with
DEBUG off, so its known passwords never reach production.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Membership, Organisation, User
from accounts.services import membership_grant
from curriculum.selectors import programme_default
from progress.demo import seed_learners
from progress.nudges.delivery import REMINDER_RULES

DEMO_PASSWORD = "demo-diplomacy-2026"
DEMO_DOMAIN = "demo.example"

STAFF = ("admin", "Platform Administrator")
ORG_ADMIN = ("orgadmin", "Olga Admin")
TRAINER = ("trainer", "Tomas Trainer")
# Trainees, each at a different point of the time model (see progress/demo.py).
TRAINEES = [
    ("amina", "Amina Diallo", "fresh"),
    ("bruno", "Bruno Keller", "on_track"),
    ("chen", "Chen Wei", "behind"),
    ("dara", "Dara Okafor", "overdue"),
    ("elena", "Elena Rossi", "paused"),
    ("farid", "Farid Haddad", "achieved"),
    ("gita", "Gita Sharma", "ahead"),
]
SELF_PACED = ("solo", "Sam Solo")
# Demo learners read their reminders in the app: nobody reads mail at
# demo.example, and an in-app reminder is never held for quiet hours, so the
# overdue and behind learners' notification centres are full at any hour the
# demo is first started. They can switch e-mail on in their preferences.
LEARNER_PREFERENCES = {rule.value: "in_app" for rule in sorted(REMINDER_RULES)}


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


class Command(BaseCommand):
    help = "Create or refresh the demo ministry, its people and their log-ins (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run with DEBUG off: its passwords are public.")
        programme = programme_default()
        if programme is None:
            raise CommandError("No programme is loaded: run `manage.py load_curriculum` first.")
        with transaction.atomic():
            people, stories = self.seed_people(programme)
        # The demo learners' reminders, so the notification centre has something in it.
        call_command("plan_nudges", stdout=self.stdout)
        # Their credentials at once, signed, rather than when the worker gets to them;
        # by name: the credentials app sits above this one.
        call_command("issue_credentials", stdout=self.stdout)
        # The cohort's discussion and a peer-review round, by name too: the
        # discussions app sits above this one.
        call_command("seed_discussions", stdout=self.stdout)
        self.print_logins(people)
        for story in stories:
            self.stdout.write(f"  new demo learner, {story}")

    def seed_people(self, programme) -> tuple[list[tuple[str, User]], list[str]]:
        ministry, _ = Organisation.objects.update_or_create(
            slug="demo-ministry",
            defaults={"name": "Demo Ministry of Foreign Affairs", "country": "Demoland"},
        )
        people: list[tuple[str, User]] = []

        admin = self.person(*STAFF, is_staff=True, is_superuser=True)
        people.append(("platform administrator", admin))

        org_admin = self.person(*ORG_ADMIN)
        membership_grant(user=org_admin, organisation=ministry, role=Membership.Role.ORG_ADMIN)
        people.append(("organisation administrator", org_admin))

        trainer = self.person(*TRAINER)
        membership_grant(user=trainer, organisation=ministry, role=Membership.Role.TRAINER)
        people.append(("trainer", trainer))

        learners = {}
        for local_part, name, story in TRAINEES:
            trainee = self.person(local_part, name, preferences=LEARNER_PREFERENCES)
            membership_grant(user=trainee, organisation=ministry, role=Membership.Role.TRAINEE)
            people.append((f"trainee ({story.replace('_', ' ')})", trainee))
            learners[story] = trainee

        solo = self.person(*SELF_PACED, preferences=LEARNER_PREFERENCES)
        learners["self_paced"] = solo
        people.append(("self-paced trainee", solo))
        stories = seed_learners(
            programme=programme, ministry=ministry, trainer=trainer, learners=learners
        )
        return people, stories

    def person(
        self, local_part: str, name: str, *, preferences: dict | None = None, **flags
    ) -> User:
        email = demo_email(local_part)
        # Reminder preferences are set once: a visitor's later choice stays.
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"display_name": name, "nudge_preferences": preferences or {}, **flags},
        )
        if not created:
            for field, value in {"display_name": name, **flags}.items():
                setattr(user, field, value)
        user.set_password(DEMO_PASSWORD)
        user.save()
        # allauth demands a verified address before log-in.
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def print_logins(self, people: list[tuple[str, User]]) -> None:
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with any of:"))
        for role, user in people:
            self.stdout.write(f"  {role:<28} {user.email}")
        self.stdout.write(f"  password for all of them:    {DEMO_PASSWORD}")

"""Creates demo data so a new user sees every capability with realistic data.

Idempotent: running it again updates the same rows. It refuses to run with
DEBUG off, so its known passwords never reach production.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Membership, Organisation, User
from accounts.services import membership_grant

DEMO_PASSWORD = "demo-diplomacy-2026"
DEMO_DOMAIN = "demo.example"

STAFF = ("admin", "Platform Administrator")
ORG_ADMIN = ("orgadmin", "Olga Admin")
TRAINER = ("trainer", "Tomas Trainer")
TRAINEES = [
    ("amina", "Amina Diallo"),
    ("bruno", "Bruno Keller"),
    ("chen", "Chen Wei"),
    ("dara", "Dara Okafor"),
    ("elena", "Elena Rossi"),
    ("farid", "Farid Haddad"),
]
SELF_PACED = ("solo", "Sam Solo")


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


class Command(BaseCommand):
    help = "Create or refresh the demo ministry, its people and their log-ins (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run with DEBUG off: its passwords are public.")
        with transaction.atomic():
            people = self.seed_people()
        self.print_logins(people)

    def seed_people(self) -> list[tuple[str, User]]:
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

        for local_part, name in TRAINEES:
            trainee = self.person(local_part, name)
            membership_grant(user=trainee, organisation=ministry, role=Membership.Role.TRAINEE)
            people.append(("trainee", trainee))

        people.append(("self-paced trainee", self.person(*SELF_PACED)))
        return people

    def person(self, local_part: str, name: str, **flags) -> User:
        email = demo_email(local_part)
        user, created = User.objects.get_or_create(
            email=email, defaults={"display_name": name, **flags}
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

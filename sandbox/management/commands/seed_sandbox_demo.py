import datetime
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from sandbox import services
from sandbox.models import LiveRun, Scenario

# The demo's cohort (progress.demo makes it) and the scenario it rehearses.
DEMO_ORGANISATION = "demo-ministry"
DEMO_COHORT = "Autumn intake"
SCENARIO = "consular-earthquake"
REGISTER = "https://nordavia-mfa.example/register"


class Command(BaseCommand):
    help = (
        "Give the demo cohort a live sandbox scenario its learners have played, so the "
        "trainer's side-by-side table has something in it. Run after seed_demo and "
        "load_scenarios; running it twice changes nothing."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_sandbox_demo refuses to run with DEBUG off.")
        organisation = Organisation.objects.filter(slug=DEMO_ORGANISATION).first()
        cohort = organisation and organisation.cohorts.filter(name=DEMO_COHORT).first()
        scenario = Scenario.objects.filter(slug=SCENARIO).first()
        if cohort is None or scenario is None:
            raise CommandError("Run seed_demo and load_scenarios first.")
        if LiveRun.objects.filter(cohort=cohort).exists():
            self.stdout.write("The demo cohort already has its live scenario.")
            return
        with transaction.atomic():
            self.seed(cohort, scenario)
        self.stdout.write(self.style.SUCCESS(f"A live sandbox scenario for {cohort.name}."))

    def seed(self, cohort, scenario) -> None:
        now = timezone.now()
        start = now - datetime.timedelta(minutes=20)
        live = services.live_start(
            cohort=cohort, scenario=scenario, starts_at=start, by=None, now=start
        )

        def at(minute: float) -> datetime.datetime:
            return start + datetime.timedelta(minutes=minute / live.speed)

        enrolments = cohort.enrolments.filter(status="active").select_related("user")[:3]
        for number, enrolment in enumerate(enrolments):
            run = services.live_join(
                live=live, learner=enrolment.user, enrolment=enrolment, now=at(1)
            )
            steps = [
                (5 + 4 * number, "reply", "ana-question", "If you are safe, register: " + REGISTER),
                (14, "report", "@NordaviaEmbassyHelp", ""),
            ][: 2 - (number == 2)]
            for minute, kind, target, text in steps:
                services.run_act(
                    run=run,
                    by=enrolment.user,
                    token=uuid.uuid4().hex,
                    now=at(minute),
                    kind=kind,
                    target=target,
                    text=text,
                )

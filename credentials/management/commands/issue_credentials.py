"""Issues every credential that is due and missing, at once (demo data, a backlog)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from credentials import services


class Command(BaseCommand):
    help = "Issue the credentials earned but not yet issued, without waiting for the sweep."

    def handle(self, *args, **options):
        issued = 0
        while True:
            milestones, standings = services.credentials_missing(limit=500)
            if not milestones and not standings:
                break
            now = timezone.now()
            done = [
                services.credential_issue_for_milestone(achievement_id=pk, now=now)
                for pk in milestones
            ] + [
                services.credential_issue_for_standing(standing_id=pk, now=now) for pk in standings
            ]
            issued += sum(1 for credential in done if credential is not None)
            if not any(done):
                break  # nothing more can be issued now: never loop on the same rows
        self.stdout.write(f"Credentials issued: {issued}.")

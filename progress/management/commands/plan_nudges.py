from django.core.management.base import BaseCommand
from django.utils import timezone

from progress.models import Nudge
from progress.nudges.delivery import nudges_deliver, release_stale
from progress.nudges.planner import nudges_plan


class Command(BaseCommand):
    help = (
        "Plan the nudges that are due now, then deliver what is due (what Celery beat "
        "does every few minutes)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be planned; write nothing."
        )
        parser.add_argument(
            "--no-deliver", action="store_true", help="Plan only; leave delivery to the workers."
        )

    def handle(self, *args, dry_run=False, no_deliver=False, **options):
        now = timezone.now()
        counts = nudges_plan(now=now, dry_run=dry_run)
        verb = "would be planned" if dry_run else "planned"
        if not counts:
            self.stdout.write(f"No new nudge {verb}.")
        else:
            self.stdout.write(f"Nudges {verb}, per rule:")
            for rule in Nudge.Rule:
                if counts.get(rule.value):
                    self.stdout.write(f"  {rule.label:<28} {counts[rule.value]}")
            self.stdout.write(f"  {'total':<28} {sum(counts.values())}")
        if dry_run or no_deliver:
            return
        release_stale(now)
        outcomes = nudges_deliver(now=now)
        while sum(outcomes.values()) and (batch := nudges_deliver(now=now)):
            outcomes += batch
        delivered = ", ".join(f"{count} {what}" for what, count in sorted(outcomes.items()))
        self.stdout.write(f"Delivered: {delivered or 'nothing due'}.")

from django.core.management.base import BaseCommand, CommandError

from curriculum.overlays import Coverage
from sandbox.loader import ScenarioFilesError, apply_scenarios, read_scenarios


class Command(BaseCommand):
    help = (
        "Validate the practice sandbox's scenario files and upsert them. Reports every "
        "problem with its file and field and changes nothing when there is any; running "
        "it twice changes nothing. Run it after load_curriculum. --check also prints each "
        "language's coverage."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Validate only; write nothing.")

    def handle(self, *args, check=False, **options):
        try:
            files = read_scenarios()
            if check:
                self.stdout.write(self.style.SUCCESS(f"{len(files)} scenarios are valid."))
                self.write_coverage(files)
                return
            report = apply_scenarios(files)
        except ScenarioFilesError as error:
            for problem in error.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(
                f"{len(error.problems)} problem(s) in the scenario files; nothing was changed."
            ) from None
        if not report.changed:
            self.stdout.write(f"Scenarios are up to date ({len(files)}).")
            return
        parts = [
            f"{verb} {', '.join(slugs)}"
            for verb, slugs in (
                ("created", report.created),
                ("updated", report.updated),
                ("retired", report.retired),
            )
            if slugs
        ]
        self.stdout.write(self.style.SUCCESS(f"Scenarios loaded: {'; '.join(parts)}."))

    def write_coverage(self, files) -> None:
        """Per language, the text fields translated of those in the sources, in
        all and per scenario."""
        coverage = Coverage()
        for item in files:
            for language, (done, total) in item.coverage.items():
                coverage.add(language, item.data["slug"], done, total)
        self.stdout.write("\n".join(coverage.report_lines()))

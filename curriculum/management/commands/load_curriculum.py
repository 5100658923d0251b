from django.core.management.base import BaseCommand, CommandError

from curriculum.loader import ContentError, apply_content, read_content


class Command(BaseCommand):
    help = (
        "Validate the content files and upsert the programme. Reports every problem "
        "and changes nothing when there is any; running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Validate only; write nothing.")

    def handle(self, *args, check=False, **options):
        try:
            content = read_content()
        except ContentError as error:
            for problem in error.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(
                f"{len(error.problems)} problem(s) in the content files; nothing was changed."
            ) from None
        for warning in content.warnings:
            self.stderr.write(self.style.WARNING(f"  warning: {warning}"))
        activities = sum(len(m["activities"]) for ms in content.modules.values() for m in ms)
        modules = sum(len(ms) for ms in content.modules.values())
        summary = (
            f"{len(content.programme['stages'])} stages, {modules} modules, {activities} activities"
        )
        if check:
            self.stdout.write(self.style.SUCCESS(f"Content is valid: {summary}."))
            self.write_coverage(content.coverage)
            return
        report = apply_content(content)
        if not report.changed:
            self.stdout.write(f"Curriculum is up to date ({summary}).")
            return
        parts = [
            f"{verb} {', '.join(f'{n} {name}' for name, n in sorted(counts.items()))}"
            for verb, counts in (
                ("created", report.created),
                ("updated", report.updated),
                ("retired", report.retired),
            )
            if counts
        ]
        self.stdout.write(self.style.SUCCESS(f"Curriculum loaded ({summary}): {'; '.join(parts)}."))

    def write_coverage(self, coverage):
        """Per language, the fields translated of those in the source, in all
        and per part (programme.yaml, competences.yaml, then each stage)."""
        if not coverage.counts:
            self.stdout.write("Translations: none (the programme is in English only).")
            return
        self.stdout.write("\n".join(coverage.report_lines()))

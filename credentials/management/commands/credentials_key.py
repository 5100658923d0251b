"""Prints a new signing key entry for CREDENTIALS_SIGNING_KEYS."""

from django.core.management.base import BaseCommand, CommandError

from credentials.keys import new_key_entry


class Command(BaseCommand):
    help = "Print a new Ed25519 signing key as kid=base64, for CREDENTIALS_SIGNING_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("kid", help="the key's id, e.g. the year and month: 2026-11")

    def handle(self, *args, kid, **options):
        try:
            self.stdout.write(new_key_entry(kid))
        except ValueError as error:
            raise CommandError(str(error)) from error

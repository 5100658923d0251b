"""Signals of accounts: what apps above hear about a person's account."""

from django.dispatch import Signal

# Sent with `user` when an account is closed for good (the person deleted it,
# `progress.services.privacy.account_delete`), inside the closing transaction:
# a receiver's writes commit or roll back with the closing.
account_closed = Signal()

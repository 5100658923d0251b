"""Thin signal receivers: each calls one service."""

from allauth.account.signals import email_confirmed
from django.contrib import messages
from django.dispatch import receiver
from django.utils.translation import gettext as _

from progress.services import invitations_accept_for_email


@receiver(email_confirmed)
def join_invited_cohorts(request, email_address, **kwargs):
    # Whoever confirms an invited address lands in the cohort, whether they
    # came through the invitation link or signed up later on their own.
    joined = invitations_accept_for_email(user=email_address.user, email=email_address.email)
    if request is not None:
        for enrolment in joined:
            messages.success(
                request,
                _("You have joined the cohort “%(cohort)s”.") % {"cohort": enrolment.cohort.name},
            )

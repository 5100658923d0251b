"""A person's own data: download it, or delete the account."""

import json

from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.access import organisations_needing_successor
from accounts.services import MembershipError
from progress.services.privacy import account_delete, personal_data_export


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand that my account and what I wrote will be deleted for good."
        )
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = request.user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            password_attempt_failed(self.request)
            raise forms.ValidationError(_("This is not your current password."))
        return password


def _attempts_key(request) -> str:
    # The key allauth's log-in counts failed attempts for this address under:
    # wrong passwords here and at the log-in count against one limit.
    return f"{get_current_site(request).domain}:{request.user.email.lower()}"


def password_attempt_allowed(request) -> bool:
    """Whether the log-in's limits on failed attempts (ACCOUNT_RATE_LIMITS
    "login_failed": per IP and per address) leave room to check a password."""
    return ratelimit.consume(
        request, action="login_failed", key=_attempts_key(request), dry_run=True
    )


def password_attempt_failed(request) -> None:
    ratelimit.consume(request, action="login_failed", key=_attempts_key(request))


@login_required
@require_GET
def data_export(request):
    data = personal_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="ediplomacy-my-data-{stamp}.json"'
    return response


@login_required
def delete_account(request):
    if request.method == "POST" and not password_attempt_allowed(request):
        # Too many wrong passwords: the password is not even checked.
        form = DeleteAccountForm(request=request)
        context = {"form": form, "throttled": True}
        return render(request, "progress/delete_account.html", context, status=429)
    # An organisation must keep an administrator who can log in: its only one
    # names a successor first, and is told where.
    alone = organisations_needing_successor(user=request.user)
    form = DeleteAccountForm(request.POST or None, request=request)
    if request.method == "POST" and not alone and form.is_valid():
        try:
            account_delete(user=request.user)
        except MembershipError:
            # Another administrator left meanwhile.
            alone = organisations_needing_successor(user=request.user)
        else:
            logout(request)
            messages.success(request, _("Your account and personal data are deleted."))
            return redirect("home")
    refused = request.method == "POST" and (bool(alone) or not form.is_valid())
    return render(
        request,
        "progress/delete_account.html",
        {"form": form, "alone": alone},
        status=400 if refused else 200,
    )

import datetime
import zoneinfo
from functools import cache

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organisation, User


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def language_choices() -> list[tuple[str, str]]:
    """The languages the interface speaks, each named in itself."""
    return list(settings.LANGUAGES)


class LoginForm(AllauthLoginForm):
    """allauth's log-in form, its checkbox worded as a sentence."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me logged in on this device")
            self.fields["remember"].label_suffix = ""


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        help_text=_("As your trainer and colleagues will see it. Optional."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Name first, as people expect on a sign-up form.
        self.order_fields(["display_name", *self.fields])


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Reminders respect your local quiet hours."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=lambda: [("", _("As my browser asks")), *language_choices()],
        required=False,
        help_text=_("Pages, e-mails and reminders speak it."),
    )

    class Meta:
        model = User
        fields = ["display_name", "time_zone", "language"]
        labels = {"display_name": _("Your name")}


class OrganisationLanguageForm(forms.ModelForm):
    default_language = forms.ChoiceField(
        label=_("Default language"),
        choices=language_choices,
        help_text=_(
            "For members who have chosen no language and whose browser asks for none we "
            "offer: their pages, e-mails and reminders speak it."
        ),
    )

    class Meta:
        model = Organisation
        fields = ["default_language"]


class AddPersonForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("They receive an invitation and take the role once they accept it."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Membership.Role.choices
        self.fields["role"].initial = Membership.Role.TRAINER

    def role_label(self) -> str:
        return dict(self.fields["role"].choices)[self.cleaned_data["role"]].lower()


class PauseNudgesForm(forms.Form):
    until = forms.DateField(
        label=_("Hold all reminders until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a crisis or a summit week: reminders wait and go out after this day."),
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        today = timezone.localdate()  # the administrator's own day
        if until <= today:
            raise forms.ValidationError(_("Choose a day after today."))
        if until > today + datetime.timedelta(days=90):
            raise forms.ValidationError(_("A pause lasts at most 90 days."))
        return until

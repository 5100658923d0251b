import datetime
import zoneinfo
from functools import cache

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils import timezone

from accounts.models import Membership, User


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        help_text="As your trainer and colleagues will see it. Optional.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Name first, as people expect on a sign-up form.
        self.order_fields(["display_name", *self.fields])


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        help_text="Reminders respect your local quiet hours.",
    )

    class Meta:
        model = User
        fields = ["display_name", "time_zone", "language"]
        labels = {"display_name": "Your name"}


class AddPersonForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        help_text="They receive an invitation and take the role once they accept it.",
    )
    role = forms.ChoiceField(label="Role", choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Membership.Role.choices
        self.fields["role"].initial = Membership.Role.TRAINER

    def role_label(self) -> str:
        return dict(self.fields["role"].choices)[self.cleaned_data["role"]].lower()


class PauseNudgesForm(forms.Form):
    until = forms.DateField(
        label="Hold all reminders until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For a crisis or a summit week: reminders wait and go out after this day.",
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        today = timezone.localdate()  # the administrator's own day
        if until <= today:
            raise forms.ValidationError("Choose a day after today.")
        if until > today + datetime.timedelta(days=90):
            raise forms.ValidationError("A pause lasts at most 90 days.")
        return until

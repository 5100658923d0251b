import zoneinfo
from functools import cache

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from accounts.models import User


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

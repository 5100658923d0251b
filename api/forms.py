from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken, EventKind, WebhookEndpoint


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What calls the API with it, e.g. “HR system”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Where the events are posted (for a learning record store: its xAPI endpoint)."
        ),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=WebhookEndpoint.Format.choices, initial="webhook"
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventKind.choices,
        initial=EventKind.values,
        widget=forms.CheckboxSelectMultiple,
    )
    username = forms.CharField(
        label=_("LRS key"), max_length=200, required=False, help_text=_("For xAPI only.")
    )
    secret = forms.CharField(
        label=_("LRS secret"),
        max_length=128,
        required=False,
        widget=forms.PasswordInput,
        help_text=_("For xAPI only; a webhook gets a signing secret of its own."),
    )

    def clean(self):
        data = super().clean()
        if data.get("format") == WebhookEndpoint.Format.XAPI and not (
            data.get("username") and data.get("secret")
        ):
            raise forms.ValidationError(_("An xAPI endpoint needs the LRS key and secret."))
        return data

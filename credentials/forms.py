import io

from django import forms
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from credentials.services import LOGO_MAX_BYTES


class ShareForm(forms.Form):
    shared = forms.BooleanField(required=False, label=_("Share by link"))
    share_name = forms.BooleanField(required=False, label=_("Show my name on the public page"))


class RevokeForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the audit log and shown to the learner."),
    )


class PolicyForm(forms.Form):
    achievements = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Achievements that earn a credential"),
    )
    issuer_name = forms.CharField(
        max_length=200,
        required=False,
        label=_("Name on credentials"),
        help_text=_("Leave empty to use the organisation's name."),
    )
    logo = forms.FileField(
        required=False,
        label=_("Logo"),
        help_text=_(
            "A PNG or JPEG image of at most 200 KB, shown on credentials and certificates."
        ),
    )
    remove_logo = forms.BooleanField(required=False, label=_("Remove the current logo"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievements"].choices = choices

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo is larger than 200 KB."))
        data = upload.read()
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                kind = image.format
        except (UnidentifiedImageError, OSError, SyntaxError):
            raise forms.ValidationError(_("The logo must be a PNG or JPEG image.")) from None
        if kind not in {"PNG", "JPEG"}:
            raise forms.ValidationError(_("The logo must be a PNG or JPEG image."))
        return data, f"image/{kind.lower()}"

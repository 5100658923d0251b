from django import forms
from django.utils.translation import gettext_lazy as _

from discussions.models import MAX_POST_CHARS


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your post"),
        max_length=MAX_POST_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Markdown: *emphasis*, **bold**, lists, links and quotes. "
            "Mention someone of your group with @ and their name."
        ),
        error_messages={
            "required": _("Write something before posting."),
            "max_length": _(
                "A post holds at most %(limit_value)d characters (this one has %(show_value)d)."
            ),
        },
    )


class StartForm(PostForm):
    anchor = forms.ChoiceField(
        label=_("Paragraph or heading"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the paragraph or heading you want to discuss.")},
    )

    field_order = ["anchor", "body"]

    def __init__(self, *args, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anchor"].choices = [(block.anchor, block.excerpt) for block in blocks]
        self.fields["anchor"].error_messages["invalid_choice"] = _(
            "That paragraph is no longer in the reading: choose another."
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason.")},
    )


class PeerReviewForm(forms.Form):
    """One level per criterion of the task's rubric, and written feedback."""

    feedback = forms.CharField(
        label=_("Your feedback"),
        max_length=MAX_POST_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What works, and what would make it better. Markdown is allowed."),
        error_messages={
            "required": _("Write your feedback: what works, and what would improve it.")
        },
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=[(code, f"{label}: {text}") for code, label, text in criterion.levels],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a level for this criterion.")},
            )
        self.order_fields([f"criterion_{criterion.pk}" for criterion in criteria] + ["feedback"])

    def marks(self) -> dict[int, str]:
        return {
            criterion.pk: self.cleaned_data[f"criterion_{criterion.pk}"]
            for criterion in self.criteria
        }

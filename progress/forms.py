import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import access
from curriculum.models import ACCEPTING_LEVELS
from ediplomacy.lib.text import word_count
from progress.models import AlternativeEvidence

TEXT_LIMIT = 10_000


class ListeningEntryForm(forms.Form):
    followed = forms.CharField(
        label=_("What did you follow today?"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The accounts, pages, feeds or documents you read or watched."),
    )
    learned = forms.CharField(
        label=_("What did you learn?"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One or two things worth keeping, and why they matter to your work."),
    )


class PracticeForm(forms.Form):
    text = forms.CharField(
        label=_("Your work"),
        required=False,
        max_length=TEXT_LIMIT * 3,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Write or paste your work here, or give a link below, or both."),
    )
    link = forms.URLField(
        label=_("Link to your work"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For example a shared document or a published post."),
    )

    def __init__(self, *args, rubric=None, self_assessed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = []
        if self_assessed:
            for index, item in enumerate(rubric or []):
                name = f"criterion_{index}"
                self.fields[name] = forms.BooleanField(
                    label=_("My work meets “%(criterion)s”") % {"criterion": item.name},
                    required=False,
                )
                self.criteria.append(name)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text") or "").strip() and not cleaned.get("link"):
            raise forms.ValidationError(_("Add your work as text, a link, or both."))
        return cleaned

    def self_assessment(self) -> dict[str, bool]:
        return {
            name.removeprefix("criterion_"): self.cleaned_data.get(name, False)
            for name in self.criteria
        }


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your reflection"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, min_words=30, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_words = min_words
        self.fields["text"].help_text = ngettext(
            "At least %(count)s word.", "At least %(count)s words.", min_words
        ) % {"count": min_words}

    def clean_text(self):
        text = self.cleaned_data["text"]
        words = word_count(text)
        if words < self.min_words:
            raise forms.ValidationError(
                ngettext(
                    "Write at least %(count)s word; you have %(words)s.",
                    "Write at least %(count)s words; you have %(words)s.",
                    self.min_words,
                )
                % {"count": self.min_words, "words": words}
            )
        return text


class CheckinForm(forms.Form):
    followers = forms.IntegerField(
        label=_("Followers today"),
        min_value=0,
        max_value=1_000_000_000,
        help_text=_("A whole number."),
    )
    account = forms.CharField(
        label=_("Account"),
        required=False,
        max_length=200,
        help_text=_("Which professional account, for example your handle on Twitter/X."),
    )


class IdsModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids that are not database ids before they reach a query."""

    def _check_values(self, value):
        from ediplomacy.lib.ids import parse_id

        for item in value:
            if parse_id(item) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Cohort name"), max_length=200)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    starts_on = forms.DateField(
        label=_("Start date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Every member's day, month and year are counted from this date."),
    )
    length_days = forms.IntegerField(
        label=_("Programme length in days"),
        min_value=7,
        max_value=3650,
        initial=365,
        help_text=_("365 is the standard year; a shorter course keeps the 1 : 30 : 365 ratio."),
    )
    trainers = IdsModelMultipleChoiceField(
        label=_("Trainers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People with the trainer or organisation administrator role."),
    )

    def __init__(self, *args, organisations, trainers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        only = list(organisations[:2])
        if len(only) == 1:
            self.fields["organisation"].initial = only[0]
            self.fields["organisation"].widget = forms.HiddenInput()
        self.fields["trainers"].queryset = trainers
        self.fields["trainers"].label_from_instance = lambda user: f"{user} ({user.email})"

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        today = timezone.localdate()  # the trainer's own day, not the server's
        if (
            not today - datetime.timedelta(days=5 * 366)
            <= starts_on
            <= today + datetime.timedelta(days=2 * 366)
        ):
            raise forms.ValidationError(
                _("Choose a start within the last five years or the next two.")
            )
        return starts_on

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        trainers = cleaned.get("trainers") or []
        if organisation and trainers:
            # One query for all the chosen trainers (one membership per person
            # and organisation), not one per trainer.
            able = (
                access.trainers_eligible(organisations=[organisation])
                .filter(pk__in=[trainer.pk for trainer in trainers])
                .count()
            )
            if able < len(trainers):
                self.add_error(
                    "trainers", _("Every trainer must belong to the cohort's organisation.")
                )
        return cleaned


class AddLearnersForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=200_000,
        help_text=_("One or more per line, separated by commas, spaces or new lines."),
    )
    csv_file = forms.FileField(
        label=_("Or upload a CSV file"),
        required=False,
        help_text=_(
            "Columns: email, display name, language (a code such as en, fr or es; optional). "
            "A header row is allowed. Save it as CSV UTF-8."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_csv_file(self):
        upload = self.cleaned_data.get("csv_file")
        if upload is None:
            return None
        if upload.size > settings.LEARNER_CSV_MAX_BYTES:
            limit = settings.LEARNER_CSV_MAX_BYTES // 1000
            raise forms.ValidationError(
                _("The file is larger than %(limit)s kB.") % {"limit": limit}
            )
        name = upload.name.lower()
        if not name.endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a .csv file (CSV UTF-8)."))
        return upload

    def clean(self):
        cleaned = super().clean()
        empty = not (cleaned.get("emails") or "").strip() and not cleaned.get("csv_file")
        if empty and not self.errors:
            raise forms.ValidationError(_("Paste some addresses or choose a CSV file."))
        return cleaned


class ReviewForm(forms.Form):
    """A level for each criterion of the rubric, then the decision and feedback.

    The rule, as the form says it: work is accepted only when every criterion
    meets or exceeds; otherwise it goes back with feedback."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("return", _("Return with feedback"))],
        widget=forms.RadioSelect,
        help_text=_("Accept only when every criterion meets or exceeds."),
    )
    feedback = forms.CharField(
        label=_("Feedback to the learner"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Required when you return the work: say what to improve, criterion by criterion."
        ),
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        # One radio group per criterion, first in the form: the levels lead to the decision.
        marks = {}
        for criterion in criteria:
            marks[f"criterion_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name,
                choices=[(code, f"{label}: {text}") for code, label, text in criterion.levels],
                widget=forms.RadioSelect,
                help_text=_("%(description)s Example of meeting it: %(example)s")
                % {"description": criterion.description, "example": criterion.example},
                error_messages={"required": _("Choose a level for this criterion.")},
            )
        self.criteria = {f"criterion_{criterion.pk}": criterion for criterion in criteria}
        self.fields = {**marks, **self.fields}

    def criterion_fields(self):
        return [(self[name], criterion) for name, criterion in self.criteria.items()]

    def other_fields(self):
        return [self[name] for name in self.fields if name not in self.criteria]

    def marks(self) -> dict[int, str]:
        return {
            criterion.pk: self.cleaned_data[name]
            for name, criterion in self.criteria.items()
            if self.cleaned_data.get(name)
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("feedback") or "").strip():
            self.add_error("feedback", _("Say what to improve when you return work."))
        if cleaned.get("decision") == "accept":
            for name in self.criteria:
                if cleaned.get(name) and cleaned[name] not in ACCEPTING_LEVELS:
                    self.add_error(
                        name,
                        _(
                            "Work is accepted only when every criterion meets or exceeds: "
                            "return it with feedback, or change this level."
                        ),
                    )
        return cleaned

    def add_marks_errors(self, by_criterion: dict[int, str]) -> None:
        """Shows the service's refusals beside their criteria."""
        for name, criterion in self.criteria.items():
            if criterion.pk in by_criterion:
                self.add_error(name, by_criterion[criterion.pk])


class AlternativeEvidenceForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Where your evidence comes from"),
        choices=AlternativeEvidence.Source.choices,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("Describe your evidence"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "For an institutional account: which account, your part in it, and its "
            "follower figures month by month. For practice work: what you did and where your "
            "trainer can see it."
        ),
    )


class EvidenceReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return with feedback"))],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label=_("Feedback to the learner"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return it: say what is missing."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("feedback") or "").strip():
            self.add_error(
                "feedback", _("Say what is missing when you return alternative evidence.")
            )
        return cleaned


class PauseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

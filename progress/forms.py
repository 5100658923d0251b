from django import forms

TEXT_LIMIT = 10_000


class ListeningEntryForm(forms.Form):
    followed = forms.CharField(
        label="What did you follow today?",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The accounts, pages, feeds or documents you read or watched.",
    )
    learned = forms.CharField(
        label="What did you learn?",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One or two things worth keeping, and why they matter to your work.",
    )


class PracticeForm(forms.Form):
    text = forms.CharField(
        label="Your work",
        required=False,
        max_length=TEXT_LIMIT * 3,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Write or paste your work here, or give a link below, or both.",
    )
    link = forms.URLField(
        label="Link to your work",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For example a shared document or a published post.",
    )

    def __init__(self, *args, rubric=None, self_assessed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = []
        if self_assessed:
            for index, item in enumerate(rubric or []):
                name = f"criterion_{index}"
                self.fields[name] = forms.BooleanField(
                    label=f"My work meets “{item['criterion']}”", required=False
                )
                self.criteria.append(name)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text") or "").strip() and not cleaned.get("link"):
            raise forms.ValidationError("Add your work as text, a link, or both.")
        return cleaned

    def self_assessment(self) -> dict[str, bool]:
        return {
            name.removeprefix("criterion_"): self.cleaned_data.get(name, False)
            for name in self.criteria
        }


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label="Your reflection", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, min_words=30, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_words = min_words
        self.fields["text"].help_text = f"At least {min_words} words."

    def clean_text(self):
        text = self.cleaned_data["text"]
        words = len(text.split())
        if words < self.min_words:
            raise forms.ValidationError(f"Write at least {self.min_words} words; you have {words}.")
        return text


class CheckinForm(forms.Form):
    followers = forms.IntegerField(
        label="Followers today", min_value=0, max_value=1_000_000_000, help_text="A whole number."
    )
    account = forms.CharField(
        label="Account",
        required=False,
        max_length=200,
        help_text="Which professional account, for example your handle on Twitter/X.",
    )

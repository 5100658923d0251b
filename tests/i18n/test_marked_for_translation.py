"""Every word a person reads is marked for translation (tests/i18n/linter.py)."""

from pathlib import Path

import pytest

from tests.i18n.linter import python_findings, template_findings

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "competences", "curriculum", "progress", "reports", "credentials", "ediplomacy"]


def templates() -> list[Path]:
    found = sorted((ROOT / "templates").rglob("*"))
    for app in APPS:
        found += sorted((ROOT / app / "templates").rglob("*"))
    return [path for path in found if path.suffix in {".html", ".txt", ".svg"}]


def modules() -> list[Path]:
    return [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_templates_show_no_text_outside_translation_tags():
    findings = [str(f) for path in templates() for f in template_findings(path, ROOT)]

    assert findings == [], "Mark these with {% translate %}:\n" + "\n".join(findings)


def test_python_shows_no_text_outside_translation_calls():
    findings = [str(f) for path in modules() for f in python_findings(path, ROOT)]

    assert findings == [], "Mark these with gettext:\n" + "\n".join(findings)


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("<p>Hello</p>", ["Hello"]),
        ('<p>{% translate "Hello" %}</p>', []),
        ("<p>{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}</p>", []),
        ('<button aria-label="Close">&times;</button>', ["Close (in a tag)"]),
        ("<p>{{ count }} · {{ total }}</p>", []),
        ("<script>let label = 'x';</script><style>a{}</style>", []),
        ("{# a note #}{% comment %}Notes{% endcomment %}<!-- html note -->", []),
        ('<p>{{ value|default:"None yet" }}</p>', ['{{ value|default:"None yet" }}']),
        ('<p>{{ value|default:_("None yet") }}</p>', []),
        ("<a>ediplomacy</a> <b>e</b>", []),
        ("<p>Step {{ n }} of {{ total }}</p>", ["Step of"]),
    ],
)
def test_the_template_check_finds_what_it_looks_for(tmp_path, source, found):
    path = tmp_path / "page.html"
    path.write_text(source)

    assert [f.text for f in template_findings(path, tmp_path)] == found


@pytest.mark.parametrize(
    ("source", "count"),
    [
        ('messages.success(request, "Saved.")', 1),
        ('messages.success(request, f"{name} saved.")', 1),
        ('messages.success(request, _("Saved."))', 0),
        ('messages.success(request, _("%(name)s saved.") % {"name": name})', 0),
        ('raise ValidationError("Choose a day.")', 1),
        ('raise ValidationError(gettext("Choose a day."))', 0),
        ('forms.CharField(label="Your name", help_text=_("Optional."))', 1),
        ('self.fields["text"].help_text = f"At least {count} words."', 1),
        ('self.fields["text"].help_text = ngettext("One word.", "%(n)s words.", n)', 0),
        ('models.CharField("preferred language", max_length=8)', 1),
        ('models.ForeignKey("accounts.User", on_delete=models.CASCADE)', 0),
        ('class Role(models.TextChoices):\n    TRAINER = "trainer", "Trainer"', 1),
        ('class Role(models.TextChoices):\n    TRAINER = "trainer", _("Trainer")', 0),
        ('send_mail("Your invitation", body, None, [to])', 1),
        ('raise StudyError("This task is already complete.")', 1),
        ('raise StudyError(_("This task is already complete."))', 0),
        ('raise ValueError("Bad slug in the content file.")', 0),
        ('self.add_error("feedback", "Say what to improve.")', 1),
        ('forms.ChoiceField(choices=[("accept", "Accept"), ("return", _("Return"))])', 1),
        (
            "from django.utils.translation import gettext as _\n"
            'class F(forms.Form):\n    name = forms.CharField(label=_("Name"))',
            1,
        ),
        (
            "from django.utils.translation import gettext as _\n"
            'def view(request):\n    return _("Saved.")',
            0,
        ),
    ],
)
def test_the_python_check_finds_what_it_looks_for(tmp_path, source, count):
    path = tmp_path / "module.py"
    path.write_text(source)

    assert len(python_findings(path, tmp_path)) == count

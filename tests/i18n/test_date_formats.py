"""Dates are written the reader's way: templates name a format, and every
language has each format the templates name."""

import datetime
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.i18n.linter import fixed_date_findings

ROOT = Path(__file__).resolve().parents[2]
# Every app's templates, and the project's: a fixed pattern is wrong anywhere.
SKIP = {".venv", "node_modules", "staticfiles", "var", "bench", "tests", ".git"}


def every_template() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("templates/**/*"))
        if path.suffix in {".html", ".txt", ".svg"}
        and not SKIP.intersection(path.relative_to(ROOT).parts)
    ]


def test_templates_write_dates_with_named_formats():
    findings = [str(f) for path in every_template() for f in fixed_date_findings(path, ROOT)]

    assert findings == [], 'Name a format (date:"DATE_FORMAT"):\n' + "\n".join(findings)


def test_every_app_has_templates_checked():
    checked = {path.relative_to(ROOT).parts[0] for path in every_template()}

    assert {"progress", "sandbox", "api", "discussions", "sso", "templates"} <= checked


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('{{ day|date:"j F Y" }}', ['|date:"j F Y"']),
        ("{{ at|date:'j M, H:i' }}", ["|date:'j M, H:i'"]),
        ('{{ at|time:"H:i" }}', ['|time:"H:i"']),
        ('{% now "j F Y" %}', ['{% now "j F Y"']),
        ('{{ day|date:"DATE_FORMAT" }} {{ at|time:"TIME_FORMAT" }}', []),
        ("<time datetime=\"{{ at|date:'c' }}\">{{ day|date:'Y-m-d' }}</time>", []),
        ("{{ day|date }}", []),
    ],
)
def test_the_date_check_finds_fixed_patterns(tmp_path, source, found):
    path = tmp_path / "page.html"
    path.write_text(source)

    assert [f.text for f in fixed_date_findings(path, tmp_path)] == found


MOMENT = datetime.datetime(2026, 11, 9, 17, 5)


def _render(language: str, format_name: str) -> str:
    with translation.override(language):
        return Template(f'{{{{ moment|date:"{format_name}" }}}}').render(
            Context({"moment": MOMENT})
        )


@pytest.mark.parametrize(
    ("language", "format_name", "expected"),
    [
        ("en", "DATETIME_FORMAT", "9 November 2026, 17:05"),
        ("en", "TIME_FORMAT", "17:05"),
        ("fr", "DATE_FORMAT", "9 novembre 2026"),
        ("fr", "DATETIME_FORMAT", "9 novembre 2026 17:05"),
        ("fr", "SHORT_DATETIME_FORMAT", "09/11/2026 17:05"),
        ("fr", "YEAR_MONTH_FORMAT", "novembre 2026"),
        ("es", "DATE_FORMAT", "9 de noviembre de 2026"),
        # Arabic: the day before the month, and its own hours.
        ("ar", "DATE_FORMAT", "9 نوفمبر، 2026"),
        ("ar", "DATETIME_FORMAT", "9 نوفمبر، 2026، 5:05 م"),
        ("ar", "SHORT_DATETIME_FORMAT", "09\u200f/11\u200f/2026 5:05 م"),
        ("ar", "TIME_FORMAT", "5:05 م"),
        # Chinese: year, month, day; no zero before a month.
        ("zh-hans", "DATE_FORMAT", "2026年11月9日"),
        ("zh-hans", "DATETIME_FORMAT", "2026年11月9日 17:05"),
        ("zh-hans", "MONTH_DAY_FORMAT", "11月9日"),
        ("zh-hans", "YEAR_MONTH_FORMAT", "2026年11月"),
        ("ru", "MONTH_DAY_FORMAT", "9 ноября"),
    ],
)
def test_named_formats_write_each_language_its_own_way(language, format_name, expected):
    assert _render(language, format_name) == expected


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar", "ru", "zh-hans"])
@pytest.mark.parametrize(
    "format_name",
    ["DATETIME_FORMAT", "SHORT_DATETIME_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT"],
)
def test_no_language_falls_back_to_the_american_order(language, format_name):
    # Django's global default ("N j, Y, P") puts the month first, with a comma
    # after the day and "a.m."/"p.m.": a language missing a format shows it.
    rendered = _render(language, format_name)

    assert "Nov." not in rendered and "p.m." not in rendered and "9, 2026" not in rendered

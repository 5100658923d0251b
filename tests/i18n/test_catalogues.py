"""Every language the interface speaks has a whole catalogue, and its compiled
form is the one its .po file makes (docs/i18n.md).

The .mo files are committed beside their .po files so that the app runs from a
checkout; `make messages` rebuilds them with gettext's msgfmt, and this test
fails when one was not rebuilt after its .po changed.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import to_locale

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
SPOKEN = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]

pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="needs gettext's msgfmt (apt install gettext)"
)


def catalogue(code: str) -> Path:
    return LOCALE / to_locale(code) / "LC_MESSAGES" / "django.po"


def statistics(po: Path) -> dict[str, int]:
    """msgfmt's count of translated, fuzzy and untranslated messages."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    )
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", result.stderr):
        counts[kind] = int(number)
    return counts


def test_english_is_the_source_and_every_other_language_has_a_catalogue():
    assert settings.LANGUAGE_CODE == "en"
    assert SPOKEN, "no language but English is switched on"
    for code in SPOKEN:
        assert catalogue(code).exists(), f"{code} is switched on without a catalogue"


@pytest.mark.parametrize("code", SPOKEN)
def test_the_catalogue_is_complete_with_nothing_fuzzy(code):
    counts = statistics(catalogue(code))

    assert counts["translated"] > 0
    assert (counts["fuzzy"], counts["untranslated"]) == (0, 0), counts


@pytest.mark.parametrize("code", SPOKEN)
def test_the_compiled_catalogue_is_the_one_its_po_file_makes(code, tmp_path):
    po = catalogue(code)
    built = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(built), str(po)], check=True)

    assert (po.with_suffix(".mo")).read_bytes() == built.read_bytes(), (
        f"{po.with_suffix('.mo')} is stale: run `make messages`"
    )


@pytest.mark.parametrize("code", SPOKEN)
def test_django_reads_the_catalogue(code):
    with translation.override(code):
        assert translation.gettext("Skip to main content") != "Skip to main content"
        assert translation.pgettext("milestone", "Acquainted") != "Acquainted"

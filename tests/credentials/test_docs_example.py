"""The worked example of docs/credentials.md runs, against a live server, as written."""

import contextlib
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone

from credentials import services
from tests.credentials.helpers import milestone_credential
from tests.factories import enrol

pytestmark = pytest.mark.django_db(transaction=True)

DOC = Path(__file__).resolve().parents[2] / "docs" / "credentials.md"


def example() -> str:
    (code,) = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    return code


def run_example(site: str, token: str, folder: Path) -> str:
    (folder / "credential.jwt").write_text(token)
    code = example().replace('SITE = "https://ediplomacy.example"', f'SITE = "{site}"')
    code = code.replace('open("credential.jwt")', f'open("{folder / "credential.jwt"}")')
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, str(DOC), "exec"), {})
    return output.getvalue()


def test_the_worked_example_verifies_and_then_sees_the_revocation(
    live_server, settings, programme, tmp_path, cohort, trainer
):
    settings.SITE_URL = live_server.url  # the status list's address, inside the credential
    credential = milestone_credential(enrol(cohort, "amina@mfa.example", "Amina Diallo"))

    assert run_example(live_server.url, credential.token, tmp_path).splitlines() == [
        "Acquainted: the day milestone of digital diplomacy for Amina Diallo",
        "valid",
    ]

    services.credential_revoke(
        credential=credential, by=trainer, reason="Issued in error", now=timezone.now()
    )
    assert run_example(live_server.url, credential.token, tmp_path).splitlines()[-1] == "REVOKED"

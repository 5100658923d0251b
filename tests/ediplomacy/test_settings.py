import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ediplomacy.lib.email import email_settings
from ediplomacy.lib.env import envbool, envint, envlist, envstr

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3y-" + "x7Qp9vR2mZ8wL4tN6yB1cF5hJ0dS3gA" * 2,
    "ALLOWED_HOSTS": "ediplomacy.example",
    "SITE_URL": "https://ediplomacy.example",
    "DATABASE_URL": "sqlite:///:memory:",
    "EMAIL_URL": "smtp://mailer:secret@smtp.example:587/?tls=1",
    "DEFAULT_FROM_EMAIL": "ediplomacy <no-reply@ediplomacy.example>",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in PRODUCTION_ENV}
    clean.pop("SECURE_SSL_REDIRECT", None)
    clean.pop("STATIC_MANIFEST", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_envbool_reads_common_spellings(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("On", True), ("0", False), ("false", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert envbool("FLAG", not expected) is expected


def test_envbool_rejects_a_misspelt_value(monkeypatch):
    monkeypatch.setenv("FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be a boolean"):
        envbool("FLAG", False)


def test_envint_rejects_letters_and_values_below_minimum(monkeypatch):
    monkeypatch.setenv("COUNT", "12s")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        envint("COUNT", 1)
    monkeypatch.setenv("COUNT", "-3")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        envint("COUNT", 1, minimum=0)


def test_envint_and_envlist_use_defaults_when_unset(monkeypatch):
    monkeypatch.delenv("COUNT", raising=False)
    monkeypatch.delenv("HOSTS", raising=False)
    assert envint("COUNT", 7) == 7
    assert envlist("HOSTS", ["a"]) == ["a"]
    monkeypatch.setenv("HOSTS", " a.example, b.example ,")
    assert envlist("HOSTS", []) == ["a.example", "b.example"]


def test_envstr_required_fails_loudly(monkeypatch):
    monkeypatch.setenv("NAME", "")
    with pytest.raises(ImproperlyConfigured, match="NAME must be set"):
        envstr("NAME", required=True)


def test_email_url_smtp_with_starttls():
    parsed = email_settings("smtp://user%40x:p%2Fw@mail.example:2525/?tls=1")
    assert parsed["EMAIL_HOST"] == "mail.example"
    assert parsed["EMAIL_PORT"] == 2525
    assert parsed["EMAIL_HOST_USER"] == "user@x"
    assert parsed["EMAIL_HOST_PASSWORD"] == "p/w"
    assert parsed["EMAIL_USE_TLS"] is True
    assert parsed["EMAIL_USE_SSL"] is False


def test_email_url_file_and_console():
    assert email_settings("file:///tmp/mail")["EMAIL_FILE_PATH"] == "/tmp/mail"
    assert email_settings("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")


@pytest.mark.parametrize(
    "url", ["smtps://host/?tls=1", "smtp:///nohost", "pigeon://coop", "smtp://h:99999999/"]
)
def test_email_url_rejects_what_it_cannot_use(url):
    with pytest.raises(ImproperlyConfigured):
        email_settings(url)


def test_production_settings_pass_check_deploy_with_no_issue():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_secret_key_refuses_to_serve():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    clean = {key: value for key, value in os.environ.items() if key not in PRODUCTION_ENV}
    result = subprocess.run(
        [sys.executable, "-c", "import ediplomacy.wsgi"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_debug_off_without_secret_key_fails_the_deploy_check():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, "SECRET_KEY": ""}
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_tools_that_sign_nothing_run_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = manage("makemigrations", "--check", "--dry-run", env={**env, "SECRET_KEY": ""})
    assert result.returncode == 0, result.stderr


def test_misspelt_boolean_setting_refuses_to_start():
    result = manage("check", env={**PRODUCTION_ENV, "DEBUG": "nope"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_relative_site_url_refuses_to_start():
    result = manage("check", env={**PRODUCTION_ENV, "SITE_URL": "ediplomacy.example"})
    assert result.returncode != 0
    assert "SITE_URL must be an absolute" in result.stderr


def test_env_example_documents_every_variable_the_settings_read():
    import re

    settings_source = (ROOT / "ediplomacy" / "settings.py").read_text()
    read = set(re.findall(r'env(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings_source))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "the settings read variables through the typed helpers"
    assert read <= documented, f"undocumented: {sorted(read - documented)}"

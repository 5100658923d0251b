"""The service provider's SAML key pair, read from files named in the
environment: both or neither, and a file that cannot be read stops the start."""

from tests.ediplomacy.test_settings import manage
from tests.sso.idp import key_and_certificate


def test_a_key_without_its_certificate_refuses_to_start(tmp_path):
    key_file, _cert_file = key_and_certificate(tmp_path, "sp")

    done = manage("check", env={"DEBUG": "1", "SAML_SP_PRIVATE_KEY_FILE": str(key_file)})

    assert done.returncode != 0
    assert "go together: set both or neither" in done.stderr


def test_a_missing_file_is_named(tmp_path):
    missing = tmp_path / "nowhere.crt"

    done = manage(
        "check",
        env={
            "DEBUG": "1",
            "SAML_SP_CERTIFICATE_FILE": str(missing),
            "SAML_SP_PRIVATE_KEY_FILE": str(missing),
        },
    )

    assert done.returncode != 0
    assert f"SAML_SP_CERTIFICATE_FILE: cannot read {missing}" in done.stderr


def test_both_files_start_the_site(tmp_path):
    key_file, cert_file = key_and_certificate(tmp_path, "sp")

    done = manage(
        "check",
        env={
            "DEBUG": "1",
            "SAML_SP_CERTIFICATE_FILE": str(cert_file),
            "SAML_SP_PRIVATE_KEY_FILE": str(key_file),
        },
    )

    assert done.returncode == 0, done.stderr

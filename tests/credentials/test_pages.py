"""The learner's credentials page, its downloads, and the public verification page."""

import io
import struct
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import AuditEvent
from credentials import services
from credentials.models import Credential
from tests.credentials.helpers import milestone_credential, outsider_check
from tests.factories import enrol
from tests.helpers import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

PINNED = "2026-03-14 10:00:00+00:00"


def test_the_learner_sees_their_credentials_and_nobody_elses(client, learner):
    mine = milestone_credential(learner)
    someone_else = milestone_credential(enrol(learner.cohort, "bruno@mfa.example", "Bruno"))
    client.force_login(learner.user)

    page = client.get(reverse("credentials:mine")).content.decode()

    assert str(mine.public_id) in page
    assert str(someone_else.public_id) not in page
    assert (
        client.get(reverse("credentials:download_json", args=[someone_else.public_id])).status_code
        == 404
    )


def test_an_unshared_credential_has_no_public_page(client, learner):
    credential = milestone_credential(learner)

    assert client.get(credential.get_absolute_url()).status_code == 404
    assert client.get(reverse("credentials:verify", args=["not-a-uuid"])).status_code == 404


def test_sharing_opens_the_public_page_with_only_what_was_shared(client, learner):
    credential = milestone_credential(learner)
    client.force_login(learner.user)
    prefix = str(credential.public_id)

    client.post(
        reverse("credentials:share", args=[credential.public_id]),
        {f"{prefix}-shared": "on", f"{prefix}-share_name": "on"},
    )
    client.logout()
    named = client.get(credential.get_absolute_url()).content.decode()

    assert "Verified." in named
    assert "Amina Diallo" in named and "Acquainted" in named
    assert learner.user.email not in named and learner.cohort.name not in named

    client.force_login(learner.user)
    client.post(
        reverse("credentials:share", args=[credential.public_id]), {f"{prefix}-shared": "on"}
    )
    client.logout()
    anonymous = client.get(credential.get_absolute_url()).content.decode()

    assert "Amina Diallo" not in anonymous and "Acquainted" in anonymous
    # The signed credential names the learner: not downloadable when they hid their name.
    assert (
        client.get(reverse("credentials:public_jwt", args=[credential.public_id])).status_code
        == 404
    )


def test_a_revoked_credential_says_so_on_its_public_page(client, learner, trainer):
    credential = milestone_credential(learner, shared=True)
    # Revoking unshares; a learner who shared it before may have handed out the link.
    services.credential_revoke(
        credential=credential, by=trainer, reason="Mistake", now=timezone.now()
    )
    Credential.objects.filter(pk=credential.pk).update(shared=True)

    page = client.get(credential.get_absolute_url()).content.decode()

    assert "Revoked." in page and "Verified." not in page


@time_machine.travel(PINNED, tick=False)
def test_the_certificate_shows_learner_achievement_date_and_a_working_link(client, learner):
    credential = milestone_credential(learner, shared=True)
    client.force_login(learner.user)

    response = client.get(reverse("credentials:certificate", args=[credential.public_id]))

    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    url = f"http://127.0.0.1:8000/verify/{credential.public_id}/"
    assert "Amina Diallo" in text
    assert "Acquainted" in text
    assert "14 March 2026" in text
    assert url in text
    links = [
        annotation.get_object()["/A"]["/URI"]
        for annotation in reader.pages[0]["/Annots"]
        if annotation.get_object().get("/A")
    ]
    assert url in links
    client.logout()
    assert client.get(urlsplit(url).path).status_code == 200


def test_an_unshared_credential_asks_to_be_shared_before_its_certificate(client, learner):
    credential = milestone_credential(learner)
    client.force_login(learner.user)

    response = client.get(reverse("credentials:certificate", args=[credential.public_id]))

    assert response.status_code == 302


def _png_text_chunks(data: bytes) -> dict[str, str]:
    chunks, offset = {}, 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"iTXt":
            keyword, rest = body.split(b"\0", 1)
            compressed, _method, rest = rest[0], rest[1], rest[2:]
            _language, _translated, text = rest.split(b"\0", 2)
            chunks[keyword.decode()] = (zlib.decompress(text) if compressed else text).decode()
        offset += 12 + length
    return chunks


def test_the_badges_carry_the_signed_credential(client, learner):
    credential = milestone_credential(learner)
    client.force_login(learner.user)

    png = client.get(reverse("credentials:badge_png", args=[credential.public_id])).content
    svg = client.get(reverse("credentials:badge_svg", args=[credential.public_id])).content.decode()

    assert png.startswith(b"\x89PNG")
    assert _png_text_chunks(png)["openbadgecredential"] == credential.token
    assert f"<![CDATA[{credential.token}]]>" in svg
    assert outsider_check(client, _png_text_chunks(png)["openbadgecredential"])


def test_the_linkedin_link_fills_in_the_certification(client, learner):
    credential = milestone_credential(learner, shared=True)
    client.force_login(learner.user)

    response = client.get(reverse("credentials:mine"))

    (link,) = [
        line.split('href="')[1].split('"')[0].replace("&amp;", "&")
        for line in response.content.decode().splitlines()
        if "linkedin.com/profile/add" in line
    ]
    parts = urlsplit(link)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert parts.netloc == "www.linkedin.com" and parts.path == "/profile/add"
    assert query["startTask"] == "CERTIFICATION_NAME"
    assert query["name"] == credential.achievement_name
    assert query["organizationName"] == "Ministry of Foreign Affairs"
    assert query["issueYear"] == str(credential.issued_at.year)
    assert query["issueMonth"] == str(credential.issued_at.month)
    assert query["certId"] == str(credential.public_id)
    assert query["certUrl"].endswith(credential.get_absolute_url())


def test_a_trainer_revokes_with_a_reason_and_it_is_audited(client, learner, trainer):
    credential = milestone_credential(learner)
    client.force_login(trainer)
    url = reverse("credentials:revoke", args=[credential.public_id])

    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()

    response = client.post(url, {"reason": "The practice work was copied."})

    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.is_revoked and credential.revoked_by == trainer
    event = AuditEvent.objects.get(action="credential_revoked")
    assert event.actor == trainer and event.detail["reason"] == "The practice work was copied."
    assert event.organisation == learner.cohort.organisation


def test_the_organisation_admin_chooses_what_issues_credentials(client, learner, org_admin):
    client.force_login(org_admin)
    url = reverse("credentials:policy", args=[learner.cohort.organisation.slug])

    bad = client.post(url, {"achievements": ["competence:curate"], "logo": io.BytesIO(b"nope")})
    assert "The logo must be a PNG or JPEG image." in bad.content.decode()

    response = client.post(url, {"achievements": ["competence:curate"], "issuer_name": "Farnesina"})

    assert response.status_code == 302
    policy = learner.cohort.organisation.issuing_policy
    assert policy.achievements == ["competence:curate"] and policy.issuer_name == "Farnesina"
    assert AuditEvent.objects.filter(action="credential_policy_changed").exists()


def test_the_status_list_runs_two_queries_whatever_the_number_of_credentials(client, cohort):
    def grow(size):
        for n in range(size):
            credential = milestone_credential(enrol(cohort, f"grow{size}-{n}@mfa.example"))
            if n % 2:
                Credential.objects.filter(pk=credential.pk).update(
                    revoked_at=timezone.now(), revoked_reason="test"
                )

    measured = assert_queries_do_not_grow(
        lambda _: client.get(reverse("credentials:status_list")), grow, sizes=(2, 8)
    )
    assert len(measured.large) == 2  # the highest index, the revoked indexes


def test_my_credentials_page_does_not_grow_with_the_credentials(client, cohort):
    user = enrol(cohort, "many@mfa.example").user
    client.force_login(user)

    def grow(size):
        for n in range(size):
            milestone_credential(enrol(cohort, f"page{size}-{n}@mfa.example"))
            Credential.objects.filter(user__email=f"page{size}-{n}@mfa.example").update(user=user)

    # The session, the user, the roles, the credentials, the unread notifications
    # (a learner manages no organisation and trains no cohort: no query for them).
    measured = assert_queries_do_not_grow(
        lambda _: client.get(reverse("credentials:mine")), grow, warm=True
    )
    assert len(measured.large) == 5


def test_the_cohort_credentials_page_does_not_grow_with_its_learners(client, cohort, trainer):
    client.force_login(trainer)
    url = reverse("credentials:cohort", args=[cohort.pk])

    def grow(size):
        for n in range(size):
            credential = milestone_credential(enrol(cohort, f"cohort{size}-{n}@mfa.example"))
            if n % 2:
                services.credential_revoke(
                    credential=credential, by=trainer, reason="test", now=timezone.now()
                )

    # The session, the user, the roles, the cohort, the credentials with their
    # learners and revokers, the unread notifications.
    measured = assert_queries_do_not_grow(lambda _: client.get(url), grow, warm=True)
    assert measured.result.status_code == 200
    assert len(measured.large) == 6

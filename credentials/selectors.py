"""Reads: a learner's credentials, a shared one, its verification, the status list."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Max, QuerySet
from django.http import Http404

from accounts.models import User
from competences.models import Competence
from credentials import jose, statuslist
from credentials.documents import absolute, status_list_document
from credentials.keys import active_key, verification_keys
from credentials.models import Credential

STATUS_LIST_TYPE = "vc+jwt"
LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


def parse_uuid(value: str) -> uuid.UUID:
    """A credential's public id from a URL; 404 for anything else."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404("No such credential.") from None


def credentials_of(*, user: User) -> QuerySet[Credential]:
    """The learner's own credentials, newest first: one query."""
    return Credential.objects.filter(user=user).exclude(token="").select_related("competence")


def credential_owned(*, user: User, public_id: str) -> Credential:
    """One of the learner's credentials; 404 for anyone else's."""
    credential = credentials_of(user=user).filter(public_id=parse_uuid(public_id)).first()
    if credential is None:
        raise Http404("No such credential.")
    return credential


def credential_shared(*, public_id: str) -> Credential:
    """A credential its learner chose to share; 404 for every other one, so
    the public page never tells that an unshared credential exists."""
    credential = (
        Credential.objects.filter(public_id=parse_uuid(public_id), shared=True)
        .exclude(token="")
        .select_related("user", "competence")
        .first()
    )
    if credential is None:
        raise Http404("No such credential.")
    return credential


@dataclass(frozen=True)
class Verification:
    """What a verifier finds: each check, and the credential's claims."""

    signature_valid: bool
    revoked: bool
    key_id: str
    claims: dict
    problem: str = ""

    @property
    def verifies(self) -> bool:
        return self.signature_valid and not self.revoked


def verification(credential: Credential) -> Verification:
    """Checks the stored credential as an outsider would: its signature against
    the published keys, and its bit in the status list."""
    public = {kid: key.public_raw for kid, key in verification_keys().items()}
    try:
        header, claims = jose.verify(credential.token, public)
    except jose.InvalidToken as error:
        return Verification(False, credential.is_revoked, "", {}, str(error))
    return Verification(True, credential.is_revoked, header.get("kid", ""), claims)


def status_list_token(*, now: datetime.datetime) -> str:
    """The revocation list, signed: two queries whatever the number of credentials."""
    highest = Credential.objects.aggregate(highest=Max("status_index"))["highest"]
    revoked = Credential.objects.filter(revoked_at__isnull=False).values_list(
        "status_index", flat=True
    )
    encoded = statuslist.encode(revoked, statuslist.length_for(highest))
    return jose.sign(
        status_list_document(encoded_list=encoded, now=now), active_key(), typ=STATUS_LIST_TYPE
    )


def jwks() -> dict:
    return {"keys": [key.jwk() for key in verification_keys().values()]}


def linkedin_url(credential: Credential, *, organisation_name: str) -> str:
    """LinkedIn's public "add a certification" link, filled in."""
    return (
        LINKEDIN_ADD
        + "?"
        + urlencode(
            {
                "startTask": "CERTIFICATION_NAME",
                "name": credential.achievement_name,
                "organizationName": organisation_name,
                "issueYear": credential.issued_at.year,
                "issueMonth": credential.issued_at.month,
                "certUrl": absolute(credential.get_absolute_url()),
                "certId": str(credential.public_id),
            }
        )
    )


def framework() -> list[Competence]:
    return list(Competence.objects.prefetch_related("outcomes").order_by("order"))

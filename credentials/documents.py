"""The JSON of an Open Badges 3.0 credential and of the revocation status list.

Both follow the W3C Verifiable Credentials 2.0 data model and are secured
with VC-JOSE (a compact JWS, alg EdDSA): a verifier checks them with the
published keys alone, without fetching any JSON-LD context.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from credentials.achievements import FRAMEWORK_NAME, Achievement

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPE = "vc+jwt"
PLATFORM_NAME = "ediplomacy"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Issuer:
    """Who the credential names as its issuer: the platform on behalf of an organisation."""

    name: str  # the organisation's name for credentials, or the platform's
    logo: bytes | None = None
    logo_type: str = ""

    @property
    def display_name(self) -> str:
        if self.name == PLATFORM_NAME:
            return PLATFORM_NAME
        return f"{self.name}, through {PLATFORM_NAME}"

    def logo_data_uri(self) -> str | None:
        if not self.logo:
            return None
        return f"data:{self.logo_type};base64,{base64.b64encode(self.logo).decode()}"


def issuer_profile(issuer: Issuer) -> dict:
    profile = {
        "id": absolute(reverse("credentials:issuer")),
        "type": ["Profile"],
        "name": issuer.display_name,
        "url": settings.SITE_URL,
        "description": (
            f"Credentials issued by the {PLATFORM_NAME} training platform"
            + ("" if issuer.name == PLATFORM_NAME else f" on behalf of {issuer.name}")
            + ". Public keys: "
            + absolute(reverse("credentials:jwks"))
        ),
    }
    if logo := issuer.logo_data_uri():
        profile["image"] = {"id": logo, "type": "Image", "caption": f"Logo of {issuer.name}"}
    return profile


def identity_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.lower() + salt).encode()).hexdigest()


def credential_document(
    *,
    public_id: str,
    achievement: Achievement,
    issuer: Issuer,
    learner_name: str,
    learner_email: str,
    earned_at: datetime.datetime,
    issued_at: datetime.datetime,
    status_index: int,
) -> dict:
    """The credential as it is signed: an OpenBadgeCredential."""
    salt = secrets.token_hex(8)
    status_list = absolute(reverse("credentials:status_list"))
    framework = absolute(reverse("credentials:framework"))
    alignments = [
        {
            "type": ["Alignment"],
            "targetName": name,
            "targetDescription": tagline,
            "targetFramework": FRAMEWORK_NAME,
            "targetType": "ceasn:Competency",
            "targetCode": anchor,
            "targetUrl": f"{framework}#{anchor}",
        }
        for name, tagline, anchor in achievement.alignments
    ] or [
        {
            "type": ["Alignment"],
            "targetName": FRAMEWORK_NAME,
            "targetFramework": FRAMEWORK_NAME,
            "targetType": "CFItem",
            "targetUrl": framework,
        }
    ]
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{public_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "description": achievement.description,
        "issuer": issuer_profile(issuer),
        "validFrom": iso(issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": learner_name,
                },
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": identity_hash(learner_email, salt),
                    "salt": salt,
                },
            ],
            "activityEndDate": iso(earned_at),
            "achievement": {
                "id": f"urn:ediplomacy:achievement:{achievement.key}",
                "type": ["Achievement"],
                "achievementType": "Competency" if achievement.kind == "competence" else "Badge",
                "name": achievement.name,
                "description": achievement.description,
                "criteria": {"narrative": achievement.narrative},
                "alignment": alignments,
                "creator": issuer_profile(Issuer(PLATFORM_NAME)),
            },
        },
        "credentialStatus": {
            "id": f"{status_list}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_list,
        },
    }


def status_list_document(*, encoded_list: str, now: datetime.datetime) -> dict:
    url = absolute(reverse("credentials:status_list"))
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile(Issuer(PLATFORM_NAME)),
        "validFrom": iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list,
        },
    }

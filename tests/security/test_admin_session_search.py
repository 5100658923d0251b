"""Staff search the sign-in sessions in the admin by address, name, IP or browser."""

import pytest
from allauth.usersessions.models import UserSession
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SESSIONS = "/admin/usersessions/usersession/"


@pytest.fixture
def sessions(db):
    now = timezone.now()
    for name, email, ip, agent in [
        ("Ada Abbot", "ada@mfa.example", "127.0.0.1", "Firefox on Linux"),
        ("Ben Baker", "ben@fs.example", "203.0.113.9", "Safari on iPhone"),
    ]:
        UserSession.objects.create(
            user=UserFactory(email=email, display_name=name),
            ip=ip,
            user_agent=agent,
            session_key=f"key-{email}",
            created_at=now,
            last_seen_at=now,
        )


@pytest.mark.parametrize(
    "query, found, not_found",
    [
        ("127.0.0.1", "Ada Abbot", "Ben Baker"),
        ("ben@fs.example", "Ben Baker", "Ada Abbot"),
        ("fs.example", "Ben Baker", "Ada Abbot"),
        ("Baker", "Ben Baker", "Ada Abbot"),
        ("Safari", "Ben Baker", "Ada Abbot"),
    ],
)
def test_staff_search_sessions_by_ip_address_name_or_browser(
    client, staff, sessions, query, found, not_found
):
    client.force_login(staff)

    response = client.get(SESSIONS, {"q": query})

    assert response.status_code == 200
    html = response.content.decode()
    assert found in html
    assert not_found not in html

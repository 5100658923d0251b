import io

import pytest
from django.urls import reverse

from progress.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_navigation_shows_each_role_its_own_areas(client, trainee, staff):
    client.force_login(trainee)
    html = client.get("/", follow=True).content.decode()
    assert "My programme" in html and "Administration" not in html

    client.force_login(staff)
    html = client.get("/", follow=True).content.decode()
    assert "Administration" in html


def test_anonymous_visitor_sees_log_in_and_sign_up(client):
    html = client.get("/").content.decode()
    assert reverse("account_login") in html and reverse("account_signup") in html


def test_profile_saves_name_time_zone_and_language(client, trainee):
    client.force_login(trainee)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "Envoy", "time_zone": "Asia/Seoul", "language": "fr"},
        follow=True,
    )
    assert "Your profile is saved." in response.content.decode()
    trainee.refresh_from_db()
    assert (trainee.display_name, trainee.time_zone, trainee.language) == (
        "Envoy",
        "Asia/Seoul",
        "fr",
    )


def test_profile_refuses_an_unknown_time_zone_beside_the_field(client, trainee):
    client.force_login(trainee)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "", "time_zone": "Mars/Olympus", "language": "en"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    trainee.refresh_from_db()
    assert trainee.time_zone == "UTC"


def test_profile_needs_log_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_unknown_page_gets_a_helpful_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_500_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html


def test_seed_demo_is_idempotent_and_its_users_can_log_in(client, settings):
    from django.core.management import call_command

    from accounts.models import Membership, Organisation, User

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    counts = (User.objects.count(), Membership.objects.count(), Organisation.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        User.objects.count(),
        Membership.objects.count(),
        Organisation.objects.count(),
    ) == counts
    assert User.objects.filter(is_staff=True, is_superuser=True).exists()
    assert set(Membership.objects.values_list("role", flat=True)) == set(Membership.Role.values)

    response = client.post(
        reverse("account_login"), {"login": "trainer@demo.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo")

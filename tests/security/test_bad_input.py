import datetime
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from progress import services
from progress.models import Invitation, Pause

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(organisation, programme, trainer):
    return services.cohort_create(
        organisation=organisation,
        programme=programme,
        name="C",
        starts_on=timezone.now().date(),
        length_days=365,
        trainers=[trainer],
    )


def test_member(client, org_admin, organisation):
    client.force_login(org_admin)
    for member in ["abc", "", "²", "99999999999999999999"]:
        try:
            r = client.post(
                reverse("accounts:people", args=[organisation.slug]),
                {"action": "role", "member": member, "role": "trainer"},
            )
            print(repr(member), r.status_code)
        except Exception as e:
            print(repr(member), "EXC", type(e), e)


def test_long_email(client, trainer, cohort):
    client.force_login(trainer)
    email = "a" * 250 + "@mfa.example"
    try:
        r = client.post(
            reverse("progress:cohort_add_learners", args=[cohort.pk]), {"emails": email}
        )
        print(r.status_code, Invitation.objects.values_list("email", flat=True))
    except Exception as e:
        print("EXC", type(e), e)


def test_big_cell(client, trainer, cohort):
    client.force_login(trainer)
    f = SimpleUploadedFile("l.csv", ("a@mfa.example," + "x" * 140_000 + "\n").encode())
    try:
        r = client.post(reverse("progress:cohort_add_learners", args=[cohort.pk]), {"csv_file": f})
        print(r.status_code)
    except Exception as e:
        print("EXC", type(e), e)


def test_pause_nul(client, trainee, programme):
    services.enrolment_create(user=trainee, programme=programme)
    client.force_login(trainee)
    try:
        r = client.post(reverse("progress:pause"), {"reason": "a\x00b"})
        print(r.status_code, Pause.objects.values_list("reason", flat=True))
    except Exception as e:
        print("EXC", type(e), e)


def test_far_dates(client, trainer, cohort, organisation, trainee, programme):
    services.enrolment_create(
        user=trainee, programme=programme, cohort=cohort, started_at=cohort.starts_at
    )
    client.force_login(trainer)
    for d in ["9999-12-31", "0001-01-01"]:
        try:
            r = client.post(
                reverse("progress:cohort_edit", args=[cohort.pk]),
                {
                    "name": "C",
                    "organisation": organisation.pk,
                    "starts_on": d,
                    "length_days": 365,
                    "trainers": [trainer.pk],
                    "confirm": "yes",
                },
            )
            print(d, "edit", r.status_code)
        except Exception as e:
            print(d, "edit EXC", type(e), e)
        try:
            r = client.post(
                reverse("progress:cohort_create"),
                {
                    "name": "D",
                    "organisation": organisation.pk,
                    "starts_on": d,
                    "length_days": 365,
                    "trainers": [trainer.pk],
                },
                follow=True,
            )
            print(d, "create", r.status_code)
            from progress.models import Cohort

            c = Cohort.objects.get(name="D")
            r = client.post(
                reverse("progress:cohort_add_learners", args=[c.pk]), {"emails": "zz@mfa.example"}
            )
            print(d, "add", r.status_code)
            r = client.get(reverse("progress:report"))
            print(d, "report", r.status_code)
            c.delete()
        except Exception as e:
            print(d, "create EXC", type(e), e)

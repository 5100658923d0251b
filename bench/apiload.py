"""The API's section of the bench: the list endpoints an HR or learning system
reads, under load and one request at a time.

A read-only token of the target cohort's organisation is made through the
service the token page uses (issued by the staff target, who may issue one
for any organisation); each endpoint is loaded by the Python loop with the
token's header (wrk's script signs in with sessions), then profiled
in-process: queries, CPU and SQL time.
"""

from bench.inprocess import profile_clients
from bench.pyload import python_load

PROFILE_REQUESTS = 5


def api_paths(targets: dict) -> dict[str, str]:
    cohort = targets["cohort"]
    return {
        "api_enrolments": f"/api/v1/enrolments/?cohort={cohort}",
        "api_completions": f"/api/v1/completions/?cohort={cohort}",
        "api_cohort_learners": f"/api/v1/cohorts/{cohort}/learners/",
        "api_report": f"/api/v1/report/?cohort={cohort}",
        "api_people": "/api/v1/people/",
    }


def api_token(targets: dict) -> str:
    from django.utils import timezone

    from accounts.models import User
    from api.services import api_token_create
    from progress.models import Cohort

    cohort = Cohort.objects.select_related("organisation").get(pk=targets["cohort"])
    made = api_token_create(
        organisation=cohort.organisation,
        name="bench",
        scope="read",
        by=User.objects.get(pk=targets["staff"]),
        now=timezone.now(),
    )
    return made.key


def load(port: int, key: str, targets: dict, levels: tuple[int, ...], seconds: int) -> dict:
    headers = {"Authorization": f"Bearer {key}"}
    endpoints = {}
    for name, path in api_paths(targets).items():
        runs = {
            str(level): python_load(port, path, level, seconds, None, headers=headers)
            for level in levels
        }
        endpoints[name] = {"path": path, "as": "api token", "levels": runs}
    return endpoints


def profile(key: str, path: str) -> dict:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {key}")
    client.get(path)  # warm
    return profile_clients(path, [client] * PROFILE_REQUESTS)

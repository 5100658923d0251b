"""History lines written before `params` get their facts back from the English
summary (and the activity they point at), so they too are said in the
reader's language. A line this cannot read keeps `params` null and shows its
stored summary, as before.

The wording is the services' as it stood when `params` came; it is copied
here, not imported, so this migration reads the same rows whatever the code
says later.
"""

import datetime
import re

from django.conf import settings
from django.db import migrations
from django.utils import translation
from django.utils.translation import pgettext

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}
MILESTONES = {
    "Acquainted": "acquainted",
    "e-Listener": "e_listener",
    "Active e-diplomat": "active_e_diplomat",
}


def milestone_labels() -> dict[str, str]:
    """Each milestone's label in every language the catalogues hold today, to
    its code: the services wrote the label in the language of the request
    that reached it."""
    labels = dict(MILESTONES)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for english, code in MILESTONES.items():
                labels.setdefault(pgettext("milestone", english), code)
    return labels


# Filled when the migration runs (the catalogues are read then).
LABELS: dict[str, str] = dict(MILESTONES)
# Lines that name an activity say it between these quotes.
TITLE = r"“.*”"

# kind -> [(pattern of the whole summary, what the facts are)]; first match wins.
PATTERNS = {
    "enrolled": [
        (re.compile(r"Brought their own earlier work"), lambda m: {"brought_work": True}),
        (re.compile(r"Joined (?P<cohort>.+)"), lambda m: {"cohort": m["cohort"]}),
        (re.compile(r"Started .+"), lambda m: {}),
    ],
    "completed": [(re.compile(rf"Completed {TITLE}"), lambda m: {})],
    "quiz_attempt": [
        (re.compile(rf"Scored (?P<score>\d+)% in {TITLE}"), lambda m: {"score": int(m["score"])})
    ],
    "attempt_granted": [(re.compile(rf"Another attempt at {TITLE} granted"), lambda m: {})],
    "submitted": [
        (re.compile(rf"Submitted {TITLE}"), lambda m: {}),
        (re.compile(rf"Self-assessed {TITLE}"), lambda m: {"self_assessed": True}),
    ],
    "reviewed": [
        (re.compile(rf"{TITLE} accepted"), lambda m: {"accepted": True}),
        (re.compile(rf"{TITLE} returned with feedback"), lambda m: {"accepted": False}),
    ],
    "logged": [
        (
            re.compile(
                r"Logged listening for (?P<day>\d{1,2}) (?P<month>[A-Z][a-z]+) (?P<year>\d{4})"
            ),
            lambda m: {
                "day": datetime.date(int(m["year"]), MONTHS[m["month"]], int(m["day"])).isoformat()
            },
        )
    ],
    "checked_in": [
        (
            re.compile(r"Recorded (?P<count>\d{1,3}(,\d{3})*|\d+) followers?"),
            lambda m: {"followers": int(m["count"].replace(",", ""))},
        )
    ],
    "evidence": [
        (re.compile(r"Offered alternative evidence of a following"), lambda m: {}),
        (
            re.compile(r"Alternative evidence of a following approved"),
            lambda m: {"approved": True},
        ),
        (
            re.compile(r"Alternative evidence of a following returned with feedback"),
            lambda m: {"approved": False},
        ),
    ],
    "milestone": [
        (
            re.compile(r"Reached the milestone (?P<label>.+)"),
            lambda m: {"milestone": LABELS[m["label"]]},
        )
    ],
    "paused": [
        (re.compile(r"Paused"), lambda m: {}),
        (re.compile(r"Paused: (?P<reason>.+)", re.S), lambda m: {"reason": m["reason"]}),
    ],
    "resumed": [(re.compile(r"Resumed"), lambda m: {})],
    "withdrawn": [
        (re.compile(r"Withdrawn from the cohort"), lambda m: {}),
        (re.compile(r"Left to join another cohort"), lambda m: {"left": True}),
    ],
    "restored": [
        (re.compile(r"Restored to the cohort"), lambda m: {}),
        (re.compile(r"Restored to (?P<cohort>.+)"), lambda m: {"cohort": m["cohort"]}),
    ],
}
# The lines that name an activity are said only with the row's activity.
NAMES_ACTIVITY = {"completed", "quiz_attempt", "attempt_granted", "submitted", "reviewed"}
BATCH = 2000


def facts_of(kind: str, summary: str, has_activity: bool) -> dict | None:
    """The facts an English history line states, or None when it says
    something else (or names an activity the row no longer points at)."""
    if kind in NAMES_ACTIVITY and not has_activity:
        return None
    for pattern, facts in PATTERNS.get(kind, ()):
        match = pattern.fullmatch(summary)
        if match:
            try:
                return facts(match)
            except (KeyError, ValueError):
                return None  # an unknown milestone, a day that does not exist
    return None


def params_from_summaries(apps, schema_editor):
    LABELS.update(milestone_labels())
    HistoryEvent = apps.get_model("progress", "HistoryEvent")
    rows = (
        HistoryEvent.objects.filter(params__isnull=True)
        .only("pk", "kind", "summary", "activity_id")
        .order_by("pk")
    )
    read = []
    for event in rows.iterator(chunk_size=BATCH):
        facts = facts_of(event.kind, event.summary, event.activity_id is not None)
        if facts is None:
            continue
        event.params = facts
        read.append(event)
        if len(read) >= BATCH:
            HistoryEvent.objects.bulk_update(read, ["params"])
            read = []
    if read:
        HistoryEvent.objects.bulk_update(read, ["params"])


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0019_historyevent_params"),
    ]

    operations = [
        # Going back drops the column, and the facts with it; the summaries stay.
        migrations.RunPython(params_from_summaries, migrations.RunPython.noop),
    ]

"""History lines written as "Withdrawn by <name>" / "Restored by <name>" lose
the name: pages now say who acted from the account, as it is today."""

from django.db import migrations

REWORDED = {
    "withdrawn": ("Withdrawn by ", "Withdrawn from the cohort"),
    "restored": ("Restored by ", "Restored to the cohort"),
}


def summaries_without_names(apps, schema_editor):
    HistoryEvent = apps.get_model("progress", "HistoryEvent")
    for kind, (named, wording) in REWORDED.items():
        HistoryEvent.objects.filter(kind=kind, summary__startswith=named).update(summary=wording)


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0009_historyevent_actor"),
    ]

    operations = [
        # The names are gone for good: going back leaves the new wording.
        migrations.RunPython(summaries_without_names, migrations.RunPython.noop),
    ]

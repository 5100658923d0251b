from django.db import migrations
from django.db.models import F


def emailed_when_shown(apps, schema_editor):
    # Until now an e-mail went out with its notification: the daily cap reads
    # emailed_at, so e-mails of the last day keep counting after the upgrade.
    Nudge = apps.get_model("progress", "Nudge")
    Nudge.objects.filter(email="sent", emailed_at__isnull=True).update(emailed_at=F("sent_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0012_nudge_email_waits_apart"),
    ]

    operations = [
        migrations.RunPython(emailed_when_shown, migrations.RunPython.noop),
    ]

"""The snapshot columns take only the time model's pace codes, or "" before
the first assessment: choices, and a check constraint on each."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('progress', '0010_history_summaries_without_names'),
    ]

    operations = [
        migrations.AlterField(
            model_name='enrolment',
            name='acquainted',
            field=models.CharField(blank=True, choices=[('', 'Not yet assessed'), ('not_started', 'Not started'), ('ahead', 'Ahead'), ('on_track', 'On track'), ('at_risk', 'At risk'), ('overdue', 'Overdue'), ('paused', 'Paused'), ('achieved_on_time', 'Achieved on time'), ('achieved_late', 'Achieved late')], max_length=20),
        ),
        migrations.AlterField(
            model_name='enrolment',
            name='active_e_diplomat',
            field=models.CharField(blank=True, choices=[('', 'Not yet assessed'), ('not_started', 'Not started'), ('ahead', 'Ahead'), ('on_track', 'On track'), ('at_risk', 'At risk'), ('overdue', 'Overdue'), ('paused', 'Paused'), ('achieved_on_time', 'Achieved on time'), ('achieved_late', 'Achieved late')], max_length=20),
        ),
        migrations.AlterField(
            model_name='enrolment',
            name='e_listener',
            field=models.CharField(blank=True, choices=[('', 'Not yet assessed'), ('not_started', 'Not started'), ('ahead', 'Ahead'), ('on_track', 'On track'), ('at_risk', 'At risk'), ('overdue', 'Overdue'), ('paused', 'Paused'), ('achieved_on_time', 'Achieved on time'), ('achieved_late', 'Achieved late')], max_length=20),
        ),
        migrations.AlterField(
            model_name='enrolment',
            name='pace',
            field=models.CharField(blank=True, choices=[('', 'Not yet assessed'), ('not_started', 'Not started'), ('ahead', 'Ahead'), ('on_track', 'On track'), ('at_risk', 'At risk'), ('overdue', 'Overdue'), ('paused', 'Paused'), ('achieved_on_time', 'Achieved on time'), ('achieved_late', 'Achieved late')], max_length=20),
        ),
        migrations.AddConstraint(
            model_name='enrolment',
            constraint=models.CheckConstraint(condition=models.Q(('pace__in', ['', 'not_started', 'ahead', 'on_track', 'at_risk', 'overdue', 'paused', 'achieved_on_time', 'achieved_late'])), name='enrolment_pace_known'),
        ),
        migrations.AddConstraint(
            model_name='enrolment',
            constraint=models.CheckConstraint(condition=models.Q(('acquainted__in', ['', 'not_started', 'ahead', 'on_track', 'at_risk', 'overdue', 'paused', 'achieved_on_time', 'achieved_late'])), name='enrolment_acquainted_known'),
        ),
        migrations.AddConstraint(
            model_name='enrolment',
            constraint=models.CheckConstraint(condition=models.Q(('e_listener__in', ['', 'not_started', 'ahead', 'on_track', 'at_risk', 'overdue', 'paused', 'achieved_on_time', 'achieved_late'])), name='enrolment_e_listener_known'),
        ),
        migrations.AddConstraint(
            model_name='enrolment',
            constraint=models.CheckConstraint(condition=models.Q(('active_e_diplomat__in', ['', 'not_started', 'ahead', 'on_track', 'at_risk', 'overdue', 'paused', 'achieved_on_time', 'achieved_late'])), name='enrolment_active_e_diplomat_known'),
        ),
    ]

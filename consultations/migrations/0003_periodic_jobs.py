"""Schedule the deadline reminders and the "call opened" notices every 15 minutes."""

from django.db import migrations

JOBS = [
    ("Deadline reminders", "consultations.send_deadline_reminders"),
    ("Call opened notices", "consultations.send_call_opened_notices"),
]


def schedule_jobs(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_15_minutes, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    for name, task in JOBS:
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "interval": every_15_minutes}
        )


def unschedule_jobs(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[name for name, _task in JOBS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0002_calls_and_inputs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_jobs, unschedule_jobs)]

"""Schedule the daily purge of e-mails and read notices past their retention period."""

from django.db import migrations

TASK_NAME = "Daily purge of old e-mails and read notices"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "notifications.purge_expired",
            "crontab": crontab,
            "description": "Deletes outbox e-mails and read notices older than their retention "
            "period (GCM_RETENTION_OUTBOX_DAYS, GCM_RETENTION_READ_NOTICES_DAYS).",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0009_personal_data"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]

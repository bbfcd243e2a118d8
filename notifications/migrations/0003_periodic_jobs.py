"""Schedule the daily digest and the outbox sweeper in django-celery-beat (editable in the admin)."""

from django.db import migrations

TASK_NAME = "Daily notification digest"
SWEEPER_NAME = "Requeue stalled e-mails"


def schedule_jobs(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "notifications.send_daily_digests",
            "crontab": crontab,
            "description": "E-mails each user who chose digests one message with what waits.",
        },
    )
    every_ten_minutes, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SWEEPER_NAME,
        defaults={
            "task": "notifications.requeue_stalled_emails",
            "interval": every_ten_minutes,
            "description": "Hands again to the workers any e-mail queued for over 10 minutes.",
        },
    )


def unschedule_jobs(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[TASK_NAME, SWEEPER_NAME]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_notifications_and_preferences"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_jobs, unschedule_jobs)]

"""Running compilations record a sign of life every 15 seconds, so the sweeper can run every
minute and fail one silent for 2 minutes (its worker died) instead of 10."""

from django.db import migrations

SWEEPER = "Fail stalled report compilations"


def sweeper_every(minutes: int, description: str):
    def change(apps, schema_editor):
        IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.filter(name=SWEEPER).update(interval=interval, description=description)

    return change


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_report_pdf_docx_publication_translations")]

    operations = [
        migrations.RunPython(
            sweeper_every(
                1,
                "Every minute: fails report compilations silent for 2 minutes (their worker "
                "died); hands again to the workers those queued for 10 minutes.",
            ),
            sweeper_every(
                5, "Fails report compilations silent for 10 minutes; requeues lost ones."
            ),
        ),
    ]

"""Report permissions for the staff roles (the Report compiler compiles and publishes, the
Moderator only reads), and the sweeper that fails compilations whose worker died."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Report compiler": [
        "reviews.add_report",
        "reviews.change_report",
        "reviews.view_report",
        "reviews.compile_report",
        "reviews.view_reportversion",
    ],
    "Moderator": ["reviews.view_report", "reviews.view_reportversion"],
}
SWEEPER = "Fail stalled report compilations"


def grant(apps, schema_editor):
    config = apps.get_app_config("reviews")
    config.models_module = getattr(config, "models_module", None) or True
    create_permissions(config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for permission in permissions:
            app_label, codename = permission.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SWEEPER,
        defaults={
            "task": "reviews.fail_stalled_reports",
            "interval": every_five_minutes,
            "description": "Fails report compilations silent for 10 minutes; requeues lost ones.",
        },
    )


def revoke(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEPER).delete()
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            codenames = [permission.split(".")[1] for permission in permissions]
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="reviews", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_reports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

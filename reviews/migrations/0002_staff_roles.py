"""The staff roles as Django groups with exact permissions: Moderator, Call manager, Report
compiler. Superusers keep everything; staff outside these groups see nothing of the inputs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Moderator": [
        "consultations.view_input",
        "consultations.moderate_input",
        "consultations.view_inputtransition",
        "consultations.view_call",
        "consultations.view_objective",
        "consultations.view_guidingprinciple",
        "stakeholders.view_organisation",
        "stakeholders.view_focalpoint",
    ],
    "Call manager": [
        "consultations.add_call",
        "consultations.change_call",
        "consultations.view_call",
        "consultations.add_thematicconsultation",
        "consultations.change_thematicconsultation",
        "consultations.view_thematicconsultation",
        "consultations.add_guidingquestion",
        "consultations.change_guidingquestion",
        "consultations.delete_guidingquestion",
        "consultations.view_guidingquestion",
        "consultations.add_backgrounddocument",
        "consultations.change_backgrounddocument",
        "consultations.delete_backgrounddocument",
        "consultations.view_backgrounddocument",
        "consultations.view_objective",
        "consultations.view_guidingprinciple",
        "consultations.view_input",
        "reviews.add_review",
        "reviews.change_review",
        "reviews.view_review",
    ],
    "Report compiler": [
        "consultations.view_input",
        "consultations.view_inputtransition",
        "consultations.view_call",
        "consultations.view_objective",
        "consultations.view_guidingprinciple",
        "reviews.view_review",
        "stakeholders.view_organisation",
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for label in ("consultations", "reviews", "stakeholders"):
        config = apps.get_app_config(label)
        config.models_module = getattr(config, "models_module", None) or True
        create_permissions(config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        rows = []
        for permission in permissions:
            app_label, codename = permission.split(".")
            rows.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(rows)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("consultations", "0006_moderation"),
        ("stakeholders", "0002_profiles_organisations_focal_points"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

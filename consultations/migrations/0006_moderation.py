"""Moderation: actions and reasons in the input history, assignment, moderators' coverage."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def name_earlier_actions(apps, schema_editor):
    """Before moderation, authors' submissions and withdrawals were the only transitions."""
    apps.get_model("consultations", "InputTransition").objects.filter(to_state="withdrawn").update(
        action="withdraw"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0005_answer_search_index"),
        ("stakeholders", "0002_profiles_organisations_focal_points"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ModerationScope",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "backlog_notice_sent_on",
                    models.DateField(
                        blank=True,
                        editable=False,
                        null=True,
                        verbose_name="last backlog notice sent on",
                    ),
                ),
            ],
            options={
                "verbose_name": "moderator's coverage",
                "verbose_name_plural": "moderators' coverage",
            },
        ),
        migrations.AlterModelOptions(
            name="input",
            options={
                "ordering": ["-submitted_at", "-pk"],
                "permissions": [("moderate_input", "Can moderate inputs")],
                "verbose_name": "input",
                "verbose_name_plural": "inputs",
            },
        ),
        migrations.AlterModelOptions(
            name="inputtransition",
            options={
                "ordering": ["input", "at", "pk"],
                "verbose_name": "moderation decision",
                "verbose_name_plural": "moderation decisions",
            },
        ),
        migrations.AddField(
            model_name="input",
            name="assigned_to",
            field=models.ForeignKey(
                blank=True,
                help_text="The moderator who looks after this input.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="assigned_inputs",
                to=settings.AUTH_USER_MODEL,
                verbose_name="assigned to",
            ),
        ),
        migrations.AddField(
            model_name="inputtransition",
            name="action",
            field=models.CharField(
                choices=[
                    ("submit", "submitted"),
                    ("withdraw", "withdrawn by the author"),
                    ("approve", "approved"),
                    ("reject", "rejected"),
                    ("request_changes", "changes requested"),
                    ("mark_duplicate", "marked as a duplicate"),
                    ("unpublish", "unpublished"),
                    ("retag", "tags corrected"),
                    ("note", "internal note"),
                    ("assign", "assigned"),
                ],
                db_index=True,
                default="submit",
                max_length=20,
                verbose_name="action",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(name_earlier_actions, migrations.RunPython.noop),
        migrations.AddField(
            model_name="inputtransition",
            name="details",
            field=models.JSONField(blank=True, default=dict, verbose_name="details"),
        ),
        migrations.AddField(
            model_name="inputtransition",
            name="duplicate_of",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="consultations.input",
                verbose_name="duplicate of",
            ),
        ),
        migrations.AddField(
            model_name="inputtransition",
            name="reason_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("off_topic", "off-topic"),
                    ("abusive", "abusive or hateful"),
                    ("spam", "spam or advertising"),
                    ("duplicate", "duplicate of another input"),
                    ("personal_data", "contains personal data of others"),
                    ("other", "other reason"),
                ],
                max_length=20,
                verbose_name="reason",
            ),
        ),
        migrations.AlterField(
            model_name="inputtransition",
            name="at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="at"),
        ),
        migrations.AlterField(
            model_name="inputtransition",
            name="input",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="transitions",
                to="consultations.input",
                verbose_name="input",
            ),
        ),
        migrations.AddIndex(
            model_name="input",
            index=models.Index(
                models.F("submitted_at"),
                models.F("id"),
                condition=models.Q(("submitted_at__isnull", False)),
                name="input_queue_order",
            ),
        ),
        migrations.AddConstraint(
            model_name="inputtransition",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("action__in", ["reject", "mark_duplicate"]), _negated=True),
                    models.Q(("reason_code", ""), _negated=True),
                    _connector="OR",
                ),
                name="transition_rejection_has_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="inputtransition",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("action__in", ["request_changes", "unpublish", "note"]), _negated=True
                    ),
                    models.Q(("reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="transition_message_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="inputtransition",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("action", "mark_duplicate"), _negated=True),
                    ("duplicate_of__isnull", False),
                    _connector="OR",
                ),
                name="transition_duplicate_names_original",
            ),
        ),
        migrations.AddField(
            model_name="moderationscope",
            name="calls",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="consultations.call", verbose_name="calls covered"
            ),
        ),
        migrations.AddField(
            model_name="moderationscope",
            name="moderator",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="moderation_scope",
                to=settings.AUTH_USER_MODEL,
                verbose_name="moderator",
            ),
        ),
        migrations.AddField(
            model_name="moderationscope",
            name="regions",
            field=models.ManyToManyField(
                blank=True,
                help_text="Inputs to this region's calls, and inputs from authors in this region to global calls.",
                related_name="+",
                to="stakeholders.region",
                verbose_name="regions covered",
            ),
        ),
    ]

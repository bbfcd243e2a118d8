"""Admin for the Compact's reference data, calls for inputs (call managers) and inputs."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    Answer,
    Attachment,
    BackgroundDocument,
    Call,
    GuidingPrinciple,
    GuidingQuestion,
    Input,
    InputTransition,
    Objective,
    ObjectiveCluster,
    ThematicConsultation,
)


@admin.register(ObjectiveCluster)
class ObjectiveClusterAdmin(admin.ModelAdmin):
    list_display = ["__str__"]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["number", "title_in_language", "gcm_paragraph", "cluster"]
    list_filter = ["cluster"]
    list_select_related = ["cluster"]
    search_fields = ["title"]

    @admin.display(description=_("title"), ordering="number")
    def title_in_language(self, objective: Objective) -> str:
        return objective.translated_title


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(admin.ModelAdmin):
    list_display = ["number", "__str__", "code", "gcm_paragraph"]
    search_fields = ["name", "code"]


class GuidingQuestionInline(TranslationStackedInline):
    model = GuidingQuestion
    extra = 0
    fields = ["position", "text", "help_text", "required", "max_chars"]


class BackgroundDocumentInline(admin.TabularInline):
    model = BackgroundDocument
    extra = 0
    fields = ["position", "title", "file", "language"]


class ThematicConsultationInline(TranslationStackedInline):
    model = ThematicConsultation
    extra = 0
    max_num = 1


@admin.register(Call)
class CallAdmin(SimpleHistoryAdmin, TranslationAdmin):  # no tabs: they load jQuery UI from a CDN
    list_display = ["title", "kind", "code", "region", "opens_at", "closes_at", "status_label"]
    list_filter = ["kind", "region", "eligibility", "pre_moderation"]
    search_fields = ["title", "code"]
    date_hierarchy = "closes_at"
    list_select_related = ["region"]
    filter_horizontal = ["accepted_languages", "objectives"]
    inlines = [ThematicConsultationInline, GuidingQuestionInline, BackgroundDocumentInline]
    fieldsets = [
        (None, {"fields": ["kind", "code", "title", "summary", "region"]}),
        (
            _("Opening and closing (UTC)"),
            {
                "fields": ["opens_at", "closes_at"],
                "description": _(
                    "A later closing time extends the deadline: followers of the call and "
                    "authors of drafts are told."
                ),
            },
        ),
        (
            _("Who may submit, and how"),
            {"fields": ["eligibility", "pre_moderation", "accepted_languages", "objectives"]},
        ),
    ]

    @admin.display(description=_("status"))
    def status_label(self, call: Call) -> str:
        return Call.Status(call.status).label

    def save_model(self, request, obj, form, change):
        """A later closing time goes through the deadline-extension service (it notifies)."""
        if change and "closes_at" in form.changed_data:
            previous = Call.objects.get(pk=obj.pk).closes_at
            extended_to = obj.closes_at
            if extended_to > previous:
                obj.closes_at = previous
                super().save_model(request, obj, form, change)
                services.call_extend_deadline(call=obj, closes_at=extended_to, by=request.user)
                obj.refresh_from_db()
                return
        super().save_model(request, obj, form, change)


class AnswerInline(admin.StackedInline):
    model = Answer
    extra = 0
    fields = ["question", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class InputTransitionInline(admin.TabularInline):
    model = InputTransition
    extra = 0
    fields = ["at", "from_state", "to_state", "by", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Input)
class InputAdmin(admin.ModelAdmin):
    """Read-only for now: the moderation workflow (issue "Moderation of inputs") builds on it."""

    list_display = ["__str__", "call", "author", "state", "language", "submitted_at"]
    list_filter = ["state", "call__kind", "consent", "language"]
    list_select_related = ["call", "author", "language"]
    search_fields = ["reference", "author__email"]
    date_hierarchy = "submitted_at"
    inlines = [AnswerInline, AttachmentInline, InputTransitionInline]
    readonly_fields = [
        "call",
        "author",
        "on_behalf",
        "organisation",
        "state_country",
        "language",
        "consent",
        "state",
        "reference",
        "submitted_at",
        "published_at",
        "author_group",
        "author_country",
    ]
    exclude = ["objectives", "principles", "author_regions", "version"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

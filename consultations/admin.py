"""Admin for the Compact's reference data, calls for inputs (call managers) and inputs."""

import json
import re
from copy import copy
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext
from django.utils.translation import gettext as django_gettext
from django.utils.translation import gettext_lazy as _
from django_ratelimit.decorators import ratelimit
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from gcmportal.admin import ReadableInitialMixin, report_form_errors, run_decision
from gcmportal.errors import DomainError
from gcmportal.exports import csv_download
from stakeholders.models import FocalPoint, Organisation, Region, User

from . import services
from .filters import answers_matching
from .forms import (
    AssignForm,
    DuplicateForm,
    NoteForm,
    RejectForm,
    RequestChangesForm,
    RetagForm,
    UnpublishForm,
)
from .models import (
    Attachment,
    BackgroundDocument,
    Call,
    GuidingPrinciple,
    GuidingQuestion,
    Input,
    InputTransition,
    ModerationScope,
    Objective,
    ObjectiveCluster,
    ThematicConsultation,
)
from .permissions import can_moderate, can_read_input, inputs_staff_may_see


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
# No tabs (TranslationAdmin's): they load jQuery UI from a CDN.
class CallAdmin(ReadableInitialMixin, SimpleHistoryAdmin, TranslationAdmin):
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


# --- Moderation -----------------------------------------------------------------------------


REFERENCE = re.compile(r"[A-Za-z]+-\d{4}-[A-Za-z0-9]+-\d+")


def changelist_filters(request) -> str:
    """The queue's filters a review page was opened from (Django's preserved filters)."""
    return request.GET.get("_changelist_filters") or request.POST.get("_changelist_filters", "")


class InputQueue(ChangeList):
    """The moderation queue, with how many inputs each state holds under the same filters and
    search: one count by state that also gives the page its number of results (no second
    count), and filters built once though the queue is read twice."""

    def get_filters(self, request):
        if not hasattr(self, "_filters"):
            self._filters = super().get_filters(request)
        return self._filters

    def get_results(self, request):
        self.state_counts = dict(
            self.get_queryset(request, exclude_parameters=[QueueStateFilter.parameter_name])
            .order_by()
            .values_list("state")
            .annotate(count=Count("*"))
        )
        state = self.get_filters_params().get(QueueStateFilter.parameter_name, [None])[-1]
        state = state or Input.State.SUBMITTED
        request.queue_result_count = (
            sum(self.state_counts.values())
            if state == QueueStateFilter.ALL
            else self.state_counts.get(state, 0)
        )
        super().get_results(request)


class QueueOfReviewPage(InputQueue):
    """The queue a review page was opened from, filtered and searched as the moderator left it,
    to find the inputs before and after: its page of results is never counted or fetched."""

    def get_results(self, request):
        self.result_count = self.full_result_count = 0
        self.result_list = self.queryset.none()
        self.can_show_all = self.multi_page = False


class QueueStateFilter(admin.SimpleListFilter):
    """The queue opens on what waits for a decision; drafts are never shown to staff."""

    title = _("state")
    parameter_name = "state"
    ALL = "all"

    def lookups(self, request, model_admin):
        states = [(s.value, s.label) for s in Input.State if s != Input.State.DRAFT]
        return [*states, (self.ALL, _("all states"))]

    def value(self):
        return super().value() or Input.State.SUBMITTED

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(state=self.value())

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class LongListFilter(admin.RelatedFieldListFilter):
    """A filter by a related row among many (calls, countries): folded until opened."""

    template = "admin/collapsed_filter.html"


class ExistsFilter(admin.SimpleListFilter):
    """A filter on a many-to-many tag as an EXISTS subquery: no join, no DISTINCT; folded."""

    template = "admin/collapsed_filter.html"

    through = None
    column = ""
    model = None

    def lookups(self, request, model_admin):
        return [(str(row.pk), str(row)) for row in self.model.objects.all()]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if not self.value().isdigit():  # shown as the admin's "wrong filter" message
            raise IncorrectLookupParameters(self.value())
        return queryset.filter(
            Exists(self.through.objects.filter(input=OuterRef("pk"), **{self.column: self.value()}))
        )


class ObjectiveFilter(ExistsFilter):
    title = _("objective")
    parameter_name = "objective"
    through = Input.objectives.through
    column = "objective_id"
    model = Objective


class AuthorRegionFilter(ExistsFilter):
    title = _("author's region")
    parameter_name = "region"
    through = Input.author_regions.through
    column = "region_id"
    model = Region


class AssignedFilter(admin.SimpleListFilter):
    title = _("assignment")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [
            ("me", _("assigned to me")),
            ("nobody", _("not assigned")),
            ("someone", _("assigned to someone")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        if self.value() == "someone":
            return queryset.filter(assigned_to__isnull=False)
        return queryset


class HasAttachmentsFilter(admin.SimpleListFilter):
    title = _("attachments")
    parameter_name = "attachments"

    def lookups(self, request, model_admin):
        return [("yes", _("with attachments")), ("no", _("without attachments"))]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        has = Exists(Attachment.objects.filter(input=OuterRef("pk")))
        return queryset.filter(has if self.value() == "yes" else ~has)


@admin.register(Input)
class InputAdmin(admin.ModelAdmin):
    """The moderation queue and the page where one input is reviewed and decided.

    Every decision goes through a service of consultations.services; this class only reads,
    checks who may see what (consultations.permissions) and shows it.
    """

    list_display = [
        "reference_label",
        "call_code",
        "speaker",
        "group_label",
        "country_label",
        "language",
        "objective_numbers",
        "submitted_at",
        "state",
        "age",
        "assigned_to",
    ]
    list_display_links = ["reference_label"]
    list_filter = [
        QueueStateFilter,
        ("call", LongListFilter),
        "call__kind",
        ("author_group", LongListFilter),
        AuthorRegionFilter,
        ("author_country", LongListFilter),
        "language",
        ObjectiveFilter,
        HasAttachmentsFilter,
        "consent",
        AssignedFilter,
    ]
    # Few joins: each joined table costs the planner dearly on a large queue (measured: 78 ms
    # of planning with ten); the small reference tables come by prefetch instead.
    list_select_related = ["call", "author__profile", "organisation"]
    search_fields = ["reference"]  # the search itself is get_search_results
    search_help_text = _("Reference, words of the answers, author's name or e-mail, organisation.")
    ordering = ["submitted_at", "pk"]
    list_per_page = 50
    show_full_result_count = False
    actions = ["approve_selected", "reject_selected", "assign_selected"]
    change_list_template = "admin/consultations/input/queue.html"
    change_form_template = "admin/consultations/input/review.html"

    # --- who may see and do what ---

    def get_queryset(self, request):
        """Only what the staff member's role and coverage let them see; never drafts."""
        inputs = inputs_staff_may_see(request.user, super().get_queryset(request))
        return inputs.prefetch_related(
            "objectives",
            "language",
            "author_group",
            "author_country",
            "state_country",
            "assigned_to",
        )

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and (
            obj is None or can_read_input(request.user, obj)
        )

    def has_moderate_permission(self, request, obj=None) -> bool:
        return can_moderate(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the author's words are theirs: moderators decide, they never edit

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):
        """A reference finds its input; other words search the answers (full text on
        PostgreSQL), the author's name and e-mail, and the organisation's name.

        Each part is a subquery on its own small table or index, never a join of every input
        with its author: the search stays fast on a queue of 100,000.
        """
        term = search_term.strip()
        if not term:
            return queryset, False
        if REFERENCE.fullmatch(term):
            return queryset.filter(reference=term.upper()), False
        people = User.objects.filter(
            Q(email__icontains=term) | Q(profile__display_name__icontains=term)
        ).values("pk")
        organisations = Organisation.objects.filter(name__icontains=term).values("pk")
        return (
            queryset.filter(
                Q(pk__in=answers_matching(term))
                | Q(author__in=people)
                | Q(organisation__in=organisations)
            ),
            False,
        )

    # --- columns ---

    def action_checkbox(self, input: Input) -> str:
        """Django's checkbox, written directly: rendering a widget template for each of the
        queue's rows was a third of the time of its list (Django's own label, translated)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            input.pk,
            # Django's own label, translated by Django's catalogue (not extracted into ours).
            format_html(django_gettext("Select this object for an action - {}"), str(input)),
        )

    @admin.display(description=_("reference"), ordering="reference")
    def reference_label(self, input: Input) -> str:
        return str(input)

    @admin.display(description=_("call"), ordering="call__code")
    def call_code(self, input: Input) -> str:
        return format_html('<span title="{}">{}</span>', input.call.title, input.call.code)

    @admin.display(description=_("author / organisation"))
    def speaker(self, input: Input) -> str:
        name = input.author.display_name
        if input.on_behalf == Input.OnBehalf.ORGANISATION and input.organisation:
            return format_html("{}<br><small>{}</small>", input.organisation.name, name)
        if input.on_behalf == Input.OnBehalf.STATE and input.state_country:
            return format_html("{}<br><small>{}</small>", input.state_country, name)
        return name

    @admin.display(description=_("stakeholder group"), ordering="author_group__position")
    def group_label(self, input: Input) -> str:
        return str(input.author_group) if input.author_group else "—"

    @admin.display(description=_("country"), ordering="author_country")
    def country_label(self, input: Input) -> str:
        return str(input.author_country) if input.author_country else "—"

    @admin.display(description=_("objectives"))
    def objective_numbers(self, input: Input) -> str:
        return ", ".join(str(o.number) for o in input.objectives.all()) or "—"

    @admin.display(description=_("waiting for"), ordering="submitted_at")
    def age(self, input: Input) -> str:
        if input.submitted_at is None:
            return "—"
        return timesince(input.submitted_at, depth=1)

    # --- the queue ---

    def get_changelist(self, request, **kwargs):
        if getattr(request, "queue_of_review_page", False):
            return QueueOfReviewPage
        return InputQueue

    def get_paginator(self, request, queryset, per_page, **kwargs):
        paginator = super().get_paginator(request, queryset, per_page, **kwargs)
        if getattr(request, "queue_result_count", None) is not None:
            paginator.count = request.queue_result_count  # counted by state already
        return paginator

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            current = changelist.get_filters_params().get("state") or [Input.State.SUBMITTED]
            response.context_data["state_counts"] = [
                {
                    "state": state,
                    "count": changelist.state_counts.get(state.value, 0),
                    "selected": state.value in current,
                    "query_string": changelist.get_query_string({"state": state.value}),
                }
                for state in Input.State
                if state != Input.State.DRAFT
            ]
        return response

    # --- one input: the review page, its decisions, next and previous in the queue ---

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/moderate/",
                view(
                    ratelimit(key="user", rate="1200/h", method="POST", block=True)(
                        self.moderate_view
                    )
                ),
                name="consultations_input_moderate",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        input = self.get_object(request, object_id)
        extra = {}
        if input is not None and self.has_view_permission(request, input):
            extra = self.review_context(request, input)
            extra["title"] = gettext("Review %(reference)s") % {"reference": input}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def review_context(self, request, input: Input) -> dict:
        """What a moderator reads before deciding, each list in one query."""
        input = (
            Input.objects.select_related(
                "call",
                "author__profile__stakeholder_group",
                "author__profile__country",
                "organisation",
                "state_country",
                "language",
                "author_group",
                "author_country",
                "assigned_to",
            )
            .prefetch_related("objectives", "principles", "author_regions")
            .get(pk=input.pk)
        )
        questions = {q.pk: q for q in input.call.questions.all()}
        revisions = list(input.revisions.select_related("created_by"))
        for revision in revisions:
            revision.answers = [
                (questions.get(int(pk)), text)
                for pk, text in revision.content.get("answers", {}).items()
            ]
        history = sorted(
            [*input.transitions.select_related("by", "duplicate_of"), *revisions],
            key=lambda entry: entry.at if hasattr(entry, "at") else entry.created_at,
        )
        focal_point = None
        if input.on_behalf == Input.OnBehalf.STATE:
            focal_point = FocalPoint.objects.filter(
                user=input.author, country=input.state_country
            ).first()
        previous, following = self.queue_neighbours(request, input)
        may_moderate = can_moderate(request.user)
        return {
            "input": input,
            "answers": input.answers.select_related("question"),
            "attachments": input.attachments.all(),
            "history": history,
            "is_published": Input.objects.published().filter(pk=input.pk).exists(),
            "focal_point": focal_point,
            "other_inputs": self.get_queryset(request)
            .filter(author=input.author)
            .exclude(pk=input.pk)
            .select_related("call")
            .prefetch_related(None)
            .order_by("-submitted_at")[:20],
            "previous_input": previous,
            "next_input": following,
            "may_moderate": may_moderate,
            "decidable": may_moderate and input.state == Input.State.SUBMITTED,
            "unpublishable": may_moderate
            and input.state == Input.State.APPROVED
            and input.published_at is not None,
            "reject_form": RejectForm(),
            "changes_form": RequestChangesForm(),
            "duplicate_form": DuplicateForm(),
            "unpublish_form": UnpublishForm(),
            "note_form": NoteForm(),
            "retag_form": RetagForm(
                initial={
                    "objectives": list(input.objectives.all()),
                    "principles": list(input.principles.all()),
                }
            ),
            "assign_form": AssignForm(initial={"moderator": input.assigned_to}),
            "preserved_filters": self.get_preserved_filters(request),
            "queue_url": self.queue_url(request),
            "changelist_filters": changelist_filters(request),
        }

    def queue_neighbours(self, request, input: Input):
        """The inputs before and after this one in the queue the moderator came from: the same
        filters and search, oldest submitted first."""
        filters = QueryDict(changelist_filters(request))
        queue_request = copy(request)
        queue_request.GET = filters
        queue_request.queue_of_review_page = True
        changelist = self.get_changelist_instance(queue_request)
        queue = changelist.get_queryset(queue_request).select_related(None).prefetch_related(None)
        if input.submitted_at is None:
            return None, None
        at, pk = input.submitted_at, input.pk
        # The first condition bounds the scan of the queue's index; the second breaks ties.
        before = Q(submitted_at__lte=at) & (Q(submitted_at__lt=at) | Q(pk__lt=pk))
        after = Q(submitted_at__gte=at) & (Q(submitted_at__gt=at) | Q(pk__gt=pk))
        return (
            queue.filter(before).order_by("-submitted_at", "-pk").only("pk").first(),
            queue.filter(after).order_by("submitted_at", "pk").only("pk").first(),
        )

    # decision: (the form of what it needs, its service, whether it checks the page's version)
    DECISIONS = {
        "approve": (None, services.input_approve, True),
        "reject": (RejectForm, services.input_reject, True),
        "request_changes": (RequestChangesForm, services.input_request_changes, True),
        "mark_duplicate": (DuplicateForm, services.input_mark_duplicate, True),
        "unpublish": (UnpublishForm, services.input_unpublish, True),
        "retag": (RetagForm, services.input_retag, True),
        "note": (NoteForm, services.input_note_add, False),
        "assign": (AssignForm, services.input_assign, False),
    }
    # After these, the moderator moves on to the next input of the queue.
    MOVES_ON = {"approve", "reject", "request_changes", "mark_duplicate"}

    def moderate_view(self, request, object_id):
        """Apply one decision to one input (POST only), then show the next input in the queue."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        input = self.get_object(request, unquote(object_id))
        if input is None or not self.has_moderate_permission(request, input):
            raise Http404
        review_url = self.review_url(input, request)
        decision = request.POST.get("decision", "")
        if decision not in self.DECISIONS:
            messages.error(request, gettext("Choose a decision."))
            return redirect(review_url)
        form_class, service, checks_version = self.DECISIONS[decision]
        data = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                report_form_errors(request, form)
                return redirect(review_url)
            data = dict(form.cleaned_data)
        if checks_version:
            try:
                data["version"] = int(request.POST.get("version", ""))
            except ValueError:
                data["version"] = None
        try:
            service(input=input, by=request.user, **data)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(review_url)
        input.refresh_from_db()
        messages.success(
            request,
            gettext("%(reference)s: %(state)s.")
            % {"reference": input, "state": input.get_state_display()},
        )
        if decision in self.MOVES_ON:
            _previous, following = self.queue_neighbours(request, input)
            if following is not None:
                return redirect(self.review_url(following, request))
            messages.info(request, gettext("That was the last input of this queue."))
            return redirect(self.queue_url(request))
        return redirect(review_url)

    def review_url(self, input, request) -> str:
        url = reverse("admin:consultations_input_change", args=[input.pk])
        filters = changelist_filters(request)
        return f"{url}?{urlencode({'_changelist_filters': filters})}" if filters else url

    def queue_url(self, request) -> str:
        url = reverse("admin:consultations_input_changelist")
        filters = changelist_filters(request)
        return f"{url}?{filters}" if filters else url

    # --- bulk actions ---

    @admin.action(description=_("Approve the selected inputs"), permissions=["moderate"])
    def approve_selected(self, request, queryset):
        return run_decision(
            self,
            request,
            queryset,
            lambda input, by, _data: services.input_approve(input=input, by=by),
            title=gettext("Approve inputs"),
        )

    @admin.action(
        description=_("Reject the selected inputs (one reason)"), permissions=["moderate"]
    )
    def reject_selected(self, request, queryset):
        return run_decision(
            self,
            request,
            queryset,
            lambda input, by, data: services.input_reject(input=input, by=by, **data),
            title=gettext("Reject inputs"),
            form_class=RejectForm,
        )

    @admin.action(
        description=_("Assign the selected inputs to a moderator"), permissions=["moderate"]
    )
    def assign_selected(self, request, queryset):
        return run_decision(
            self,
            request,
            queryset,
            lambda input, by, data: services.input_assign(input=input, by=by, **data),
            title=gettext("Assign inputs"),
            form_class=AssignForm,
            intro=gettext("The moderator must cover the call or region of each input."),
        )


@admin.register(InputTransition)
class DecisionLogAdmin(admin.ModelAdmin):
    """The log of every decision and moderation step: read only, never deleted."""

    list_display = [
        "at",
        "input_reference",
        "call_code",
        "action",
        "from_state",
        "to_state",
        "by",
        "reason_label",
    ]
    list_filter = [
        "action",
        "to_state",
        "input__call",
        ("by", admin.RelatedOnlyFieldListFilter),
        ("at", admin.DateFieldListFilter),
    ]
    list_select_related = ["input__call", "by", "duplicate_of"]
    search_fields = ["=input__reference", "reason", "by__email"]
    search_help_text = _("Reference of the input, words of the reason, moderator's e-mail.")
    ordering = ["-at", "-pk"]
    show_full_result_count = False
    change_list_template = "admin/consultations/inputtransition/change_list.html"

    def get_queryset(self, request):
        seen = inputs_staff_may_see(request.user).values("pk")
        return super().get_queryset(request).filter(input__in=seen)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("input"), ordering="input__reference")
    def input_reference(self, entry: InputTransition) -> str:
        url = reverse("admin:consultations_input_change", args=[entry.input_id])
        return format_html('<a href="{}">{}</a>', url, entry.input)

    @admin.display(description=_("call"), ordering="input__call__code")
    def call_code(self, entry: InputTransition) -> str:
        return entry.input.call.code

    @admin.display(description=_("reason or message"))
    def reason_label(self, entry: InputTransition) -> str:
        text = entry.reason_text
        if entry.duplicate_of:
            text = f"{text} ({entry.duplicate_of})"
        return Truncator(text).chars(120)

    def get_urls(self):
        return [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_view),
                name="consultations_inputtransition_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """The whole log of one call as CSV, streamed."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        call_id = request.GET.get("call", "")
        call = Call.objects.filter(pk=call_id).first() if call_id.isdigit() else None
        if call is None:
            messages.error(request, gettext("Filter the log by one call to export it."))
            return redirect("admin:consultations_inputtransition_changelist")
        entries = (
            self.get_queryset(request)
            .filter(input__call=call)
            .select_related("input", "by", "duplicate_of")
            .order_by("at", "pk")
        )
        header = [
            gettext("time (UTC)"),
            gettext("input"),
            gettext("action"),
            gettext("from"),
            gettext("to"),
            gettext("by"),
            gettext("reason"),
            gettext("reason or message"),
            gettext("duplicate of"),
            gettext("details"),
        ]
        rows = (
            [
                entry.at.strftime("%Y-%m-%d %H:%M:%S"),
                entry.input,
                entry.action,
                entry.from_state,
                entry.to_state,
                entry.by.email if entry.by else "",
                entry.reason_code,
                entry.reason,
                entry.duplicate_of or "",
                json.dumps(entry.details, ensure_ascii=False) if entry.details else "",
            ]
            for entry in entries.iterator(chunk_size=2000)
        )
        return csv_download(
            filename=f"moderation-log-{call.code.lower()}-{call.pk}.csv", header=header, rows=rows
        )


@admin.register(ModerationScope)
class ModerationScopeAdmin(ReadableInitialMixin, admin.ModelAdmin):
    """Which calls and regions each moderator covers (none of either: everything)."""

    list_display = ["moderator", "call_list", "region_list", "backlog_notice_sent_on"]
    autocomplete_fields = ["moderator"]
    filter_horizontal = ["calls", "regions"]
    search_fields = ["moderator__email"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("moderator")
            .prefetch_related("calls", "regions")
        )

    @admin.display(description=_("calls covered"))
    def call_list(self, scope: ModerationScope) -> str:
        return ", ".join(call.code for call in scope.calls.all()) or gettext("all")

    @admin.display(description=_("regions covered"))
    def region_list(self, scope: ModerationScope) -> str:
        return ", ".join(region.code for region in scope.regions.all()) or gettext("all")

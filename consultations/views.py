"""Public pages of calls and inputs, and the author's pages to write, submit and manage inputs."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.views import View
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from gcmportal.errors import DomainError
from gcmportal.exports import xml_safe
from gcmportal.ratelimits import limit, limit_posts
from gcmportal.typeset import reader_language, right_to_left, typeset_bytes
from stakeholders.models import Language

from . import services
from .exports import OPEN_DATA_COLUMNS
from .filters import CallFilter, InputFilter
from .forms import AttachmentForm, InputForm
from .models import (
    Answer,
    Attachment,
    BackgroundDocument,
    Call,
    Input,
    InputTransition,
    Objective,
    ObjectiveCluster,
)
from .permissions import can_read_as_uploaded, can_read_input, submission_options


class HomeView(TemplateView):
    """What the portal is for, the open calls for inputs, and the Compact's objectives."""

    template_name = "consultations/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["clusters"] = ObjectiveCluster.objects.prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.order_by("number"))
        )
        context["open_calls"] = Call.objects.open().select_related("region").order_by("closes_at")
        return context


class CallListView(FilterView):
    template_name = "consultations/call_list.html"
    filterset_class = CallFilter
    paginate_by = 20

    def get_queryset(self):
        return (
            Call.objects.select_related("region", "review", "consultation")
            .with_published_count()
            .order_by("-closes_at", "pk")
        )


class CallDetailView(DetailView):
    template_name = "consultations/call_detail.html"
    context_object_name = "call"

    def get_queryset(self):
        return Call.objects.select_related(
            "region", "review", "consultation"
        ).with_published_count()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call, user = self.object, self.request.user
        context["questions"] = call.questions.all()
        context["documents"] = call.documents.select_related("language")
        context["objectives"] = call.objectives.all()
        context["accepted_languages"] = call.accepted_languages.all()
        if user.is_authenticated:
            context["my_inputs"] = call.inputs.filter(author=user).order_by("-updated_at")
            context["following"] = call.followers.filter(user=user).exists()
            context["options"] = submission_options(user, call)
        return context


class CallFollowView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        call = get_object_or_404(Call, pk=pk)
        if request.POST.get("follow") == "0":
            services.call_unfollow(call=call, user=request.user)
            messages.success(request, gettext("You no longer follow this call."))
        else:
            services.call_follow(call=call, user=request.user)
            messages.success(request, gettext("You will be told of this call's news."))
        return redirect("call_detail", pk=call.pk)


@limit_posts("30/h")
class InputStartView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        call = get_object_or_404(Call, pk=pk)
        try:
            input = services.input_create_draft(call=call, author=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("call_detail", pk=call.pk)
        return redirect("input_edit", pk=input.pk)


class AuthorInputMixin(LoginRequiredMixin):
    """Loads an input of the signed-in author; anyone else's gives 404, whatever the id."""

    def get_input(self) -> Input:
        return get_object_or_404(
            Input.objects.select_related("call", "language", "organisation", "state_country"),
            pk=self.kwargs["pk"],
            author=self.request.user,
        )


@limit_posts("600/h")
class InputEditView(AuthorInputMixin, TemplateView):
    """The input form: save as draft (also automatically), preview, or save changes."""

    template_name = "consultations/input_form.html"

    def form_for(self, input, data=None):
        return InputForm(
            data,
            input=input,
            user=self.request.user,
            options=submission_options(self.request.user, input.call) or [input.on_behalf],
        )

    def get(self, request, pk):
        input = self.get_input()
        return self.render_to_response(self.context(input, self.form_for(input)))

    def context(self, input, form, problems=None):
        return {
            "input": input,
            "form": form,
            "attachment_form": AttachmentForm(),
            "attachments": input.attachments.all(),
            "problems": problems or {},
            "editable": input.is_editable,
            "changes_request": (
                input.transitions.filter(action=InputTransition.Action.REQUEST_CHANGES)
                .order_by("-at", "-pk")
                .first()
                if input.state == Input.State.CHANGES_REQUESTED
                else None
            ),
        }

    def post(self, request, pk):
        input = self.get_input()
        form = self.form_for(input, request.POST)
        autosave = request.headers.get("X-Autosave") == "1"
        if not input.is_editable:
            message = gettext("This input can no longer be changed.")
            if not input.call.is_open:
                message = gettext(
                    "The call is closed: your text was not saved here. Copy it if you need it."
                )
            if autosave:
                return JsonResponse({"ok": False, "error": message}, status=409)
            messages.error(request, message)
            return redirect("input_edit", pk=input.pk)
        if not form.is_valid():
            if autosave:
                return JsonResponse({"ok": False, "error": str(form.errors)}, status=400)
            return self.render_to_response(self.context(input, form))
        try:
            input = services.input_save(input=input, by=request.user, **form.service_arguments())
        except DomainError as error:
            if autosave:
                return JsonResponse({"ok": False, "error": error.message}, status=409)
            form.add_error(None, error.message)
            return self.render_to_response(self.context(input, form))
        if autosave:
            return JsonResponse(
                {"ok": True, "version": input.version, "saved_at": timezone.now().isoformat()}
            )
        if "preview" in request.POST:
            return redirect("input_preview", pk=input.pk)
        if input.state == Input.State.DRAFT:
            messages.success(request, gettext("Your draft is saved."))
        else:
            messages.success(request, gettext("Your changes are saved and kept as a revision."))
        return redirect("input_edit", pk=input.pk)


@limit_posts("60/h")
class InputPreviewView(AuthorInputMixin, TemplateView):
    """The input as it will be read, what still stops it, and the confirmed submission."""

    template_name = "consultations/input_preview.html"

    def get(self, request, pk):
        input = self.get_input()
        return self.render_to_response(self.context(input))

    def context(self, input, problems=None):
        return {
            "input": input,
            "answers": input.answers.select_related("question"),
            "problems": problems if problems is not None else services.input_problems(input),
            "attachments": input.attachments.all(),
        }

    def post(self, request, pk):
        input = self.get_input()
        if not request.POST.get("confirm"):
            messages.error(request, gettext("Tick the box to confirm before you submit."))
            return redirect("input_preview", pk=input.pk)
        try:
            input = services.input_submit(input=input, by=request.user)
        except services.InputNotReady as error:
            messages.error(request, error.message)
            return self.render_to_response(self.context(input, error.problems))
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("input_preview", pk=input.pk)
        return redirect("input_receipt", pk=input.pk)


class InputReceiptView(AuthorInputMixin, TemplateView):
    template_name = "consultations/input_receipt.html"

    def get_context_data(self, **kwargs):
        input = self.get_input()
        if input.state == Input.State.DRAFT:
            raise Http404
        return {**super().get_context_data(**kwargs), "input": input}


@limit_posts("60/h")
class InputWithdrawView(AuthorInputMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        input = self.get_input()
        try:
            services.input_withdraw(input=input, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                gettext("Your input %(reference)s is withdrawn.") % {"reference": input.reference},
            )
        return redirect("my_inputs")


@limit_posts("60/h")
class InputDeleteView(AuthorInputMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        input = self.get_input()
        try:
            services.input_delete_draft(input=input, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("input_edit", pk=input.pk)
        messages.success(request, gettext("The draft is deleted."))
        return redirect("my_inputs")


# The attachment views send people back to the form's attachments: their messages show there.
NEAR_ATTACHMENTS = "attachments"


@limit_posts("60/h")
class AttachmentUploadView(AuthorInputMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        input = self.get_input()
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(
                request, gettext("Choose a file to attach."), extra_tags=NEAR_ATTACHMENTS
            )
        else:
            try:
                services.input_attach(
                    input=input, by=request.user, upload=form.cleaned_data["file"]
                )
            except DomainError as error:
                messages.error(
                    request,
                    gettext("“%(name)s” was not attached: %(reason)s")
                    % {"name": form.cleaned_data["file"].name, "reason": error.message},
                    extra_tags=NEAR_ATTACHMENTS,
                )
            else:
                messages.success(
                    request, gettext("The file is attached."), extra_tags=NEAR_ATTACHMENTS
                )
        return redirect(f"{input_edit_url(input)}#attachments")


def input_edit_url(input) -> str:
    return reverse("input_edit", kwargs={"pk": input.pk})


@limit_posts("120/h")
class AttachmentDeleteView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        attachment = get_object_or_404(
            Attachment.objects.select_related("input"), pk=pk, input__author=request.user
        )
        try:
            services.input_detach(attachment=attachment, by=request.user)
        except DomainError as error:
            messages.error(request, error.message, extra_tags=NEAR_ATTACHMENTS)
        return redirect(f"{input_edit_url(attachment.input)}#attachments")


class AttachmentDownloadView(View):
    """Attachments are served only here, to whoever may read their input."""

    def get(self, request, pk):
        attachment = get_object_or_404(Attachment.objects.select_related("input__author"), pk=pk)
        input = attachment.input
        if not can_read_input(request.user, input):
            raise Http404
        file = attachment.file
        if not input.names_its_author and not can_read_as_uploaded(request.user, input):
            # Published without the author's name: without the name in the file's metadata too.
            file = services.attachment_public_copy(attachment=attachment)
        response = FileResponse(
            file.open("rb"),
            as_attachment=attachment.content_type != "application/pdf",
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        return response


class BackgroundDocumentView(View):
    """A call's background documents are public; they are served from the media storage."""

    def get(self, request, pk):
        document = get_object_or_404(BackgroundDocument, pk=pk)
        response = FileResponse(document.file.open("rb"), filename=Path(document.file.name).name)
        response["X-Content-Type-Options"] = "nosniff"
        return response


@limit("60/h")
class InputCopyView(AuthorInputMixin, View):
    """A PDF copy of one's own input (drafts too: nothing typed is lost after the deadline).

    Small enough to render in the request: one input, a few pages.
    """

    TEMPLATE = Path(__file__).resolve().parent / "copy.typ"

    def get(self, request, pk):
        input = self.get_input()
        pdf = typeset_bytes(self.TEMPLATE, self.copy_data(input))
        name = input.reference or f"draft-{input.pk}"
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response

    @staticmethod
    def copy_data(input) -> dict:
        """What the copy shows, as the strings its template prints (consultations/copy.typ)."""
        state = capfirst(input.get_state_display())
        if input.submitted_at:
            submitted = date_format(input.submitted_at, "j F Y, H:i")
            state += " · " + gettext("submitted on %(date)s UTC") % {"date": submitted}
        on_behalf = input.get_on_behalf_display()
        if input.organisation or input.state_country:
            on_behalf += f": {input.organisation or input.state_country}"
        answers = input.answers.select_related("question")
        return {
            **reader_language(),
            "title": xml_safe(str(input)),
            "meta": xml_safe(f"{gettext('GCM Stakeholder Portal')} · {input.call.title}"),
            "state": state,
            "details": [
                [gettext("On behalf of"), xml_safe(on_behalf)],
                [gettext("Language"), str(input.language or "—")],
                [
                    gettext("Objectives"),
                    "; ".join(str(o) for o in input.objectives.all()) or "—",
                ],
                [gettext("Publication"), capfirst(input.get_consent_display())],
            ],
            "answers": [
                {
                    "question": xml_safe(answer.question.text),
                    "question_rtl": right_to_left(answer.question.text),
                    "text": xml_safe(answer.text) or "—",
                    "rtl": right_to_left(answer.text),
                }
                for answer in answers
            ],
            "attachments": [xml_safe(a.original_name) for a in input.attachments.all()],
            "labels": {"attachments": gettext("Attachments")},
        }


class MyInputsView(LoginRequiredMixin, TemplateView):
    template_name = "consultations/my_inputs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["inputs"] = (
            Input.objects.by_author(self.request.user)
            .select_related("call")
            .annotate(attachment_count=Count("attachments"))
            .order_by("-updated_at")
        )
        return context


class InputListView(FilterView):
    """Published inputs, across calls or of one call, filtered and searched."""

    template_name = "consultations/input_list.html"
    filterset_class = InputFilter
    paginate_by = 20

    def get_queryset(self):
        inputs = Input.objects.published().with_public_relations().order_by("-published_at", "-pk")
        self.call = None
        if "pk" in self.kwargs:
            self.call = get_object_or_404(Call, pk=self.kwargs["pk"])
            inputs = inputs.filter(call=self.call)
        first_answer = (
            Answer.objects.filter(input=OuterRef("pk"))
            .order_by("question__position", "question_id")
            .values("text")[:1]
        )
        # The cards show objectives, not principles: no query for what is not shown.
        # Small reference tables come by prefetch: fewer joins make the filtered query far
        # cheaper to plan (measured: 9 ms of planning with every relation joined).
        return (
            inputs.select_related(None)
            .select_related("organisation", "author__profile")
            .prefetch_related(None)
            .prefetch_related("objectives", "language", "author_group", "author_country")
            .annotate(excerpt=Subquery(first_answer))
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "call": self.call}


class InputDetailView(DetailView):
    """One input as its author consented: published inputs for all, others for author and staff."""

    template_name = "consultations/input_detail.html"
    context_object_name = "input"

    def get_object(self, queryset=None):
        input = get_object_or_404(
            Input.objects.with_public_relations().select_related("call"), pk=self.kwargs["pk"]
        )
        if not can_read_input(self.request.user, input):
            raise Http404
        return input

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["answers"] = self.object.answers.select_related("question")
        context["attachments"] = self.object.attachments.all()
        context["is_published"] = Input.objects.published().filter(pk=self.object.pk).exists()
        if self.request.user.pk == self.object.author_id:
            # The author reads why the moderators refused or unpublished it (never the notes).
            context["decision"] = (
                self.object.transitions.filter(
                    action__in=[
                        InputTransition.Action.REJECT,
                        InputTransition.Action.MARK_DUPLICATE,
                        InputTransition.Action.UNPUBLISH,
                    ],
                    to_state=self.object.state,
                )
                .select_related("duplicate_of")
                .order_by("-at", "-pk")
                .first()
            )
        return context


class OpenDataPageView(TemplateView):
    """The open data: what can be downloaded, under which licence, and what every column
    means (the data dictionary); and where the API and its guide are."""

    template_name = "consultations/open_data.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "columns": [
                {"name": name, "type": kind, "meaning": meaning}
                for name, (kind, meaning) in OPEN_DATA_COLUMNS.items()
            ],
            "licence": settings.GCM_OPEN_DATA_LICENCE,
            "calls": Call.objects.with_published_count().order_by("-closes_at", "pk"),
        }


class ApiGuideView(TemplateView):
    """How to use the API, with examples in curl and Python on this portal's own address."""

    template_name = "consultations/api_guide.html"

    def get_context_data(self, **kwargs):
        call = Call.objects.open().order_by("closes_at", "pk").first()
        english = Language.objects.filter(code="en").first()
        return {
            **super().get_context_data(**kwargs),
            "api": self.request.build_absolute_uri("/api/v1/"),
            # Real ids of this portal, so that the examples work when copied.
            "example": {
                "call": call.pk if call else 1,
                "questions": list(call.questions.values_list("pk", flat=True)) if call else [1],
                "objectives": list(
                    Objective.objects.filter(number__in=(6, 7)).values_list("pk", flat=True)
                ),
                "language": english.pk if english else 1,
            },
        }

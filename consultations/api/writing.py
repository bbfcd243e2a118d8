"""The signed-in user's own inputs through the API: start a draft, change it, attach files,
submit, withdraw, delete a draft. The same form, services and permissions as the web pages:
another user's input is not found."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from consultations import services
from consultations.forms import AttachmentForm, InputForm
from consultations.models import Input
from consultations.permissions import submission_options
from gcmportal.api import ConditionalGetMixin, CursorPage, idempotent
from gcmportal.errors import DomainError, ServiceUnavailable

from .serializers import (
    DraftStartSerializer,
    InputChangeSerializer,
    MyAttachmentSerializer,
    MyInputSerializer,
    SubmittedSerializer,
)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Any unique string: the same request sent again with it (a retry) is answered "
    "as the first time and not carried out twice.",
)


def api_field_errors(errors) -> dict[str, list[str]]:
    """Messages by field of the web form (or of services.input_problems), named as the API's
    fields: an answer's as `answers.<question id>`."""
    named: dict[str, list[str]] = {}
    for field, messages in errors.items():
        if field.startswith("answer_"):
            field = "answers." + field.removeprefix("answer_")
        named.setdefault(field or "non_field_errors", []).extend(str(m) for m in messages)
    return named


class MyInputPage(CursorPage):
    ordering = "-updated_at"


class MyInputViewSet(
    ConditionalGetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Your inputs, drafts included."""

    permission_classes = [IsAuthenticated]
    queryset = Input.objects.none()  # for the schema; get_queryset gives the user's own
    serializer_class = MyInputSerializer
    pagination_class = MyInputPage
    filter_backends = []

    def get_queryset(self):
        return (
            Input.objects.by_author(self.request.user)
            .select_related("call")
            .prefetch_related("objectives", "principles", "answers", "attachments")
        )

    def _answer(self, input, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=input.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    @extend_schema(
        request=DraftStartSerializer,
        responses={201: MyInputSerializer},
        parameters=[IDEMPOTENCY_KEY],
        summary="Start a draft",
    )
    @idempotent
    def create(self, request):
        """Start an input to an open call you may submit to (starting twice gives the same
        untouched draft)."""
        start = DraftStartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        input = services.input_create_draft(call=start.validated_data["call"], author=request.user)
        return self._answer(input, status.HTTP_201_CREATED)

    @extend_schema(
        request=InputChangeSerializer,
        responses={200: MyInputSerializer},
        summary="Change an input",
    )
    def partial_update(self, request, pk=None):
        """Save answers, tags, language, speaker or consent of a draft (or of a submitted
        input, kept as a revision) while the call is open."""
        input = self.get_object()
        change = InputChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        questions = {str(pk) for pk in input.call.questions.values_list("pk", flat=True)}
        unknown = sorted(set(change.validated_data.get("answers", {})) - questions)
        if unknown:
            raise exceptions.ValidationError(
                {
                    "answers": [
                        gettext("This call has no guiding question %(id)s.") % {"id": key}
                        for key in unknown
                    ]
                }
            )
        options = submission_options(request.user, input.call) or [input.on_behalf]
        form = InputForm(
            self._form_data(input, change.validated_data),
            input=input,
            user=request.user,
            options=options,
        )
        if not form.is_valid():
            raise exceptions.ValidationError(api_field_errors(form.errors))
        input = services.input_save(input=input, by=request.user, **form.service_arguments())
        return self._answer(input)

    @staticmethod
    def _form_data(input, change: dict) -> dict:
        """The web form's data: what is there now, with the change on top."""
        data = {
            "version": change.get("version", input.version),
            "language": change.get("language", input.language_id) or "",
            "objectives": change.get("objectives", [o.pk for o in input.objectives.all()]),
            "principles": change.get("principles", [p.pk for p in input.principles.all()]),
            "on_behalf": change.get("on_behalf", input.on_behalf),
            "organisation": change.get("organisation", input.organisation_id) or "",
            "state_country": change.get("state_country", input.state_country_id) or "",
            "consent": change.get("consent", input.consent),
        }
        answers = {str(a.question_id): a.text for a in input.answers.all()}
        answers.update(change.get("answers", {}))
        for question in input.call.questions.all():
            data[f"answer_{question.pk}"] = answers.get(str(question.pk), "")
        return data

    @extend_schema(responses={204: None}, summary="Delete a draft")
    def destroy(self, request, pk=None):
        """Throw a draft away (a submitted input is withdrawn instead)."""
        services.input_delete_draft(input=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={200: SubmittedSerializer},
        parameters=[IDEMPOTENCY_KEY],
        summary="Submit an input",
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def submit(self, request, pk=None):
        """Submit: the input gets its reference and you get a receipt by e-mail. What stops
        it comes back field by field. Submitting twice changes nothing."""
        try:
            input = services.input_submit(input=self.get_object(), by=request.user)
        except services.InputNotReady as error:
            raise exceptions.ValidationError(api_field_errors(error.problems)) from error
        receipt = request.build_absolute_uri(reverse("input_receipt", args=[input.pk]))
        return Response(
            {
                "id": input.pk,
                "reference": input.reference,
                "state": input.state,
                "receipt_url": receipt,
            }
        )

    @extend_schema(
        request=None,
        responses={200: MyInputSerializer},
        parameters=[IDEMPOTENCY_KEY],
        summary="Withdraw an input",
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def withdraw(self, request, pk=None):
        """Take back a submitted input: it is no longer published or moderated."""
        input = services.input_withdraw(input=self.get_object(), by=request.user)
        return self._answer(input)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        responses={201: MyAttachmentSerializer},
        parameters=[IDEMPOTENCY_KEY],
        summary="Attach a file",
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    @idempotent
    def attachments(self, request, pk=None):
        """Attach a PDF, DOCX, ODT or plain-text file (checked by its content, which its name's
        extension must match; at most 5 files of 10 MB), as a multipart form field named
        `file`."""
        input = self.get_object()
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            raise exceptions.ValidationError(api_field_errors(form.errors))
        try:
            attachment = services.input_attach(
                input=input, by=request.user, upload=form.cleaned_data["file"]
            )
        except DomainError as error:
            if isinstance(error, ServiceUnavailable) or not input.is_editable:
                raise
            raise exceptions.ValidationError({"file": [error.message]}) from error
        return Response(MyAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None}, summary="Remove an attachment")
    @action(detail=True, methods=["delete"], url_path=r"attachments/(?P<attachment>\d+)")
    def detach(self, request, pk=None, attachment=None):
        """Remove one of the input's attachments while it may still be changed."""
        input = self.get_object()
        services.input_detach(
            attachment=get_object_or_404(input.attachments, pk=attachment), by=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

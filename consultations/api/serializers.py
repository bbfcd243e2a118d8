"""What the API says of calls, their guiding questions and published inputs, in the language
the request asks for (Accept-Language), with the input's attribution exactly as consented."""

from django.urls import reverse
from rest_framework import serializers

from consultations.models import (
    Answer,
    Attachment,
    Call,
    GuidingPrinciple,
    GuidingQuestion,
    Input,
    Objective,
)


class ObjectiveSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="translated_title")
    cluster = serializers.IntegerField(source="cluster.number", allow_null=True)

    class Meta:
        model = Objective
        fields = ["id", "number", "title", "gcm_paragraph", "cluster"]


class GuidingPrincipleSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__")

    class Meta:
        model = GuidingPrinciple
        fields = ["id", "number", "code", "name", "gcm_paragraph"]


class GuidingQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = GuidingQuestion
        fields = ["id", "position", "text", "help_text", "required", "max_chars"]


class CallSerializer(serializers.ModelSerializer):
    status = serializers.CharField()
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    objectives = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    accepted_languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    questions = GuidingQuestionSerializer(many=True, read_only=True)
    published_inputs = serializers.IntegerField(source="published_count")
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id",
            "code",
            "kind",
            "title",
            "summary",
            "status",
            "opens_at",
            "closes_at",
            "region",
            "objectives",
            "accepted_languages",
            "eligibility",
            "pre_moderation",
            "questions",
            "published_inputs",
            "updated_at",
            "web_url",
        ]

    def get_web_url(self, call) -> str:
        return self.context["request"].build_absolute_uri(reverse("call_detail", args=[call.pk]))


class AnswerSerializer(serializers.ModelSerializer):
    question_text = serializers.CharField(source="question.text")

    class Meta:
        model = Answer
        fields = ["question", "question_text", "text"]


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "url"]

    def get_url(self, attachment) -> str:
        path = reverse("attachment_download", args=[attachment.pk])
        return self.context["request"].build_absolute_uri(path)


class PublishedInputSerializer(serializers.ModelSerializer):
    """A published input as the public reads it: the attribution is what its author consented
    to (Input.public_attribution), never the account behind it."""

    call = serializers.PrimaryKeyRelatedField(read_only=True)
    attribution = serializers.CharField(source="public_attribution")
    language = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    stakeholder_group = serializers.SlugRelatedField(
        source="author_group", slug_field="code", read_only=True, allow_null=True
    )
    country = serializers.SerializerMethodField()
    regions = serializers.SlugRelatedField(
        source="author_regions", slug_field="code", many=True, read_only=True
    )
    objectives = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    principles = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Input
        fields = [
            "id",
            "reference",
            "call",
            "attribution",
            "language",
            "stakeholder_group",
            "country",
            "regions",
            "objectives",
            "principles",
            "submitted_at",
            "published_at",
            "answers",
            "attachments",
            "web_url",
        ]

    def get_country(self, input) -> str | None:
        """The author's country (ISO 3166-1 alpha-2) when they submitted."""
        return input.author_country.code.code if input.author_country else None

    def get_web_url(self, input) -> str:
        return self.context["request"].build_absolute_uri(reverse("input_detail", args=[input.pk]))


class MyAnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Answer
        fields = ["question", "text"]


class MyAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]


class MyInputSerializer(serializers.ModelSerializer):
    """One of the signed-in user's inputs, whatever its state, as they may edit it: related
    rows by id (from /api/v1/languages/, /objectives/, /guiding-principles/)."""

    answers = MyAnswerSerializer(many=True, read_only=True)
    attachments = MyAttachmentSerializer(many=True, read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Input
        fields = [
            "id",
            "reference",
            "call",
            "state",
            "version",
            "language",
            "objectives",
            "principles",
            "on_behalf",
            "organisation",
            "state_country",
            "consent",
            "answers",
            "attachments",
            "created_at",
            "updated_at",
            "submitted_at",
            "published_at",
            "web_url",
        ]
        read_only_fields = fields

    def get_web_url(self, input) -> str:
        return self.context["request"].build_absolute_uri(reverse("input_edit", args=[input.pk]))


class DraftStartSerializer(serializers.Serializer):
    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.all())


class InputChangeSerializer(serializers.Serializer):
    """What the author may change; fields left out stay as they are. Checked by the web page's
    own form (consultations.forms.InputForm), then saved by the same service."""

    version = serializers.IntegerField(
        required=False,
        help_text="The version you last read: if the input changed since, nothing is saved.",
    )
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        required=False,
        help_text="Answers by guiding question id.",
    )
    language = serializers.IntegerField(required=False, allow_null=True)
    objectives = serializers.ListField(child=serializers.IntegerField(), required=False)
    principles = serializers.ListField(child=serializers.IntegerField(), required=False)
    on_behalf = serializers.ChoiceField(choices=Input.OnBehalf.choices, required=False)
    organisation = serializers.IntegerField(required=False, allow_null=True)
    state_country = serializers.IntegerField(required=False, allow_null=True)
    consent = serializers.ChoiceField(choices=Input.Consent.choices, required=False)


class SubmittedSerializer(serializers.Serializer):
    """Submission answered: the reference and where the receipt is."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    state = serializers.CharField()
    receipt_url = serializers.URLField()

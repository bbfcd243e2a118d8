"""The Compact's vocabulary (objectives, principles), calls for inputs, and the inputs."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .querysets import PUBLISHED, CallQuerySet, InputQuerySet, ObjectiveQuerySet


class ObjectiveCluster(models.Model):
    """One of the four roundtable clusters of the International Migration Review Forum."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    theme = models.CharField(_("theme"), max_length=250)

    class Meta:
        ordering = ["number"]
        verbose_name = _("objective cluster")
        verbose_name_plural = _("objective clusters")

    def __str__(self) -> str:
        return gettext("Cluster %(number)s: %(theme)s") % {
            "number": self.number,
            "theme": gettext(self.theme),
        }


class Objective(models.Model):
    """One of the GCM's 23 objectives (A/RES/73/195, paragraphs 17 to 39)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=250)
    gcm_paragraph = models.PositiveSmallIntegerField(_("GCM paragraph"))
    cluster = models.ForeignKey(
        ObjectiveCluster,
        on_delete=models.PROTECT,
        related_name="objectives",
        verbose_name=_("IMRF cluster"),
        null=True,
        blank=True,
    )

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=23), name="objective_number_1_to_23"
            ),
        ]

    def __str__(self) -> str:
        return gettext("Objective %(number)s: %(title)s") % {
            "number": self.number,
            "title": self.translated_title,
        }

    @property
    def translated_title(self) -> str:
        return gettext(self.title)


class GuidingPrinciple(models.Model):
    """One of the GCM's 10 cross-cutting guiding principles (paragraph 15)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    gcm_paragraph = models.CharField(_("GCM paragraph"), max_length=10)

    class Meta:
        ordering = ["number"]
        verbose_name = _("guiding principle")
        verbose_name_plural = _("guiding principles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=10), name="principle_number_1_to_10"
            ),
        ]

    def __str__(self) -> str:
        return gettext(self.name)


# --- Calls for inputs ---------------------------------------------------------------------------


class Call(models.Model):
    """A call for inputs: the common part of a thematic consultation and of a review.

    Its status (upcoming, open, closed) is derived from its opening and closing times.
    """

    class Kind(models.TextChoices):
        THEMATIC = "thematic", _("thematic consultation")
        REGIONAL_REVIEW = "regional_review", _("regional review")
        IMRF = "imrf", _("International Migration Review Forum")

    class Eligibility(models.TextChoices):
        ANYONE = "anyone", _("anyone registered")
        ORGANISATIONS = "organisations", _("verified organisations only")
        FOCAL_POINTS = "focal_points", _("verified government focal points only")

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("upcoming")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    code = models.SlugField(
        _("reference code"),
        max_length=12,
        help_text=_("Used in input references, e.g. ECE for GCM-2026-ECE-000123."),
    )
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"))
    opens_at = models.DateTimeField(_("opens at"), db_index=True)
    closes_at = models.DateTimeField(_("closes at"), db_index=True)
    accepted_languages = models.ManyToManyField(
        "stakeholders.Language", related_name="calls", verbose_name=_("accepted input languages")
    )
    objectives = models.ManyToManyField(
        Objective,
        blank=True,
        related_name="calls",
        verbose_name=_("related objectives"),
        help_text=_("Leave empty when the call covers all 23 objectives."),
    )
    region = models.ForeignKey(
        "stakeholders.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("region"),
        help_text=_("The regional commission of a regional review; empty for global calls."),
    )
    eligibility = models.CharField(
        _("who may submit"),
        max_length=20,
        choices=Eligibility.choices,
        default=Eligibility.ANYONE,
    )
    pre_moderation = models.BooleanField(
        _("pre-moderation"),
        default=True,
        help_text=_("Inputs are published only once a moderator approves them."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    opened_notice_sent_at = models.DateTimeField(
        _("“call opened” notices sent at"), null=True, blank=True, editable=False
    )

    objects = CallQuerySet.as_manager()
    # Its history is registered in translation.py, after its translated fields exist.

    class Meta:
        ordering = ["-closes_at", "pk"]
        verbose_name = _("call for inputs")
        verbose_name_plural = _("calls for inputs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def status_at(self, moment) -> str:
        if moment < self.opens_at:
            return self.Status.UPCOMING
        if moment < self.closes_at:
            return self.Status.OPEN
        return self.Status.CLOSED

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ThematicConsultation(models.Model):
    """A themed call, like the six informal thematic sessions of 2017."""

    call = models.OneToOneField(
        Call, on_delete=models.CASCADE, related_name="consultation", verbose_name=_("call")
    )
    theme = models.CharField(_("theme"), max_length=250)
    session_number = models.PositiveSmallIntegerField(_("session number"), null=True, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    starts_on = models.DateField(_("session starts on"), null=True, blank=True)
    ends_on = models.DateField(_("session ends on"), null=True, blank=True)

    class Meta:
        verbose_name = _("thematic consultation")
        verbose_name_plural = _("thematic consultations")

    def __str__(self) -> str:
        return self.theme


def background_document_path(instance, filename: str) -> str:
    return f"calls/{instance.call_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class BackgroundDocument(models.Model):
    """A document staff publish with a call (concept note, report, resolution)."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="documents", verbose_name=_("call")
    )
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(_("file"), upload_to=background_document_path)
    language = models.ForeignKey(
        "stakeholders.Language",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("language"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("background document")
        verbose_name_plural = _("background documents")

    def __str__(self) -> str:
        return self.title


class GuidingQuestion(models.Model):
    """One question of a call, answered in each input."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="questions", verbose_name=_("call")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("question"))
    help_text = models.TextField(_("help text"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    max_chars = models.PositiveIntegerField(_("character limit"), default=3000)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("guiding question")
        verbose_name_plural = _("guiding questions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_chars__gte=100, max_chars__lte=20000),
                name="question_limit_between_100_and_20000",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class CallFollower(models.Model):
    """A user who asked to be told of a call's news."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="followers", verbose_name=_("call")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="followed_calls",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("call follower")
        verbose_name_plural = _("call followers")
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="call_follower_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.call}"


# --- Inputs -------------------------------------------------------------------------------------


class Input(models.Model):
    """One submission to one call: answers, tags, language, consent, and who speaks for whom.

    The author's stakeholder group, country and region are copied at submission so that
    reports stay true when profiles change later.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class OnBehalf(models.TextChoices):
        SELF = "self", _("myself")
        ORGANISATION = "organisation", _("an organisation I belong to")
        STATE = "state", _("the State I am a focal point for")

    class Consent(models.TextChoices):
        PUBLIC_NAMED = "public_named", _("publish it with my name (and my organisation's)")
        PUBLIC_ANONYMOUS = "public_anonymous", _("publish it without my name")
        PRIVATE = "private", _("do not publish it (staff and statistics only)")

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="inputs", verbose_name=_("call")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="inputs",
        verbose_name=_("author"),
    )
    on_behalf = models.CharField(
        _("on behalf of"), max_length=15, choices=OnBehalf.choices, default=OnBehalf.SELF
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inputs",
        verbose_name=_("organisation"),
    )
    state_country = models.ForeignKey(
        "stakeholders.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="state_inputs",
        verbose_name=_("Member State"),
    )
    language = models.ForeignKey(
        "stakeholders.Language",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inputs",
        verbose_name=_("language"),
    )
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="inputs", verbose_name=_("objectives")
    )
    principles = models.ManyToManyField(
        GuidingPrinciple, blank=True, related_name="inputs", verbose_name=_("guiding principles")
    )
    consent = models.CharField(
        _("publication"), max_length=20, choices=Consent.choices, default=Consent.PUBLIC_NAMED
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    reference = models.CharField(
        _("reference"), max_length=40, unique=True, null=True, blank=True, editable=False
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Grows with each save, so that two tabs cannot overwrite each other."),
    )
    # Snapshot of who the author was when they submitted.
    author_group = models.ForeignKey(
        "stakeholders.StakeholderGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author's stakeholder group"),
    )
    author_country = models.ForeignKey(
        "stakeholders.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author's country"),
    )
    author_regions = models.ManyToManyField(
        "stakeholders.Region", blank=True, related_name="+", verbose_name=_("author's regions")
    )
    reminded_48h_at = models.DateTimeField(
        _("48-hour reminder sent at"), null=True, blank=True, editable=False
    )
    reminded_2h_at = models.DateTimeField(
        _("2-hour reminder sent at"), null=True, blank=True, editable=False
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_inputs",
        verbose_name=_("assigned to"),
        help_text=_("The moderator who looks after this input."),
    )

    objects = InputQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("input")
        verbose_name_plural = _("inputs")
        permissions = [("moderate_input", _("Can moderate inputs"))]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(on_behalf="organisation")
                | models.Q(organisation__isnull=False),
                name="input_for_organisation_names_it",
            ),
            models.CheckConstraint(
                condition=~models.Q(on_behalf="state") | models.Q(state_country__isnull=False),
                name="input_for_state_names_it",
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(reference__isnull=False),
                name="input_submitted_has_reference",
            ),
        ]
        indexes = [
            models.Index(fields=["call", "state"], name="input_call_state"),
            models.Index(fields=["author", "state"], name="input_author_state"),
            # The public lists read only published, publishable inputs, newest first.
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                condition=PUBLISHED,
                name="input_published_recent",
            ),
            models.Index(
                "call",
                F("published_at").desc(),
                condition=PUBLISHED,
                name="input_published_by_call",
            ),
            # The moderation queue: oldest submitted first.
            models.Index(
                "submitted_at",
                "id",
                condition=models.Q(submitted_at__isnull=False),
                name="input_queue_order",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or gettext("Draft %(number)s") % {"number": self.pk}

    @property
    def public_attribution(self) -> str:
        """Who the public reads as its author: exactly what the author consented to, nothing
        more (pages, exports and reports all use this)."""
        if self.consent != self.Consent.PUBLIC_NAMED:
            return gettext("Published without attribution")
        if self.on_behalf == self.OnBehalf.ORGANISATION and self.organisation:
            return self.organisation.name
        if self.on_behalf == self.OnBehalf.STATE and self.state_country:
            return gettext("Government of %(country)s") % {"country": self.state_country}
        if self.author.is_active:
            return self.author.display_name
        # An erased (or closed) account: its inputs keep their content, not its name.
        return gettext("Published without attribution")

    @property
    def names_its_author(self) -> bool:
        """The public reads the author's own name with it (so its files may name them too)."""
        return (
            self.consent == self.Consent.PUBLIC_NAMED
            and self.on_behalf == self.OnBehalf.SELF
            and self.author.is_active
        )

    @property
    def is_editable(self) -> bool:
        """Its author may still change it: a draft, or submitted but undecided, call open."""
        editable_states = {self.State.DRAFT, self.State.SUBMITTED, self.State.CHANGES_REQUESTED}
        return self.state in editable_states and self.call.is_open


class Answer(models.Model):
    """An input's answer to one guiding question."""

    input = models.ForeignKey(
        Input, on_delete=models.CASCADE, related_name="answers", verbose_name=_("input")
    )
    question = models.ForeignKey(
        GuidingQuestion,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("question"),
    )
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["question__position", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["input", "question"], name="answer_unique"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


def attachment_path(instance, filename: str) -> str:
    """A random name: nothing of the uploader's file name reaches the storage."""
    return f"attachments/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Attachment(models.Model):
    """A file joined to an input; served only through a permission-checked view."""

    input = models.ForeignKey(
        Input, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("input")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # The file as uploaded, while its copy without the author's metadata replaces it: deleted
    # from the storage once the new file is in place (again on the next run after a crash).
    replaced_file = models.CharField(max_length=200, blank=True, editable=False)
    public_file = models.FileField(
        _("public copy"),
        upload_to=attachment_path,
        max_length=200,
        blank=True,
        editable=False,
        help_text=_(
            "The file without its document metadata, served when the input is public "
            "without its author's name."
        ),
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class InputRevision(models.Model):
    """A copy of an input as it stood at a submission or a later edit."""

    input = models.ForeignKey(
        Input, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("input")
    )
    number = models.PositiveIntegerField(_("revision"))
    content = models.JSONField(_("content"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["input", "number"]
        verbose_name = _("input revision")
        verbose_name_plural = _("input revisions")
        constraints = [
            models.UniqueConstraint(fields=["input", "number"], name="input_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.input} r{self.number}"


class InputTransition(models.Model):
    """One entry of an input's history: a transition (the author's or a moderator's) or another
    moderation step (tags corrected, internal note, assignment). Never changed, never deleted.
    """

    class Action(models.TextChoices):
        SUBMIT = "submit", _("submitted")
        WITHDRAW = "withdraw", _("withdrawn by the author")
        APPROVE = "approve", _("approved")
        REJECT = "reject", _("rejected")
        REQUEST_CHANGES = "request_changes", _("changes requested")
        MARK_DUPLICATE = "mark_duplicate", _("marked as a duplicate")
        UNPUBLISH = "unpublish", _("unpublished")
        RETAG = "retag", _("tags corrected")
        NOTE = "note", _("internal note")
        ASSIGN = "assign", _("assigned")

    class Reason(models.TextChoices):
        OFF_TOPIC = "off_topic", _("off-topic")
        ABUSIVE = "abusive", _("abusive or hateful")
        SPAM = "spam", _("spam or advertising")
        DUPLICATE = "duplicate", _("duplicate of another input")
        PERSONAL_DATA = "personal_data", _("contains personal data of others")
        OTHER = "other", _("other reason")

    # PROTECT: an input with a history (any submitted one) can never be deleted; only drafts,
    # which have none, are.
    input = models.ForeignKey(
        Input, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("input")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    from_state = models.CharField(_("from"), max_length=20, choices=Input.State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Input.State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    reason_code = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    reason = models.TextField(_("reason or message"), blank=True)
    duplicate_of = models.ForeignKey(
        Input,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("duplicate of"),
    )
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["input", "at", "pk"]
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(action__in=["reject", "mark_duplicate"])
                | ~models.Q(reason_code=""),
                name="transition_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(action__in=["request_changes", "unpublish", "note"])
                | ~models.Q(reason=""),
                name="transition_message_not_empty",
            ),
            models.CheckConstraint(
                condition=~models.Q(action="mark_duplicate") | models.Q(duplicate_of__isnull=False),
                name="transition_duplicate_names_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.input}: {self.from_state} → {self.to_state}"

    @property
    def reason_text(self) -> str:
        """The reason as a reader sees it: the listed reason, then the moderator's words."""
        label = self.Reason(self.reason_code).label if self.reason_code else ""
        return " — ".join(str(part) for part in (label, self.reason) if part)


class ModerationScope(models.Model):
    """The calls and regions one moderator covers; with neither, the moderator covers all."""

    moderator = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderation_scope",
        verbose_name=_("moderator"),
    )
    calls = models.ManyToManyField(
        Call, blank=True, related_name="+", verbose_name=_("calls covered")
    )
    regions = models.ManyToManyField(
        "stakeholders.Region",
        blank=True,
        related_name="+",
        verbose_name=_("regions covered"),
        help_text=_(
            "Inputs to this region's calls, and inputs from authors in this region to global calls."
        ),
    )
    backlog_notice_sent_on = models.DateField(
        _("last backlog notice sent on"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("moderator's coverage")
        verbose_name_plural = _("moderators' coverage")

    def __str__(self) -> str:
        return str(self.moderator)


class ReferenceCounter(models.Model):
    """The last number used for references with one prefix (e.g. GCM-2026-ECE)."""

    prefix = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"

"""What the consultations app holds about a person (their inputs in every state, answers,
attachments, revisions, decisions, calls followed), its export and its erasure."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gcmportal.personal_data import (
    UNTIL_ERASED,
    ExportFile,
    PersonalDataProvider,
    Section,
)

from .models import (
    Answer,
    Attachment,
    CallFollower,
    Input,
    InputRevision,
    InputTransition,
    ModerationScope,
)

INPUT_PURPOSE = _(
    "The portal's record of the consultation: your inputs are moderated, published as you "
    "consent and compiled into the review reports."
)
SUBMITTED_KEPT = _(
    "Drafts: until you delete them or your account. Submitted inputs: kept as the record of "
    "the consultation; when you delete your account they lose your name (an input sent for an "
    "organisation or a State keeps its name)"
)
# What the person's own history shows of the moderation: not the staff's internal notes and
# assignments, which are about the staff's work.
DECISIONS_SHOWN = [
    action
    for action in InputTransition.Action.values
    if action not in (InputTransition.Action.NOTE, InputTransition.Action.ASSIGN)
]


def _input_folder(input: Input) -> str:
    return input.reference or f"draft-{input.pk}"


def attachment_export_path(attachment: Attachment) -> str:
    return (
        f"attachments/{_input_folder(attachment.input)}/{attachment.pk}-{attachment.original_name}"
    )


class ConsultationsPersonalData(PersonalDataProvider):
    app_label = "consultations"
    sections = (
        Section(
            key="inputs",
            title=_("Inputs"),
            kept=_(
                "Every input you wrote, in every state (drafts too), with its tags, "
                "language, who it speaks for and your publication consent."
            ),
            purpose=INPUT_PURPOSE,
            retention=SUBMITTED_KEPT,
            model="consultations.Input",
            fields=(
                "id",
                "reference",
                "call",
                "state",
                "on_behalf",
                "organisation",
                "state_country",
                "language",
                "objectives",
                "principles",
                "consent",
                "created_at",
                "submitted_at",
                "published_at",
            ),
        ),
        Section(
            key="answers",
            title=_("Answers"),
            kept=_("Your answer to each guiding question of your inputs."),
            purpose=INPUT_PURPOSE,
            retention=SUBMITTED_KEPT,
            model="consultations.Answer",
            fields=("id", "input", "question", "text"),
        ),
        Section(
            key="attachments",
            title=_("Attachments"),
            kept=_("The files you attached to your inputs (in the folder “attachments”)."),
            purpose=INPUT_PURPOSE,
            retention=SUBMITTED_KEPT,
            model="consultations.Attachment",
            fields=("id", "input", "original_name", "content_type", "size", "uploaded_at", "file"),
            labels={"file": _("file in this download")},
        ),
        Section(
            key="revisions",
            title=_("Revisions of your inputs"),
            kept=_("A copy of each submitted input as it stood at each submission or edit."),
            purpose=INPUT_PURPOSE,
            retention=SUBMITTED_KEPT,
            model="consultations.InputRevision",
            fields=("id", "input", "number", "created_at", "content"),
        ),
        Section(
            key="decisions",
            title=_("Moderation decisions"),
            kept=_("Each step of your inputs' moderation, with the reasons given to you."),
            purpose=_("To tell you what was decided on your inputs, and why."),
            retention=SUBMITTED_KEPT,
            model="consultations.InputTransition",
            fields=(
                "id",
                "input",
                "action",
                "from_state",
                "to_state",
                "at",
                "reason_code",
                "reason",
            ),
        ),
        Section(
            key="calls_followed",
            title=_("Calls you follow"),
            kept=_("The calls for inputs you asked to hear about."),
            purpose=_("To tell you of a call's news (deadlines, reports)."),
            retention=UNTIL_ERASED,
            model="consultations.CallFollower",
            fields=("id", "call", "created_at"),
        ),
        Section(
            key="moderation_coverage",
            title=_("Calls and regions you moderate"),
            kept=_("For staff moderators: the calls and regions they cover."),
            purpose=_("To share the moderation queue among the staff."),
            retention=UNTIL_ERASED,
            model="consultations.ModerationScope",
            fields=("id", "calls", "regions"),
        ),
    )

    def rows(self, person, section):
        user = person.user
        mine = Input.objects.filter(author=user)
        return {
            "inputs": mine.select_related(
                "call", "organisation", "state_country", "language"
            ).prefetch_related("objectives", "principles"),
            "answers": Answer.objects.filter(input__author=user).select_related(
                "input", "question"
            ),
            "attachments": Attachment.objects.filter(input__author=user).select_related("input"),
            "revisions": InputRevision.objects.filter(input__author=user).select_related("input"),
            "decisions": InputTransition.objects.filter(
                input__author=user, action__in=DECISIONS_SHOWN
            ).select_related("input"),
            "calls_followed": CallFollower.objects.filter(user=user).select_related("call"),
            "moderation_coverage": ModerationScope.objects.filter(moderator=user).prefetch_related(
                "calls", "regions"
            ),
        }[section.key]

    def computed(self, person, section, row):
        if section.key == "attachments":
            return {"file": attachment_export_path(row)}
        return {}

    def files(self, person):
        attachments = Attachment.objects.filter(input__author=person.user).select_related("input")
        for attachment in attachments.order_by("pk").iterator(chunk_size=200):
            yield ExportFile(path=attachment_export_path(attachment), file=attachment.file)

    def erase(self, person):
        """Drafts go with their files; submitted inputs stay, without the person's name: an
        input of their own becomes public without attribution, and its attachments lose the
        document metadata that may name them."""
        from .services import attachment_remove_metadata, input_files_delete

        user = person.user
        drafts = Input.objects.filter(author=user, state=Input.State.DRAFT)
        # Files first: after a crash here the next run deletes the rows of the files gone.
        for attachment in Attachment.objects.filter(input__in=drafts):
            input_files_delete(attachment)
        with transaction.atomic():
            drafts.delete()
            CallFollower.objects.filter(user=user).delete()
            ModerationScope.objects.filter(moderator=user).delete()
            Input.objects.filter(assigned_to=user).update(assigned_to=None)
            Input.objects.filter(
                author=user, on_behalf=Input.OnBehalf.SELF, consent=Input.Consent.PUBLIC_NAMED
            ).update(consent=Input.Consent.PUBLIC_ANONYMOUS)
            # An assignment's entry records the moderator's address.
            for entry in InputTransition.objects.filter(
                action=InputTransition.Action.ASSIGN, details__moderator__in=person.emails
            ):
                entry.details = {**entry.details, "moderator": None}
                entry.save(update_fields=["details"])
        for attachment in Attachment.objects.filter(input__author=user).order_by("pk"):
            attachment_remove_metadata(attachment=attachment)

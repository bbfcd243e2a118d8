"""Writes for the consultations app: reference data, calls, and every step of an input."""

import logging
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext

from gcmportal.errors import DomainError, ServiceUnavailable
from notifications.services import notify
from stakeholders.models import Region, User
from stakeholders.services import stakeholder_reference_data_load

from . import reference
from .attachments import MAX_ATTACHMENTS, attachment_kind, attachment_name
from .metadata import without_author_metadata
from .models import (
    Answer,
    Attachment,
    Call,
    CallFollower,
    GuidingPrinciple,
    Input,
    InputRevision,
    InputTransition,
    ModerationScope,
    Objective,
    ObjectiveCluster,
    ReferenceCounter,
)
from .permissions import (
    can_moderate_input,
    inputs_staff_may_see,
    moderators,
    organisations_user_may_speak_for,
    states_user_may_speak_for,
    submission_options,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def reference_data_load() -> dict[str, int]:
    """Create or update all GCM reference data (objectives, principles, stakeholders)."""
    counts = stakeholder_reference_data_load()
    clusters = {}
    for number, theme, _objectives in reference.OBJECTIVE_CLUSTERS:
        clusters[number], _ = ObjectiveCluster.objects.update_or_create(
            number=number, defaults={"theme": theme}
        )
    cluster_of = {
        objective: clusters[number]
        for number, _theme, objectives in reference.OBJECTIVE_CLUSTERS
        for objective in objectives
    }
    for number, title, paragraph in reference.OBJECTIVES:
        Objective.objects.update_or_create(
            number=number,
            defaults={"title": title, "gcm_paragraph": paragraph, "cluster": cluster_of[number]},
        )
    for number, code, name, paragraph in reference.GUIDING_PRINCIPLES:
        GuidingPrinciple.objects.update_or_create(
            number=number, defaults={"code": code, "name": name, "gcm_paragraph": paragraph}
        )
    counts.update(
        {
            "objective clusters": ObjectiveCluster.objects.count(),
            "objectives": Objective.objects.count(),
            "guiding principles": GuidingPrinciple.objects.count(),
        }
    )
    return counts


# --- Inputs -----------------------------------------------------------------------------------

# A draft keeps whatever its author typed, even beyond a question's limit (nothing typed is
# lost); only this hard ceiling protects the database from abuse.
MAX_DRAFT_ANSWER_CHARS = 50_000


def _require_author(input: Input, by) -> None:
    if input.author_id != by.pk:
        raise DomainError(gettext("Only the author may change this input."))


def _require_editable(input: Input) -> None:
    if not input.call.is_open:
        raise DomainError(
            gettext(
                "The call closed on %(date)s UTC: inputs can no longer be changed or "
                "submitted. Your draft is kept and you can still read and download it."
            )
            % {"date": input.call.closes_at.strftime("%Y-%m-%d %H:%M")}
        )
    if input.state not in (
        Input.State.DRAFT,
        Input.State.SUBMITTED,
        Input.State.CHANGES_REQUESTED,
    ):
        raise DomainError(gettext("This input can no longer be changed."))


def _lock_input(input: Input) -> Input:
    return Input.objects.select_for_update().select_related("call").get(pk=input.pk)


def input_create_draft(*, call: Call, author) -> Input:
    """Start an input to an open call the author may submit to."""
    if not call.is_open:
        raise DomainError(gettext("This call is not open for inputs."))
    options = submission_options(author, call)
    if not options:
        raise DomainError(_eligibility_message(call))
    untouched = (
        Input.objects.filter(call=call, author=author, state=Input.State.DRAFT, version=1)
        .order_by("-created_at")
        .first()
    )
    if untouched:
        return untouched  # a double click on "Write an input" starts one draft, not two
    profile = getattr(author, "profile", None)
    language = (
        call.accepted_languages.filter(code=profile.preferred_language.split("-")[0]).first()
        if profile
        else None
    )
    return Input.objects.create(
        call=call,
        author=author,
        on_behalf=options[0],
        language=language,
        organisation=(
            organisations_user_may_speak_for(author).first()
            if options[0] == Input.OnBehalf.ORGANISATION
            else None
        ),
        state_country=(
            states_user_may_speak_for(author).first()
            if options[0] == Input.OnBehalf.STATE
            else None
        ),
    )


def _eligibility_message(call: Call) -> str:
    if call.eligibility == Call.Eligibility.ORGANISATIONS:
        return gettext(
            "This call accepts inputs from verified organisations only. Join your "
            "organisation on the portal, or register it and wait for its verification."
        )
    if call.eligibility == Call.Eligibility.FOCAL_POINTS:
        return gettext("This call accepts inputs from verified government focal points only.")
    return gettext("Your account cannot submit inputs.")


def input_save(
    *,
    input: Input,
    by,
    answers: dict,
    version: int | None = None,
    language=None,
    objectives=None,
    principles=None,
    on_behalf: str | None = None,
    organisation=None,
    state_country=None,
    consent: str | None = None,
) -> Input:
    """Save what the author typed (a draft, or a submitted input they correct).

    `version` is the version the author's page was showing: if the input changed since (in
    another tab), nothing is overwritten. Editing a submitted input keeps a revision.
    """
    with transaction.atomic():
        input = _lock_input(input)
        _require_author(input, by)
        _require_editable(input)
        if version is not None and version != input.version:
            raise DomainError(
                gettext(
                    "This input was changed in another window or tab since you opened it. "
                    "Copy your text, reload the page, and apply your changes again."
                )
            )
        questions = {q.pk: q for q in input.call.questions.all()}
        for question_id, text in answers.items():
            if question_id not in questions:
                continue
            Answer.objects.update_or_create(
                input=input,
                question_id=question_id,
                defaults={"text": (text or "")[:MAX_DRAFT_ANSWER_CHARS]},
            )
        if on_behalf is not None:
            _check_on_behalf(by, input.call, on_behalf, organisation, state_country)
            input.on_behalf = on_behalf
            input.organisation = organisation if on_behalf == Input.OnBehalf.ORGANISATION else None
            input.state_country = state_country if on_behalf == Input.OnBehalf.STATE else None
        if language is not None:
            input.language = language
        if consent is not None:
            input.consent = consent
        input.version += 1
        input.save(
            update_fields=[
                "on_behalf",
                "organisation",
                "state_country",
                "language",
                "consent",
                "version",
                "updated_at",
            ]
        )
        if objectives is not None:
            input.objectives.set(objectives)
        if principles is not None:
            input.principles.set(principles)
        if input.state != Input.State.DRAFT:
            _keep_revision(input, by)
    return input


def _check_on_behalf(user, call, on_behalf, organisation, state_country) -> None:
    if on_behalf not in submission_options(user, call):
        raise DomainError(_eligibility_message(call))
    if on_behalf == Input.OnBehalf.ORGANISATION and (
        organisation is None
        or not organisations_user_may_speak_for(user).filter(pk=organisation.pk).exists()
    ):
        raise DomainError(
            gettext("You can only submit for a verified organisation you are an active member of.")
        )
    if on_behalf == Input.OnBehalf.STATE and (
        state_country is None
        or not states_user_may_speak_for(user).filter(pk=state_country.pk).exists()
    ):
        raise DomainError(
            gettext("You can only submit for the Member State you are a verified focal point for.")
        )


def input_problems(input: Input) -> dict[str, list[str]]:
    """What stops an input from being submitted, by field ("" for the whole input)."""
    problems: dict[str, list[str]] = {}
    answers = {a.question_id: a.text for a in input.answers.all()}
    for question in input.call.questions.all():
        text = answers.get(question.pk, "").strip()
        key = f"answer_{question.pk}"
        if question.required and not text:
            problems.setdefault(key, []).append(gettext("This question needs an answer."))
        if len(text) > question.max_chars:
            problems.setdefault(key, []).append(
                gettext("This answer has %(count)d characters; the limit is %(limit)d.")
                % {"count": len(text), "limit": question.max_chars}
            )
    if input.language_id is None:
        problems.setdefault("language", []).append(gettext("Choose the language of your input."))
    elif not input.call.accepted_languages.filter(pk=input.language_id).exists():
        problems.setdefault("language", []).append(
            gettext("This call does not accept inputs in this language.")
        )
    if not input.objectives.exists():
        problems.setdefault("objectives", []).append(
            gettext("Choose at least one objective your input addresses.")
        )
    return problems


def _next_reference(call: Call, moment) -> str:
    prefix = f"GCM-{moment:%Y}-{call.code.upper()}"
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(prefix=prefix)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{counter.last:06d}"


def _input_content(input: Input) -> dict:
    """The input as plain data, for revisions."""
    return {
        "answers": {str(a.question_id): a.text for a in input.answers.all()},
        "language": input.language.code if input.language else None,
        "objectives": sorted(input.objectives.values_list("number", flat=True)),
        "principles": sorted(input.principles.values_list("number", flat=True)),
        "on_behalf": input.on_behalf,
        "organisation": input.organisation_id,
        "state_country": input.state_country.code.code if input.state_country else None,
        "consent": input.consent,
        "attachments": [a.original_name for a in input.attachments.all()],
    }


def _keep_revision(input: Input, by) -> InputRevision:
    number = (input.revisions.aggregate(last=Max("number"))["last"] or 0) + 1
    return InputRevision.objects.create(
        input=input, number=number, content=_input_content(input), created_by=by
    )


def _transition(input: Input, to_state: str, by, *, action: str, **recorded) -> InputTransition:
    """Record a step of the input's history and move it to `to_state` (unsaved)."""
    entry = InputTransition.objects.create(
        input=input, action=action, from_state=input.state, to_state=to_state, by=by, **recorded
    )
    input.state = to_state
    return entry


def input_submit(*, input: Input, by) -> Input:
    """Submit an input: reference, snapshot of the author, receipt. Submitting twice is harmless.

    Raises DomainError listing the problems when the input is not ready.
    """
    with transaction.atomic():
        input = _lock_input(input)
        _require_author(input, by)
        if input.state == Input.State.SUBMITTED:
            return input  # a double click, a retry or a second tab: nothing happens twice
        _require_editable(input)
        problems = input_problems(input)
        if problems:
            raise InputNotReady(problems)
        if input.on_behalf != Input.OnBehalf.SELF or input.call.eligibility != "anyone":
            _check_on_behalf(
                by, input.call, input.on_behalf, input.organisation, input.state_country
            )
        now = timezone.now()
        first_submission = input.reference is None
        if first_submission:
            input.reference = _next_reference(input.call, now)
            profile = getattr(by, "profile", None)
            input.author_group = profile.stakeholder_group if profile else None
            input.author_country = profile.country if profile else None
            input.submitted_at = now
        if not input.call.pre_moderation:
            input.published_at = now
        _transition(input, Input.State.SUBMITTED, by, action=InputTransition.Action.SUBMIT)
        input.version += 1
        input.save(
            update_fields=[
                "reference",
                "author_group",
                "author_country",
                "submitted_at",
                "published_at",
                "state",
                "version",
                "updated_at",
            ]
        )
        if first_submission and input.author_country:
            # Only the commissions the country lies in: France is not counted in ECLAC.
            input.author_regions.set(
                Region.objects.filter(
                    memberships__country=input.author_country, memberships__within_region=True
                )
            )
        _keep_revision(input, by)
        notify(
            recipient=by,
            kind_code="input_receipt",
            context={
                "input": input,
                "answers": list(input.answers.select_related("question")),
                "resubmitted": not first_submission,
            },
            link=("input_receipt", {"pk": input.pk}),
        )
    return input


class InputNotReady(DomainError):
    """The input cannot be submitted yet; `problems` says why, field by field."""

    def __init__(self, problems: dict[str, list[str]]):
        super().__init__(gettext("Your input is not ready to submit: see the messages below."))
        self.problems = problems


def input_withdraw(*, input: Input, by, reason: str = "") -> Input:
    """The author takes an input back; it is no longer published or moderated."""
    with transaction.atomic():
        input = _lock_input(input)
        _require_author(input, by)
        if input.state == Input.State.WITHDRAWN:
            return input
        if input.state == Input.State.DRAFT:
            raise DomainError(gettext("A draft is not submitted: delete it instead."))
        _transition(
            input, Input.State.WITHDRAWN, by, action=InputTransition.Action.WITHDRAW, reason=reason
        )
        input.published_at = None
        input.version += 1
        input.save(update_fields=["state", "published_at", "version", "updated_at"])
    return input


def input_delete_draft(*, input: Input, by) -> None:
    """The author throws a draft away (a submitted input is withdrawn, never deleted)."""
    with transaction.atomic():
        input = _lock_input(input)
        _require_author(input, by)
        if input.state != Input.State.DRAFT:
            raise DomainError(gettext("Only drafts can be deleted; withdraw a submitted input."))
        for attachment in input.attachments.all():
            input_files_delete(attachment)
        input.delete()


def input_files_delete(attachment: Attachment) -> None:
    """Delete an attachment's files (the file, its public copy, a replaced original) from the
    storage; the row is the caller's to delete."""
    storage = attachment.file.storage
    for name in (attachment.file.name, attachment.public_file.name, attachment.replaced_file):
        if name:
            storage.delete(name)


def input_attach(*, input: Input, by, upload) -> Attachment:
    """Join a file to an input, after checking what it really is."""
    with transaction.atomic():
        input = _lock_input(input)
        _require_author(input, by)
        _require_editable(input)
        if input.attachments.count() >= MAX_ATTACHMENTS:
            raise DomainError(
                gettext("An input can have at most %(count)d attachments.")
                % {"count": MAX_ATTACHMENTS}
            )
        extension, content_type = attachment_kind(upload)
        original_name = attachment_name(upload.name) or f"attachment.{extension}"
        attachment = Attachment(
            input=input,
            original_name=original_name,
            content_type=content_type,
            size=upload.size,
        )
        try:
            attachment.file.save(f"upload.{extension}", upload, save=False)
        except OSError as error:  # the disk is full, or the storage cannot be reached
            logger.error("Attachment of input %s not stored: %s", input.pk, error)
            raise ServiceUnavailable(
                gettext(
                    "The portal cannot store files just now. Your input and its text are "
                    "saved; please attach the file again later."
                )
            ) from error
        attachment.save()
        input.version += 1
        input.save(update_fields=["version", "updated_at"])
        if input.state != Input.State.DRAFT:
            _keep_revision(input, by)
    return attachment


def input_detach(*, attachment: Attachment, by) -> None:
    with transaction.atomic():
        input = _lock_input(attachment.input)
        _require_author(input, by)
        _require_editable(input)
        input_files_delete(attachment)
        attachment.delete()
        input.version += 1
        input.save(update_fields=["version", "updated_at"])
        if input.state != Input.State.DRAFT:
            _keep_revision(input, by)


def attachment_public_copy(*, attachment: Attachment):
    """The file the public reads of an input published without its author's name: a copy
    without the document metadata that may name them (made once, then kept)."""
    if attachment.public_file:
        return attachment.public_file
    if attachment.content_type.startswith("text/"):
        return attachment.file  # plain text has no metadata
    with attachment.file.open("rb") as source:
        content = source.read()
    try:
        content = without_author_metadata(content, attachment.content_type)
    except ValueError as error:  # accepted once, but no longer readable: shown as it is
        logger.warning("Attachment %s: metadata not removed: %s", attachment.pk, error)
    with transaction.atomic():
        locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if not locked.public_file:
            locked.public_file.save(Path(locked.file.name).name, ContentFile(content), save=False)
            locked.save(update_fields=["public_file"])
    attachment.public_file = locked.public_file
    return attachment.public_file


def attachment_remove_metadata(*, attachment: Attachment) -> Attachment:
    """Replace the stored file by its copy without the document metadata that may name its
    author (when the author is erased). Safe to run again: after a crash it deletes the
    original it had replaced; on a file without such metadata it changes nothing."""
    storage = attachment.file.storage
    if attachment.replaced_file:
        storage.delete(attachment.replaced_file)
        Attachment.objects.filter(pk=attachment.pk).update(replaced_file="")
    with attachment.file.open("rb") as source:
        content = source.read()
    try:
        stripped = without_author_metadata(content, attachment.content_type)
    except ValueError as error:  # accepted once, but no longer readable: kept as it is
        logger.warning("Attachment %s: metadata not removed: %s", attachment.pk, error)
        stripped = content
    if stripped != content:
        original = attachment.file.name
        with transaction.atomic():
            attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
            attachment.file.save(Path(original).name, ContentFile(stripped), save=False)
            attachment.replaced_file = original
            attachment.size = len(stripped)
            attachment.save(update_fields=["file", "replaced_file", "size"])
        storage.delete(original)
        Attachment.objects.filter(pk=attachment.pk).update(replaced_file="")
    if attachment.public_file:  # made from the original: made again from this file if needed
        storage.delete(attachment.public_file.name)
        Attachment.objects.filter(pk=attachment.pk).update(public_file="")
    attachment.refresh_from_db()
    return attachment


# --- Moderation ---------------------------------------------------------------------------------


class DecisionConflict(DomainError):
    """The input changed (another moderator decided, or its author edited it) since the
    moderator's page showed it; nothing was overwritten."""


def _lock_for_moderation(input: Input, by, version: int | None) -> Input:
    """Lock the input and check the moderator may act on it, as it stands now.

    `version` is the version the moderator's page showed: if the input changed since, the
    moderator is told by whom and nothing is written.
    """
    locked = _lock_input(input)
    if not can_moderate_input(by, locked):
        raise DomainError(gettext("You are not allowed to moderate this input."))
    if version is not None and version != locked.version:
        raise DecisionConflict(_changed_meanwhile_message(locked))
    return locked


def _changed_meanwhile_message(input: Input) -> str:
    last = input.transitions.select_related("by").order_by("-at", "-pk").first()
    if last is None or last.action in (InputTransition.Action.SUBMIT, InputTransition.Action.NOTE):
        return gettext(
            "%(reference)s was changed by its author since you opened it. Nothing was "
            "overwritten: read it again before deciding."
        ) % {"reference": input}
    return gettext(
        "%(reference)s changed since you opened it: %(action)s by %(who)s at %(at)s UTC. "
        "Nothing was overwritten: read it again before deciding."
    ) % {
        "reference": input,
        "action": last.get_action_display(),
        "who": last.by or gettext("someone"),
        "at": last.at.strftime("%Y-%m-%d %H:%M"),
    }


def _require_state(input: Input, *allowed: str) -> None:
    if input.state not in allowed:
        raise DomainError(
            gettext("%(reference)s is %(state)s: this decision is not possible now.")
            % {"reference": input, "state": input.get_state_display()}
        )


def _decide(
    input: Input,
    *,
    by,
    version: int | None,
    action: str,
    to_state: str,
    allowed_from: tuple[str, ...] = (Input.State.SUBMITTED,),
    notice: str | None = None,
    **recorded,
) -> Input:
    """The shape of every moderation decision: lock, check, record, publish or not, notify."""
    with transaction.atomic():
        input = _lock_for_moderation(input, by, version)
        _require_state(input, *allowed_from)
        if action == InputTransition.Action.UNPUBLISH and input.published_at is None:
            raise DomainError(
                gettext("%(reference)s is not published: there is nothing to unpublish.")
                % {"reference": input}
            )
        entry = _transition(input, to_state, by, action=action, **recorded)
        if to_state == Input.State.APPROVED and action == InputTransition.Action.APPROVE:
            input.published_at = input.published_at or timezone.now()
        else:
            input.published_at = None
        input.version += 1
        input.save(update_fields=["state", "published_at", "version", "updated_at"])
        if notice:
            notify(
                recipient=input.author,
                kind_code=notice,
                context={"input": input, "decision": entry, "call": input.call},
                link=(
                    "input_edit" if to_state == Input.State.CHANGES_REQUESTED else "input_detail",
                    {"pk": input.pk},
                ),
            )
    return input


def input_approve(*, input: Input, by, version: int | None = None) -> Input:
    """Approve a submitted input: it is published, as its author consented (or stays so)."""
    return _decide(
        input,
        by=by,
        version=version,
        action=InputTransition.Action.APPROVE,
        to_state=Input.State.APPROVED,
        notice="input_approved",
    )


def input_reject(
    *, input: Input, by, reason_code: str, reason: str = "", version: int | None = None
) -> Input:
    """Reject a submitted input for a listed reason (and the moderator's words for "other")."""
    reason = (reason or "").strip()
    if reason_code not in InputTransition.Reason.values:
        raise DomainError(gettext("Choose the reason for rejecting this input."))
    if reason_code == InputTransition.Reason.DUPLICATE:
        raise DomainError(
            gettext("To reject a duplicate, mark it as a duplicate of the other input.")
        )
    if reason_code == InputTransition.Reason.OTHER and not reason:
        raise DomainError(gettext("Explain the reason for rejecting this input."))
    return _decide(
        input,
        by=by,
        version=version,
        action=InputTransition.Action.REJECT,
        to_state=Input.State.REJECTED,
        notice="input_rejected",
        reason_code=reason_code,
        reason=reason,
    )


def input_request_changes(*, input: Input, by, message: str, version: int | None = None) -> Input:
    """Send a submitted input back to its author, who may change and resubmit it."""
    message = (message or "").strip()
    if not message:
        raise DomainError(gettext("Tell the author what to change."))
    return _decide(
        input,
        by=by,
        version=version,
        action=InputTransition.Action.REQUEST_CHANGES,
        to_state=Input.State.CHANGES_REQUESTED,
        notice="input_changes_requested",
        reason=message,
    )


def input_mark_duplicate(
    *, input: Input, by, original_reference: str, reason: str = "", version: int | None = None
) -> Input:
    """Reject a submitted input as a duplicate of another submitted input, named by reference."""
    original = (
        Input.objects.exclude(state=Input.State.DRAFT)
        .filter(reference=(original_reference or "").strip().upper())
        .first()
    )
    if original is None:
        raise DomainError(
            gettext("No submitted input has the reference “%(reference)s”.")
            % {"reference": original_reference}
        )
    if original.pk == input.pk:
        raise DomainError(gettext("An input cannot be a duplicate of itself."))
    return _decide(
        input,
        by=by,
        version=version,
        action=InputTransition.Action.MARK_DUPLICATE,
        to_state=Input.State.REJECTED,
        notice="input_rejected",
        reason_code=InputTransition.Reason.DUPLICATE,
        reason=(reason or "").strip(),
        duplicate_of=original,
    )


def input_unpublish(*, input: Input, by, reason: str, version: int | None = None) -> Input:
    """Take an approved input off the public pages; it stays approved and counted."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext("Give the reason for unpublishing this input."))
    return _decide(
        input,
        by=by,
        version=version,
        action=InputTransition.Action.UNPUBLISH,
        to_state=Input.State.APPROVED,
        allowed_from=(Input.State.APPROVED,),
        notice="input_unpublished",
        reason=reason,
    )


def input_retag(*, input: Input, by, objectives, principles, version: int | None = None) -> Input:
    """Correct the objectives and principles an input is tagged with; the change is recorded."""
    objectives, principles = list(objectives), list(principles)
    if not objectives:
        raise DomainError(gettext("An input addresses at least one objective."))
    with transaction.atomic():
        input = _lock_for_moderation(input, by, version)
        before = {
            "objectives": sorted(input.objectives.values_list("number", flat=True)),
            "principles": sorted(input.principles.values_list("number", flat=True)),
        }
        after = {
            "objectives": sorted(o.number for o in objectives),
            "principles": sorted(p.number for p in principles),
        }
        if before == after:
            return input
        input.objectives.set(objectives)
        input.principles.set(principles)
        _transition(
            input,
            input.state,
            by,
            action=InputTransition.Action.RETAG,
            details={"before": before, "after": after},
        )
        input.version += 1
        input.save(update_fields=["version", "updated_at"])
        _keep_revision(input, by)
    return input


def input_note_add(*, input: Input, by, text: str) -> InputTransition:
    """An internal note for the other moderators; the author never sees it."""
    text = (text or "").strip()
    if not text:
        raise DomainError(gettext("Write the note first."))
    with transaction.atomic():
        input = _lock_for_moderation(input, by, None)
        return _transition(input, input.state, by, action=InputTransition.Action.NOTE, reason=text)


def input_assign(*, input: Input, by, moderator) -> Input:
    """Give an input to a moderator who covers it (or to nobody, with None)."""
    with transaction.atomic():
        input = _lock_for_moderation(input, by, None)
        if moderator is not None and not can_moderate_input(moderator, input):
            raise DomainError(
                gettext("%(moderator)s does not moderate %(reference)s's call or region.")
                % {"moderator": moderator, "reference": input}
            )
        if input.assigned_to_id == (moderator.pk if moderator else None):
            return input
        _transition(
            input,
            input.state,
            by,
            action=InputTransition.Action.ASSIGN,
            details={"moderator": moderator.email if moderator else None},
        )
        input.assigned_to = moderator
        input.save(update_fields=["assigned_to"])
    return input


BACKLOG_AFTER = timedelta(hours=48)


def moderation_backlog_notices_send(*, now=None) -> int:
    """Tell each moderator, once a day, how many inputs in the calls they cover have waited
    more than 48 hours for a decision. Nobody with nothing waiting is told anything."""
    now = now or timezone.now()
    today = now.date()
    sent = 0
    for moderator in moderators().select_related("profile"):
        with transaction.atomic():
            scope, _created = ModerationScope.objects.get_or_create(moderator=moderator)
            scope = ModerationScope.objects.select_for_update().get(pk=scope.pk)
            if scope.backlog_notice_sent_on == today:
                continue
            waiting = list(
                inputs_staff_may_see(moderator)
                .filter(state=Input.State.SUBMITTED, submitted_at__lt=now - BACKLOG_AFTER)
                .values("call_id", "call__title")
                .annotate(count=Count("pk"), oldest=Min("submitted_at"))
                .order_by("oldest")
            )
            if not waiting:
                continue
            scope.backlog_notice_sent_on = today
            scope.save(update_fields=["backlog_notice_sent_on"])
            notify(
                recipient=moderator,
                kind_code="moderation_backlog",
                context={"calls": waiting, "total": sum(row["count"] for row in waiting)},
                link=("admin:consultations_input_changelist", {}),
            )
            sent += 1
    return sent


# --- Calls --------------------------------------------------------------------------------------


def call_follow(*, call: Call, user) -> None:
    CallFollower.objects.get_or_create(call=call, user=user)


def call_unfollow(*, call: Call, user) -> None:
    CallFollower.objects.filter(call=call, user=user).delete()


def call_extend_deadline(*, call: Call, closes_at, by) -> Call:
    """Give a call more time; its followers and the authors of its drafts are told."""
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if closes_at <= call.closes_at:
            raise DomainError(gettext("The new closing time must be later than the current one."))
        call.closes_at = closes_at
        call.save(update_fields=["closes_at", "updated_at"])
        recipients = {f.user for f in call.followers.select_related("user__profile")}
        recipients |= {
            i.author
            for i in call.inputs.filter(state=Input.State.DRAFT).select_related("author__profile")
        }
        for user in recipients:
            notify(
                recipient=user,
                kind_code="call_deadline_extended",
                context={"call": call},
                link=("call_detail", {"pk": call.pk}),
            )
        # Drafts get their reminders again before the new deadline.
        call.inputs.filter(state=Input.State.DRAFT).update(
            reminded_48h_at=None, reminded_2h_at=None
        )
    return call


# (field recording the reminder, sent from this long before closing, until this long before)
REMINDERS = [
    ("reminded_48h_at", timedelta(hours=48), timedelta(hours=2)),
    ("reminded_2h_at", timedelta(hours=2), timedelta(0)),
]


def reminders_send_due(*, now=None) -> int:
    """Remind authors of unsubmitted drafts 48 and 2 hours before their call closes, once each.

    One query finds each batch; a row lock per draft makes a second run (or a second beat)
    send nothing twice.
    """
    now = now or timezone.now()
    sent = 0
    for field, before, until in REMINDERS:
        # A draft started in the last 2 hours gets the 2-hour reminder only, not both at once.
        due = Input.objects.filter(
            state=Input.State.DRAFT,
            call__opens_at__lte=now,
            call__closes_at__gt=now + until,
            call__closes_at__lte=now + before,
            author__is_active=True,
            **{f"{field}__isnull": True},
        ).select_related("call", "author__profile")
        for draft in due:
            with transaction.atomic():
                locked = Input.objects.select_for_update().get(pk=draft.pk)
                if getattr(locked, field) or locked.state != Input.State.DRAFT:
                    continue
                setattr(locked, field, now)
                locked.save(update_fields=[field])
                notify(
                    recipient=draft.author,
                    kind_code="deadline_reminder",
                    context={"input": draft, "call": draft.call},
                    link=("input_edit", {"pk": draft.pk}),
                )
                sent += 1
    return sent


def call_opened_notices_send(*, now=None) -> int:
    """Tell users who follow a call's objectives or region that it opened; once per call."""
    now = now or timezone.now()
    sent = 0
    for call in Call.objects.open(now).filter(opened_notice_sent_at__isnull=True):
        with transaction.atomic():
            call = Call.objects.select_for_update().get(pk=call.pk)
            if call.opened_notice_sent_at:
                continue
            call.opened_notice_sent_at = now
            call.save(update_fields=["opened_notice_sent_at"])
            objectives = call.objectives.all()
            if not objectives.exists():
                objectives = Objective.objects.all()
            regions = [call.region] if call.region else []
            for user in User.objects.interested_in(
                objectives=objectives, regions=regions
            ).select_related("profile"):
                notify(
                    recipient=user,
                    kind_code="call_opened",
                    context={
                        "call_title": call.title,
                        "deadline": call.closes_at.strftime("%Y-%m-%d %H:%M"),
                    },
                    link=("call_detail", {"pk": call.pk}),
                )
                sent += 1
    return sent

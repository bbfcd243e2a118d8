"""Writes for the consultations app: reference data, calls, and every step of an input."""

from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from gcmportal.errors import DomainError
from notifications.services import notify
from stakeholders.models import Region, User
from stakeholders.services import stakeholder_reference_data_load

from . import reference
from .attachments import MAX_ATTACHMENTS, attachment_kind
from .models import (
    Answer,
    Attachment,
    Call,
    CallFollower,
    GuidingPrinciple,
    Input,
    InputRevision,
    InputTransition,
    Objective,
    ObjectiveCluster,
    ReferenceCounter,
)
from .permissions import (
    organisations_user_may_speak_for,
    states_user_may_speak_for,
    submission_options,
)


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


def _transition(input: Input, to_state: str, by, reason: str = "") -> None:
    InputTransition.objects.create(
        input=input, from_state=input.state, to_state=to_state, by=by, reason=reason
    )
    input.state = to_state


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
        _transition(input, Input.State.SUBMITTED, by)
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
        _transition(input, Input.State.WITHDRAWN, by, reason)
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
            attachment.file.delete(save=False)
        input.delete()


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
        original_name = Path(upload.name).name[:200] or f"attachment.{extension}"
        attachment = Attachment(
            input=input,
            original_name=original_name,
            content_type=content_type,
            size=upload.size,
        )
        attachment.file.save(f"upload.{extension}", upload, save=False)
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
        attachment.file.delete(save=False)
        attachment.delete()
        input.version += 1
        input.save(update_fields=["version", "updated_at"])
        if input.state != Input.State.DRAFT:
            _keep_revision(input, by)


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

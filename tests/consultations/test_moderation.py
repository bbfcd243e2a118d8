"""The moderation workflow: every transition allowed and refused, reasons, conflicts between
moderators, publication, notices to authors, coverage of calls and regions, the daily backlog."""

from datetime import timedelta
from functools import partial

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from consultations import services
from consultations.models import Input, InputRevision, InputTransition, ModerationScope
from consultations.tasks import send_moderation_backlog_notices
from gcmportal.errors import DomainError
from notifications.models import Notification
from tests.consultations.factories import (
    AuthorFactory,
    CallFactory,
    objective,
    principle,
    submitted_input,
)
from tests.factories import ModeratorFactory, ProfileFactory, RegionFactory
from tests.support import run_at_once

pytestmark = pytest.mark.django_db

Action = InputTransition.Action


def decide(decision: str, input: Input, by, **extra) -> Input:
    """Apply a decision with the arguments a moderator would give it."""
    arguments = {
        "approve": {},
        "reject": {"reason_code": "off_topic"},
        "request_changes": {"message": "Please remove the names of the people you quote."},
        "mark_duplicate": {"original_reference": extra.pop("original", "")},
        "unpublish": {"reason": "It names a person who asked to be removed."},
    }[decision]
    service = {
        "approve": services.input_approve,
        "reject": services.input_reject,
        "request_changes": services.input_request_changes,
        "mark_duplicate": services.input_mark_duplicate,
        "unpublish": services.input_unpublish,
    }[decision]
    return service(input=input, by=by, **arguments, **extra)


def input_in(state: str, moderator) -> Input:
    """A submitted input brought to one of the states the tables name, through the services."""
    input = submitted_input()
    if state == "changes_requested":
        decide("request_changes", input, moderator)
    elif state in ("approved", "approved, unpublished"):
        decide("approve", input, moderator)
        if state == "approved, unpublished":
            decide("unpublish", input, moderator)
    elif state == "rejected":
        decide("reject", input, moderator)
    elif state == "withdrawn":
        services.input_withdraw(input=input, by=input.author)
    input.refresh_from_db()
    return input


STATES = ["submitted", "changes_requested", "approved", "approved, unpublished", "rejected"]
STATES += ["withdrawn"]
DECISIONS = ["approve", "reject", "request_changes", "mark_duplicate", "unpublish"]
# (state, decision) -> the state it leads to; every other pair is refused.
ALLOWED = {
    ("submitted", "approve"): "approved",
    ("submitted", "reject"): "rejected",
    ("submitted", "request_changes"): "changes_requested",
    ("submitted", "mark_duplicate"): "rejected",
    ("approved", "unpublish"): "approved",
}
TABLE = [
    (state, decision, ALLOWED.get((state, decision))) for state in STATES for decision in DECISIONS
]


@pytest.mark.parametrize(
    ("state", "decision", "leads_to"),
    TABLE,
    ids=[f"{state} + {decision}" for state, decision, _ in TABLE],
)
def test_decision_follows_the_lifecycle_or_is_refused_changing_nothing(state, decision, leads_to):
    moderator = ModeratorFactory()
    input = input_in(state, moderator)
    original = submitted_input(call=input.call)
    history_before = input.transitions.count()
    state_before, published_before = input.state, input.published_at

    if leads_to is None:
        with pytest.raises(DomainError):
            decide(decision, input, moderator, original=original.reference)
        input.refresh_from_db()
        assert (input.state, input.published_at) == (state_before, published_before)
        assert input.transitions.count() == history_before
    else:
        decide(decision, input, moderator, original=original.reference)
        input.refresh_from_db()
        assert input.state == leads_to
        entry = input.transitions.latest("at", "pk")
        assert (entry.action, entry.from_state, entry.to_state) == (
            decision,
            state_before,
            leads_to,
        )
        assert entry.by == moderator
        assert abs(entry.at - timezone.now()) < timedelta(minutes=1)


def test_each_decision_records_its_reason_and_publication_follows_it():
    moderator = ModeratorFactory()
    approved = decide("approve", submitted_input(), moderator)
    rejected = services.input_reject(
        input=submitted_input(),
        by=moderator,
        reason_code="other",
        reason="It advertises a recruitment agency.",
    )
    changes = decide("request_changes", submitted_input(), moderator)

    assert Input.objects.published().filter(pk=approved.pk).exists()
    assert not Input.objects.published().filter(pk__in=[rejected.pk, changes.pk]).exists()
    rejection = rejected.transitions.get(action=Action.REJECT)
    assert rejection.reason_code == "other"
    assert rejection.reason_text == "other reason — It advertises a recruitment agency."
    assert changes.transitions.get(action=Action.REQUEST_CHANGES).reason.startswith(
        "Please remove the names"
    )


@pytest.mark.parametrize(
    ("decision", "arguments", "message"),
    [
        ("reject", {"reason_code": ""}, "Choose the reason"),
        ("reject", {"reason_code": "not-a-reason"}, "Choose the reason"),
        ("reject", {"reason_code": "other", "reason": "  "}, "Explain the reason"),
        ("reject", {"reason_code": "duplicate"}, "mark it as a duplicate"),
        ("request_changes", {"message": " \n "}, "Tell the author what to change"),
        ("mark_duplicate", {"original_reference": "GCM-2026-ECE-999999"}, "No submitted input"),
        ("mark_duplicate", {"original_reference": ""}, "No submitted input"),
    ],
)
def test_decision_without_its_reason_is_refused(decision, arguments, message):
    moderator = ModeratorFactory()
    input = submitted_input()
    service = {
        "reject": services.input_reject,
        "request_changes": services.input_request_changes,
        "mark_duplicate": services.input_mark_duplicate,
    }[decision]

    with pytest.raises(DomainError, match=message):
        service(input=input, by=moderator, **arguments)

    input.refresh_from_db()
    assert input.state == Input.State.SUBMITTED
    assert not input.transitions.exclude(action=Action.SUBMIT).exists()


def test_unpublish_needs_a_reason_and_a_published_input():
    moderator = ModeratorFactory()
    private = decide("approve", submitted_input(consent="private"), moderator)
    public = decide("approve", submitted_input(), moderator)

    with pytest.raises(DomainError, match="Give the reason"):
        services.input_unpublish(input=public, by=moderator, reason="")
    decide("unpublish", public, moderator)
    with pytest.raises(DomainError, match="not published"):
        decide("unpublish", public, moderator)

    public.refresh_from_db()
    assert public.state == Input.State.APPROVED
    assert not Input.objects.published().filter(pk=public.pk).exists()
    # Approved but private: it never was on the public pages (its published_at is set, its
    # consent keeps it off them), and unpublishing it records why it stays off.
    decide("unpublish", private, moderator)


def test_marking_a_duplicate_names_the_original_and_refuses_itself():
    moderator = ModeratorFactory()
    original = submitted_input()
    copy = submitted_input(call=original.call, author=original.author)

    with pytest.raises(DomainError, match="duplicate of itself"):
        services.input_mark_duplicate(input=copy, by=moderator, original_reference=copy.reference)
    services.input_mark_duplicate(
        input=copy, by=moderator, original_reference=original.reference.lower()
    )

    entry = copy.transitions.get(action=Action.MARK_DUPLICATE)
    assert entry.duplicate_of == original
    assert entry.reason_code == InputTransition.Reason.DUPLICATE


def test_approved_input_appears_on_public_pages_as_consented(client):
    moderator = ModeratorFactory()
    named = submitted_input(answer="Our named contribution on decent work.")
    anonymous = submitted_input(
        answer="An anonymous contribution on decent work.", consent="public_anonymous"
    )
    private = submitted_input(answer="A private contribution on decent work.", consent="private")
    for input in (named, anonymous, private):
        assert client.get(reverse("input_detail", args=[input.pk])).status_code == 404

    for input in (named, anonymous, private):
        decide("approve", input, moderator)

    listing = client.get(reverse("input_list")).content.decode()
    assert "Our named contribution" in listing
    assert "An anonymous contribution" in listing
    assert "A private contribution" not in listing
    named_page = client.get(reverse("input_detail", args=[named.pk])).content.decode()
    anonymous_page = client.get(reverse("input_detail", args=[anonymous.pk])).content.decode()
    assert named.author.display_name in named_page
    assert anonymous.author.display_name not in anonymous_page
    assert client.get(reverse("input_detail", args=[private.pk])).status_code == 404


def test_without_pre_moderation_inputs_are_published_at_once_and_moderated_afterwards(client):
    moderator = ModeratorFactory()
    call = CallFactory(pre_moderation=False)
    kept = submitted_input(call=call, answer="Published at once and kept.")
    removed = submitted_input(call=call, answer="Published at once, then rejected.")

    listing = client.get(reverse("input_list")).content.decode()
    assert "Published at once and kept." in listing
    assert "Published at once, then rejected." in listing

    decide("approve", kept, moderator)
    services.input_reject(input=removed, by=moderator, reason_code="spam")

    listing = client.get(reverse("input_list")).content.decode()
    assert "Published at once and kept." in listing
    assert "Published at once, then rejected." not in listing


# --- Two moderators, or a moderator and the author, at the same time -------------------------


def test_second_moderator_deciding_on_a_stale_page_is_told_and_overwrites_nothing():
    first, second = ModeratorFactory(), ModeratorFactory()
    input = submitted_input()
    seen_version = input.version  # both pages show this version

    services.input_approve(input=input, by=first, version=seen_version)
    with pytest.raises(services.DecisionConflict) as conflict:
        services.input_reject(input=input, by=second, reason_code="spam", version=seen_version)

    assert "approved by" in conflict.value.message
    assert first.email in conflict.value.message
    assert "Nothing was overwritten" in conflict.value.message
    input.refresh_from_db()
    assert input.state == Input.State.APPROVED
    assert list(input.transitions.values_list("action", flat=True)) == ["submit", "approve"]


def test_moderator_deciding_after_the_author_changed_the_input_is_told():
    moderator = ModeratorFactory()
    input = submitted_input()
    seen_version = input.version
    question = input.call.questions.get()
    services.input_save(input=input, by=input.author, answers={question.pk: "Corrected text."})

    with pytest.raises(services.DecisionConflict, match="changed by its author"):
        services.input_approve(input=input, by=moderator, version=seen_version)

    input.refresh_from_db()
    assert input.state == Input.State.SUBMITTED


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="needs row locks (SELECT ... FOR UPDATE), which SQLite does not have: CI runs it "
    "on PostgreSQL",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_moderators_deciding_at_the_same_moment_one_wins():
    first, second = ModeratorFactory(), ModeratorFactory()
    for _ in range(5):
        input = submitted_input()
        outcomes = run_at_once(
            partial(services.input_approve, input=input, by=first),
            partial(services.input_reject, input=input, by=second, reason_code="spam"),
        )

        assert sorted(outcomes) == ["done", "refused"]
        input.refresh_from_db()
        decisions = input.transitions.exclude(action=Action.SUBMIT)
        assert decisions.count() == 1
        assert decisions.get().to_state == input.state


# --- Who may moderate what ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "scope", "may_decide"),
    [
        ("Moderator", None, True),
        ("Moderator", "this call", True),
        ("Moderator", "another call", False),
        ("Moderator", "the call's region", True),
        ("Moderator", "another region", False),
        ("Report compiler", None, False),
        ("Call manager", None, False),
        (False, None, False),
    ],
)
def test_only_moderators_covering_the_input_may_decide(role, scope, may_decide):
    ece = RegionFactory(code="ECE")
    call = CallFactory(region=ece)
    input = submitted_input(call=call)
    staff = ModeratorFactory(role=role)
    if scope:
        coverage = ModerationScope.objects.create(moderator=staff)
        if scope == "this call":
            coverage.calls.add(call)
        elif scope == "another call":
            coverage.calls.add(CallFactory())
        elif scope == "the call's region":
            coverage.regions.add(ece)
        else:
            coverage.regions.add(RegionFactory(code="ECA"))

    if may_decide:
        services.input_approve(input=input, by=staff)
        input.refresh_from_db()
        assert input.state == Input.State.APPROVED
    else:
        with pytest.raises(DomainError, match="not allowed to moderate"):
            services.input_approve(input=input, by=staff)


def test_regional_moderator_covers_global_calls_only_for_authors_of_the_region(reference_data):
    coverage = ModerationScope.objects.create(moderator=ModeratorFactory())
    coverage.regions.add(RegionFactory(code="ECE"))
    imrf = CallFactory(code="IMRF", kind="imrf", region=None)
    european = submitted_input(call=imrf, author=ProfileFactory(country__code="FR").user)
    african = submitted_input(call=imrf, author=ProfileFactory(country__code="SN").user)

    services.input_approve(input=european, by=coverage.moderator)
    with pytest.raises(DomainError):
        services.input_approve(input=african, by=coverage.moderator)


# --- Notices to authors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "subject", "in_body", "link"),
    [
        ("approve", "is approved", "published on the portal with your name", "input_detail"),
        ("reject", "was not accepted", "Off-topic", "input_detail"),
        ("request_changes", "Changes requested", "remove the names of the people", "input_edit"),
        ("unpublish", "no longer published", "asked to be removed", "input_detail"),
    ],
)
def test_author_is_told_of_each_decision_with_its_reason_and_a_link(
    decision, subject, in_body, link, django_capture_on_commit_callbacks
):
    moderator = ModeratorFactory()
    input = submitted_input()
    if decision == "unpublish":
        decide("approve", input, moderator)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decide(decision, input, moderator)

    [message] = mail.outbox
    assert message.to == [input.author.email]
    assert subject in message.subject
    assert input.reference in message.subject
    assert in_body in message.body
    assert reverse(link, args=[input.pk]) in message.body
    assert Notification.objects.filter(recipient=input.author).exists()


def test_author_is_told_in_their_own_language(django_capture_on_commit_callbacks):
    moderator = ModeratorFactory()
    author = AuthorFactory(profile__preferred_language="fr")
    input = submitted_input(author=author, language_code="fr")
    mail.outbox.clear()

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.input_request_changes(
            input=input, by=moderator, message="Retirez le nom de la personne citée."
        )

    [message] = mail.outbox
    assert "Modifications demandées" in message.subject
    assert "Retirez le nom de la personne citée." in message.body
    assert "/fr/" in message.body


def test_author_changes_and_resubmits_after_changes_are_requested(client):
    moderator = ModeratorFactory()
    input = submitted_input()
    question = input.call.questions.get()
    services.input_request_changes(input=input, by=moderator, message="Remove the names.")
    client.force_login(input.author)

    page = client.get(reverse("input_edit", args=[input.pk])).content.decode()
    assert "Remove the names." in page
    input.refresh_from_db()
    services.input_save(
        input=input, by=input.author, answers={question.pk: "The same text, without names."}
    )
    services.input_submit(input=input, by=input.author)

    input.refresh_from_db()
    assert input.state == Input.State.SUBMITTED
    assert list(input.transitions.values_list("action", flat=True)) == [
        "submit",
        "request_changes",
        "submit",
    ]
    assert input.revisions.count() == 3  # submitted, corrected, resubmitted


def test_moderators_cannot_change_the_authors_answers():
    moderator = ModeratorFactory()
    input = submitted_input()
    question = input.call.questions.get()

    with pytest.raises(DomainError, match="Only the author"):
        services.input_save(input=input, by=moderator, answers={question.pk: "Rewritten."})


# --- Tags, notes, assignment --------------------------------------------------------------------


def test_moderator_corrects_the_tags_and_the_change_is_recorded():
    moderator = ModeratorFactory()
    input = submitted_input(objectives=(1,), principles=(1,))
    version = input.version

    services.input_retag(
        input=input,
        by=moderator,
        objectives=[objective(5), objective(6)],
        principles=[],
        version=version,
    )

    input.refresh_from_db()
    assert sorted(input.objectives.values_list("number", flat=True)) == [5, 6]
    assert not input.principles.exists()
    entry = input.transitions.get(action=Action.RETAG)
    assert entry.by == moderator
    assert entry.details == {
        "before": {"objectives": [1], "principles": [1]},
        "after": {"objectives": [5, 6], "principles": []},
    }
    assert InputRevision.objects.filter(input=input, created_by=moderator).exists()
    with pytest.raises(DomainError, match="at least one objective"):
        services.input_retag(input=input, by=moderator, objectives=[], principles=[principle(2)])


def test_internal_notes_stay_with_the_moderators(client):
    moderator = ModeratorFactory()
    input = decide("approve", submitted_input(), moderator)

    services.input_note_add(input=input, by=moderator, text="Checked with the ECE secretariat.")
    with pytest.raises(DomainError, match="Write the note"):
        services.input_note_add(input=input, by=moderator, text=" ")

    client.force_login(input.author)
    assert (
        "ECE secretariat"
        not in client.get(reverse("input_detail", args=[input.pk])).content.decode()
    )
    assert input.transitions.filter(action=Action.NOTE, by=moderator).count() == 1


def test_inputs_are_assigned_only_to_moderators_covering_them():
    lead = ModeratorFactory()
    colleague = ModeratorFactory()
    elsewhere = ModeratorFactory()
    ModerationScope.objects.create(moderator=elsewhere).calls.add(CallFactory())
    input = submitted_input()

    services.input_assign(input=input, by=lead, moderator=colleague)
    with pytest.raises(DomainError, match="does not moderate"):
        services.input_assign(input=input, by=lead, moderator=elsewhere)
    with pytest.raises(DomainError, match="does not moderate"):
        services.input_assign(input=input, by=lead, moderator=AuthorFactory())

    input.refresh_from_db()
    assert input.assigned_to == colleague
    assert input.transitions.get(action=Action.ASSIGN).details == {"moderator": colleague.email}


# --- The daily backlog notice ------------------------------------------------------------------


def test_moderators_are_told_daily_of_inputs_waiting_more_than_48_hours(
    django_capture_on_commit_callbacks,
):
    start = timezone.now()
    covering = ModeratorFactory()
    elsewhere = ModeratorFactory()
    ModerationScope.objects.create(moderator=elsewhere).calls.add(CallFactory())
    ModeratorFactory(role="Report compiler")
    call = CallFactory(
        title="Regional review of the GCM in Europe", opens_at=start - timedelta(days=5)
    )
    with time_machine.travel(start - timedelta(hours=50), tick=False):
        old = [submitted_input(call=call), submitted_input(call=call)]
    with time_machine.travel(start - timedelta(hours=47), tick=False):
        submitted_input(call=call)  # not waiting long enough yet
    decide("approve", old[1], covering)
    mail.outbox.clear()

    with (
        time_machine.travel(start, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_moderation_backlog_notices() == 1
        assert send_moderation_backlog_notices() == 0  # once a day
    with (
        time_machine.travel(start + timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_moderation_backlog_notices() == 1

    first, second = mail.outbox
    assert first.to == [covering.email]
    assert "1 input has waited more than 48 hours" in first.subject
    assert "Regional review of the GCM in Europe: 1 input" in first.body
    assert reverse("admin:consultations_input_changelist") in first.body
    assert second.to == [covering.email]


def test_backlog_notice_command_runs_the_job(capsys):
    call_command("send_moderation_backlog_notices")

    assert "0 moderator(s) notified." in capsys.readouterr().out


def test_backlog_notice_is_scheduled_daily():
    task = PeriodicTask.objects.select_related("crontab").get(
        name="Daily moderation backlog notice"
    )

    assert task.task == "consultations.send_moderation_backlog_notices"
    assert (task.crontab.minute, task.crontab.hour) == ("0", "7")


def test_author_reads_why_their_input_was_refused_and_the_public_does_not(client):
    moderator = ModeratorFactory()
    input = services.input_reject(
        input=submitted_input(),
        by=moderator,
        reason_code="other",
        reason="It is an advertisement for a recruitment agency.",
    )
    services.input_note_add(input=input, by=moderator, text="Third one from this agency.")
    address = reverse("input_detail", args=[input.pk])

    assert client.get(address).status_code == 404
    client.force_login(input.author)
    page = client.get(address).content.decode()

    assert "did not accept this input" in page
    assert "It is an advertisement for a recruitment agency." in page
    assert "Third one from this agency." not in page


def test_an_input_with_a_history_can_never_be_deleted():
    input = submitted_input()
    services.input_approve(input=input, by=ModeratorFactory())

    with pytest.raises(ProtectedError):
        input.delete()

    assert input.transitions.count() == 2

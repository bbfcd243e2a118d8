"""Deadline reminders for drafts and "call opened" notices, on a frozen clock."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from consultations import services
from consultations.models import Call
from notifications.models import Notification
from stakeholders.models import Region
from tests.consultations.factories import (
    AuthorFactory,
    CallFactory,
    GuidingQuestionFactory,
    objective,
    submitted_input,
)
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    """The clock stands still at START until the test moves it."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def send_reminders(django_capture_on_commit_callbacks):
    """Run the reminder job as beat would, delivering what it queues; returns how many."""

    def _send() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return services.reminders_send_due()

    return _send


def reminders_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email] and "is not submitted yet" in m.subject]


def new_call(**kwargs) -> Call:
    call = CallFactory(
        title="European review",
        opens_at=START - timedelta(days=10),
        closes_at=START + timedelta(days=5),
        **kwargs,
    )
    GuidingQuestionFactory(call=call)
    return call


def test_draft_gets_the_48_hour_then_the_2_hour_reminder_once_each(clock, send_reminders):
    call = new_call()
    draft = services.input_create_draft(call=call, author=AuthorFactory())
    author = draft.author

    assert send_reminders() == 0  # five days before: nothing yet
    clock.move_to(call.closes_at - timedelta(hours=47))
    assert send_reminders() == 1
    assert send_reminders() == 0  # a second run (or a second beat) sends nothing more
    [first] = reminders_to(author)
    assert first.subject == "Your draft for “European review” is not submitted yet"
    assert call.closes_at.strftime("%Y-%m-%d %H:%M") in first.body
    assert f"/en/inputs/{draft.pk}/edit/" in first.body

    clock.move_to(call.closes_at - timedelta(hours=3))
    assert send_reminders() == 0
    clock.move_to(call.closes_at - timedelta(hours=1, minutes=59))
    assert send_reminders() == 1
    assert send_reminders() == 0
    clock.move_to(call.closes_at + timedelta(minutes=1))
    assert send_reminders() == 0

    assert len(reminders_to(author)) == 2
    draft.refresh_from_db()
    assert draft.reminded_48h_at == call.closes_at - timedelta(hours=47)
    assert draft.reminded_2h_at == call.closes_at - timedelta(hours=1, minutes=59)


@pytest.mark.parametrize("case", ["submitted input", "inactive author", "closed call"])
def test_reminders_leave_out_submitted_inputs_inactive_users_and_closed_calls(
    clock, send_reminders, case
):
    call = new_call()
    if case == "submitted input":
        author = submitted_input(call=call).author
    else:
        author = services.input_create_draft(call=call, author=AuthorFactory()).author
    if case == "inactive author":
        author.is_active = False
        author.save()

    if case == "closed call":
        clock.move_to(call.closes_at + timedelta(hours=1))
        assert send_reminders() == 0
    else:
        for before_closing in [timedelta(hours=47), timedelta(hours=1)]:
            clock.move_to(call.closes_at - before_closing)
            assert send_reminders() == 0

    assert reminders_to(author) == []


def test_extended_deadline_brings_the_reminders_back_before_the_new_deadline(clock, send_reminders):
    call = new_call()
    draft = services.input_create_draft(call=call, author=AuthorFactory())
    clock.move_to(call.closes_at - timedelta(hours=47))
    assert send_reminders() == 1

    new_deadline = call.closes_at + timedelta(days=7)
    services.call_extend_deadline(call=call, closes_at=new_deadline, by=StaffFactory())
    assert send_reminders() == 0  # more than two days left again
    clock.move_to(new_deadline - timedelta(hours=40))

    assert send_reminders() == 1
    assert len(reminders_to(draft.author)) == 2


# --- "Call opened" notices ----------------------------------------------------------------------


def interested(objectives=(), regions=(), **kwargs):
    """A user whose profile follows these objectives (numbers) and regions (codes)."""
    user = AuthorFactory(**kwargs)
    user.profile.objectives_of_interest.set([objective(number) for number in objectives])
    user.profile.regions_of_interest.set(Region.objects.filter(code__in=regions))
    return user


def notices_of(user) -> list[Notification]:
    return list(Notification.objects.filter(kind="call_opened", recipient=user))


def test_call_opened_notices_go_once_to_users_following_its_objectives_or_region(
    clock, reference_data
):
    call = CallFactory(
        title="European review",
        objectives=[7, 15],
        region=Region.objects.get(code="ECE"),
        opens_at=START + timedelta(days=1),
        closes_at=START + timedelta(days=31),
    )
    by_objective = interested(objectives=[15])
    by_region = interested(regions=["ECE"])
    by_both = interested(objectives=[7], regions=["ECE"])
    by_neither = interested(objectives=[8], regions=["ESCWA"])
    no_interests = interested()
    inactive = interested(objectives=[7], is_active=False)

    assert services.call_opened_notices_send() == 0  # not open yet
    clock.move_to(call.opens_at + timedelta(minutes=5))
    sent = services.call_opened_notices_send()
    again = services.call_opened_notices_send()

    assert (sent, again) == (3, 0)
    for user in [by_objective, by_region, by_both]:
        [notice] = notices_of(user)
        assert notice.title == "New call for inputs: European review"
        assert notice.url == f"/en/calls/{call.pk}/"
    for user in [by_neither, no_interests, inactive]:
        assert notices_of(user) == []
    call.refresh_from_db()
    assert call.opened_notice_sent_at == call.opens_at + timedelta(minutes=5)


def test_call_without_objectives_is_announced_to_followers_of_any_objective(clock, reference_data):
    CallFactory(objectives=[], opens_at=START - timedelta(hours=1))
    follower = interested(objectives=[23])
    region_only = interested(regions=["ESCAP"])

    assert services.call_opened_notices_send() == 1
    assert services.call_opened_notices_send() == 0

    assert len(notices_of(follower)) == 1
    assert notices_of(region_only) == []


def test_draft_started_in_the_last_two_hours_gets_one_reminder_not_two(clock, send_reminders):
    call = new_call()
    clock.move_to(call.closes_at - timedelta(minutes=90))
    draft = services.input_create_draft(call=call, author=AuthorFactory())

    send_reminders()

    assert len(reminders_to(draft.author)) == 1

"""A broker that is down loses no e-mail: the request succeeds and the sweeper delivers later."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu import pools

from gcmportal.celery import app as celery_app
from notifications.models import OutgoingEmail
from notifications.services import emails_requeue_stalled
from notifications.tasks import requeue_stalled_emails
from stakeholders.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    """Tasks go to a real (closed) port instead of running in-process: publishing fails."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:9/0"
    forget_connections()  # the pools are built from broker_url on first use
    yield
    conf.task_always_eager, conf.broker_url = saved
    forget_connections()


def forget_connections():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()


def test_join_request_succeeds_while_the_broker_is_down_and_the_mail_waits(
    client, post, broker_down
):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    client.force_login(UserFactory())

    response = post(reverse("organisation_join", kwargs={"pk": organisation.pk}))

    assert response.status_code == 302
    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.QUEUED
    assert mail.outbox == []


def test_the_sweeper_delivers_mail_left_queued_and_only_stalled_mail():
    stalled = OutgoingEmail.objects.create(
        recipient="a@example.org", subject="Waited", body_text="b", kind="k"
    )
    OutgoingEmail.objects.filter(pk=stalled.pk).update(
        created_at=timezone.now() - timedelta(minutes=30)
    )
    fresh = OutgoingEmail.objects.create(
        recipient="b@example.org", subject="Just queued", body_text="b", kind="k"
    )

    assert requeue_stalled_emails.apply().get() == 1

    stalled.refresh_from_db()
    fresh.refresh_from_db()
    assert stalled.status == OutgoingEmail.Status.SENT
    assert fresh.status == OutgoingEmail.Status.QUEUED
    assert [message.subject for message in mail.outbox] == ["Waited"]
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        assert emails_requeue_stalled() == 1  # the fresh one, now stalled too
    assert len(mail.outbox) == 2


def test_mail_stored_while_the_broker_is_down_goes_out_a_minute_after_it_is_back(
    client, post, broker_down
):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    client.force_login(UserFactory())
    post(reverse("organisation_join", kwargs={"pk": organisation.pk}))
    email = OutgoingEmail.objects.get()
    assert email.dispatched_at is None  # never reached the broker

    celery_app.conf.task_always_eager = True  # the broker is back
    assert emails_requeue_stalled() == 0  # not yet: it may still be on its way
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        assert emails_requeue_stalled() == 1

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.dispatched_at is not None
    assert len(mail.outbox) == 1


def test_mail_handed_to_a_worker_is_handed_again_only_once_its_task_looks_lost():
    email = OutgoingEmail.objects.create(
        recipient="a@example.org", subject="Handed over", body_text="b", kind="k"
    )
    handed_over = timezone.now() - timedelta(minutes=5)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        created_at=handed_over, dispatched_at=handed_over
    )

    assert emails_requeue_stalled() == 0  # a worker may be on it: no second task yet
    with time_machine.travel(handed_over + timedelta(minutes=10, seconds=1), tick=False):
        assert emails_requeue_stalled() == 1

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert len(mail.outbox) == 1

"""Writes and e-mails are rate limited: a script cannot flood organisations or inboxes."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from stakeholders.models import Invitation, Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_invitations_stop_at_thirty_an_hour_with_a_clear_429(client, post):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    client.force_login(admin)
    manage = reverse("organisation_manage", kwargs={"pk": organisation.pk})

    for number in range(30):
        assert (
            post(manage, {"email": f"guest{number}@example.org", "role": "member"}).status_code
            == 302
        )

    response = post(manage, {"email": "one-too-many@example.org", "role": "member"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert Invitation.objects.count() == 30
    assert len(mail.outbox) == 30


def test_join_requests_stop_at_twenty_an_hour(client, post):
    client.force_login(UserFactory())
    organisations = [OrganisationFactory() for _ in range(21)]

    statuses = [
        post(reverse("organisation_join", kwargs={"pk": organisation.pk})).status_code
        for organisation in organisations
    ]

    assert statuses[:20] == [302] * 20
    assert statuses[20] == 429
    assert Membership.objects.count() == 20


def test_autocomplete_is_limited_per_address(client):
    OrganisationFactory(name="Kenya Diaspora Alliance")
    url = reverse("organisation_autocomplete")

    # One fixed instant: the limit counts per minute, and the loop must not cross a minute.
    with time_machine.travel(datetime(2026, 11, 23, 12, 0, 5, tzinfo=UTC), tick=False):
        statuses = {client.get(url, {"q": "Kenya"}).status_code for _ in range(120)}
        assert statuses == {200}

        assert client.get(url, {"q": "Kenya"}).status_code == 429


def test_behind_a_proxy_each_client_is_counted_by_the_address_the_proxy_saw(client, settings):
    """Behind the reverse proxy every request comes from the proxy: counting by that address
    would lock everyone out at once. The client's address is the one the proxy appended; one
    a client writes itself in front of it changes nothing."""
    settings.TRUSTED_PROXY_COUNT = 1
    OrganisationFactory(name="Kenya Diaspora Alliance")
    url = reverse("organisation_autocomplete")

    def status(forwarded_for: str) -> int:
        response = client.get(url, {"q": "Kenya"}, headers={"x-forwarded-for": forwarded_for})
        return response.status_code

    with time_machine.travel(datetime(2026, 11, 23, 12, 0, 5, tzinfo=UTC), tick=False):
        assert {status("203.0.113.5") for _ in range(120)} == {200}

        assert status("203.0.113.5") == 429
        assert status("198.51.100.7, 203.0.113.5") == 429  # a forged address in front
        assert status("198.51.100.7") == 200  # another client behind the same proxy

"""Organisations and memberships: registration, joining, invitations, verification, directory."""

import json
import re
from functools import partial
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from gcmportal.errors import DomainError
from stakeholders import services
from stakeholders.models import Invitation, Membership, Organisation, Region
from stakeholders.permissions import is_organisation_admin
from tests.factories import (
    CountryFactory,
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    StaffFactory,
    StakeholderGroupFactory,
    UserFactory,
)
from tests.support import links_in, run_at_once

pytestmark = pytest.mark.django_db

ADMIN = Membership.Role.ADMIN
MEMBER = Membership.Role.MEMBER
LAST_ADMIN = "An organisation must keep at least one administrator."


def url(name: str, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def admin_of(organisation: Organisation, **user_fields):
    """A user who is an active administrator of the organisation."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=ADMIN)
    return user


def page_after(client, response) -> str:
    """The page a redirect leads to, with the messages it shows."""
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(response["Location"]).content.decode()


def rejected_organisation(**fields) -> Organisation:
    return OrganisationFactory(
        verification_status="rejected", verification_reason="Not a real organisation.", **fields
    )


# --- Registration -----------------------------------------------------------------------------


def test_organisation_create_makes_the_creator_an_active_admin_pending_verification():
    creator = UserFactory()

    organisation = services.organisation_create(
        by=creator,
        name="  Caritas Dakar ",
        acronym="CD",
        stakeholder_group=StakeholderGroupFactory(),
        headquarters_country=CountryFactory(),
    )

    assert organisation.name == "Caritas Dakar"
    assert organisation.verification_status == "pending"
    assert organisation.created_by == creator
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role, membership.state) == (creator, ADMIN, "active")
    assert is_organisation_admin(creator, organisation)


@pytest.mark.parametrize(
    "typed_name",
    ["reseau migrants senegal", "RÉSEAU MIGRANTS SÉNÉGAL", "Réseau  Migrants / Sénégal."],
)
def test_organisation_create_with_the_same_name_written_differently_suggests_joining(typed_name):
    OrganisationFactory(name="Réseau Migrants-Sénégal")

    with pytest.raises(DomainError) as refused:
        services.organisation_create(
            by=UserFactory(),
            name=typed_name,
            stakeholder_group=StakeholderGroupFactory(),
            headquarters_country=CountryFactory(),
        )

    assert "“Réseau Migrants-Sénégal” is already registered" in refused.value.message
    assert "Ask to join it" in refused.value.message
    assert Organisation.objects.count() == 1


def test_organisation_create_page_registers_it_and_leads_to_its_members_page(client, post):
    user = UserFactory()
    client.force_login(user)

    response = post(
        url("organisation_create"),
        {
            "name": "Caritas Dakar",
            "stakeholder_group": StakeholderGroupFactory().pk,
            "headquarters_country": CountryFactory().pk,
        },
    )

    organisation = Organisation.objects.get(name="Caritas Dakar")
    assert response["Location"] == url("organisation_manage", pk=organisation.pk)
    assert is_organisation_admin(user, organisation)
    page = client.get(response["Location"]).content.decode()
    assert "Caritas Dakar is registered. The portal&#x27;s staff will verify it" in page
    assert "Verification pending" in page


def test_organisation_create_page_with_a_duplicate_name_shows_the_error_and_keeps_the_input(
    client, post
):
    OrganisationFactory(name="Réseau Migrants-Sénégal")
    client.force_login(UserFactory())

    response = post(
        url("organisation_create"),
        {
            "name": "reseau migrants senegal",
            "acronym": "RMS",
            "stakeholder_group": StakeholderGroupFactory().pk,
            "headquarters_country": CountryFactory().pk,
            "website": "https://rms.example.org",
            "description": "Supports migrants in Dakar and Saint-Louis.",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "“Réseau Migrants-Sénégal” is already registered. Ask to join it" in page
    assert 'value="reseau migrants senegal"' in page
    assert 'value="RMS"' in page
    assert 'value="https://rms.example.org"' in page
    assert "Supports migrants in Dakar and Saint-Louis.</textarea>" in page
    assert Organisation.objects.count() == 1


# --- Join requests ----------------------------------------------------------------------------


def test_join_request_from_the_organisation_page_is_pending_and_emails_every_admin(client, post):
    organisation = OrganisationFactory(name="Migrants Solidarity Network")
    first_admin = admin_of(organisation)
    second_admin = admin_of(organisation)
    MembershipFactory(organisation=organisation, role=MEMBER)
    requester = UserFactory(email="amina@example.org")
    client.force_login(requester)

    response = post(url("organisation_join", pk=organisation.pk))

    assert response["Location"] == url("organisation_detail", pk=organisation.pk)
    membership = Membership.objects.get(user=requester, organisation=organisation)
    assert (membership.state, membership.role) == ("pending", MEMBER)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [first_admin.email, second_admin.email]
    )
    message = mail.outbox[0]
    assert message.subject == "Request to join Migrants Solidarity Network"
    assert "amina@example.org" in message.body
    assert any(
        link.endswith(url("organisation_manage", pk=organisation.pk))
        for link in links_in(message.body)
    )
    page = client.get(response["Location"]).content.decode()
    assert "You asked to join this organisation; its administrators will answer." in page


def test_join_request_from_my_organisations_finds_the_organisation_by_its_name(client, post):
    organisation = OrganisationFactory(name="Migrants Solidarity Network")
    admin = admin_of(organisation)
    requester = UserFactory()
    client.force_login(requester)

    response = post(url("my_organisations"), {"organisation": "migrants solidarity NETWORK"})

    assert response["Location"] == url("my_organisations")
    assert Membership.objects.get(user=requester, organisation=organisation).state == "pending"
    assert [message.to for message in mail.outbox] == [[admin.email]]
    page = client.get(response["Location"]).content.decode()
    assert "Your request to join Migrants Solidarity Network has been sent" in page
    assert "Membership requested" in page


def test_join_request_from_my_organisations_with_an_unknown_name_says_so(client, post):
    OrganisationFactory(name="Migrants Solidarity Network")
    client.force_login(UserFactory())

    response = post(url("my_organisations"), {"organisation": "Migrant Solidarity"})

    assert response.status_code == 200
    assert "No registered organisation has this name." in response.content.decode()
    assert not Membership.objects.exists()
    assert mail.outbox == []


def test_join_request_asked_twice_sends_nothing_new(client, post):
    organisation = OrganisationFactory()
    admin_of(organisation)
    requester = UserFactory()
    client.force_login(requester)

    post(url("organisation_join", pk=organisation.pk))
    post(url("my_organisations"), {"organisation": organisation.name})
    post(url("organisation_join", pk=organisation.pk))

    assert Membership.objects.filter(user=requester).count() == 1
    assert len(mail.outbox) == 1


def test_join_request_from_an_active_member_is_refused(client, post):
    organisation = OrganisationFactory()
    member = MembershipFactory(organisation=organisation).user
    client.force_login(member)

    response = post(url("my_organisations"), {"organisation": organisation.name})

    assert response.status_code == 200
    assert "You are already a member of this organisation." in response.content.decode()
    assert mail.outbox == []


# --- Answering join requests ------------------------------------------------------------------


def test_admin_accepting_a_request_makes_the_requester_a_member_and_tells_them(client, post):
    organisation = OrganisationFactory(name="Migrants Solidarity Network")
    admin = admin_of(organisation)
    request = MembershipFactory(organisation=organisation, state="pending")
    client.force_login(admin)

    response = post(
        url("membership_action", pk=organisation.pk, membership_pk=request.pk, action="accept")
    )

    assert response["Location"] == url("organisation_manage", pk=organisation.pk)
    request.refresh_from_db()
    assert (request.state, request.role, request.decided_by) == ("active", MEMBER, admin)
    assert [message.to for message in mail.outbox] == [[request.user.email]]
    assert mail.outbox[0].subject == "You are now a member of Migrants Solidarity Network"
    assert "The membership has been updated." in client.get(response["Location"]).content.decode()


def test_admin_refusing_a_request_removes_it_from_the_waiting_list(client, post):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    request = MembershipFactory(organisation=organisation, state="pending")
    client.force_login(admin)

    response = post(
        url("membership_action", pk=organisation.pk, membership_pk=request.pk, action="refuse")
    )

    request.refresh_from_db()
    assert request.state == "removed"
    page = page_after(client, response)
    assert "No one is waiting for an answer." in page
    assert request.user.email not in page


def test_admin_answering_a_request_twice_is_told_it_was_answered(client, post):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    request = MembershipFactory(organisation=organisation, state="pending")
    client.force_login(admin)
    action_url = url(
        "membership_action", pk=organisation.pk, membership_pk=request.pk, action="accept"
    )
    post(action_url)

    response = post(
        url("membership_action", pk=organisation.pk, membership_pk=request.pk, action="refuse")
    )

    assert "This request has already been answered." in page_after(client, response)
    request.refresh_from_db()
    assert request.state == "active"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("who", ["active member", "outsider", "admin of another organisation"])
@pytest.mark.parametrize("action", ["accept", "refuse", "remove", "make-admin", "make-member"])
def test_membership_action_by_someone_not_its_admin_is_404_and_changes_nothing(
    client, post, who, action
):
    organisation = OrganisationFactory()
    admin_of(organisation)
    request = MembershipFactory(organisation=organisation, state="pending")
    if who == "active member":
        actor = MembershipFactory(organisation=organisation).user
    elif who == "outsider":
        actor = UserFactory()
    else:
        actor = admin_of(OrganisationFactory())
    client.force_login(actor)

    response = post(
        url("membership_action", pk=organisation.pk, membership_pk=request.pk, action=action)
    )

    assert response.status_code == 404
    request.refresh_from_db()
    assert (request.state, request.role, request.decided_by) == ("pending", MEMBER, None)
    assert mail.outbox == []


def test_membership_action_on_a_membership_of_another_organisation_is_404(client, post):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    elsewhere = MembershipFactory(state="pending")
    client.force_login(admin)

    response = post(
        url("membership_action", pk=organisation.pk, membership_pk=elsewhere.pk, action="accept")
    )

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.state == "pending"


def test_membership_action_by_a_visitor_asks_to_sign_in(client, post):
    organisation = OrganisationFactory()
    request = MembershipFactory(organisation=organisation, state="pending")

    response = post(
        url("membership_action", pk=organisation.pk, membership_pk=request.pk, action="accept")
    )

    assert response.status_code == 302
    assert response["Location"].startswith(url("account_login"))
    request.refresh_from_db()
    assert request.state == "pending"


# --- Invitations ------------------------------------------------------------------------------


def invite(client, post, organisation, admin, email: str, role: str = MEMBER) -> str:
    """The admin invites a colleague from the members page; returns the link's path."""
    client.force_login(admin)
    response = post(url("organisation_manage", pk=organisation.pk), {"email": email, "role": role})
    assert response.status_code == 302, response.content.decode()[:500]
    message = mail.outbox[-1]
    assert message.to == [email]
    links = [link for link in links_in(message.body) if "/organisations/invitations/" in link]
    assert len(links) == 1, message.body
    return urlsplit(links[0]).path


def test_invitation_email_link_makes_the_colleague_an_active_member(client, post):
    organisation = OrganisationFactory(name="Migrants Solidarity Network")
    admin = admin_of(organisation)

    path = invite(client, post, organisation, admin, "colleague@example.org")

    assert re.fullmatch(r"/en/organisations/invitations/[^/]+/", path), path
    assert mail.outbox[-1].subject == (
        "Invitation to join Migrants Solidarity Network on the GCM Stakeholder Portal"
    )
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)
    opened = client.get(path)
    assert opened.status_code == 200
    assert "You are invited to join Migrants Solidarity Network." in opened.content.decode()

    response = post(path)

    assert response["Location"] == url("organisation_detail", pk=organisation.pk)
    membership = Membership.objects.get(user=colleague, organisation=organisation)
    assert (membership.state, membership.role, membership.decided_by) == ("active", MEMBER, admin)
    assert "You are now a member of Migrants Solidarity Network." in page_after(client, response)


def test_invitation_as_administrator_makes_the_colleague_an_administrator(client, post):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    path = invite(client, post, organisation, admin, "deputy@example.org", role=ADMIN)
    deputy = UserFactory(email="deputy@example.org")
    client.force_login(deputy)

    post(path)

    assert is_organisation_admin(deputy, organisation)


def test_invitation_link_used_a_second_time_is_refused(client, post):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    path = invite(client, post, organisation, admin, "colleague@example.org")
    client.force_login(UserFactory(email="colleague@example.org"))
    post(path)
    latecomer = UserFactory()
    client.force_login(latecomer)

    response = post(path)

    assert response["Location"] == url("my_organisations")
    assert "This invitation has already been used." in page_after(client, response)
    assert not Membership.objects.filter(user=latecomer).exists()


def test_invitation_link_with_a_tampered_token_is_not_valid(client, post):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    path = invite(client, post, organisation, admin, "colleague@example.org")
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged_token = token[:-1] + ("A" if token[-1] != "A" else "B")
    forged_path = url("invitation_accept", token=forged_token)
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)

    opened = client.get(forged_path)
    response = post(forged_path)

    assert "This invitation link is not valid." in opened.content.decode()
    assert "Accept the invitation" not in opened.content.decode()
    assert "This invitation link is not valid." in page_after(client, response)
    assert not Membership.objects.filter(user=colleague).exists()


def test_invitation_link_naming_an_invitation_that_no_longer_exists_is_not_valid(client, post):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    path = invite(client, post, organisation, admin, "colleague@example.org")
    Invitation.objects.all().delete()
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)

    response = post(path)

    assert "This invitation link is not valid." in page_after(client, response)
    assert not Membership.objects.filter(user=colleague).exists()


def test_invitation_link_after_it_expired_is_refused(client, post, settings):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    path = invite(client, post, organisation, admin, "colleague@example.org")
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)
    # A negative validity makes every signature older than allowed, without waiting days.
    settings.GCM_INVITATION_MAX_AGE_DAYS = -1

    opened = client.get(path)
    response = post(path)

    assert "This invitation has expired." in opened.content.decode()
    assert "This invitation has expired." in page_after(client, response)
    assert not Membership.objects.filter(user=colleague).exists()


def test_invitation_of_someone_already_a_member_is_refused(client, post):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    MembershipFactory(organisation=organisation, user=UserFactory(email="member@example.org"))
    client.force_login(admin)

    response = post(
        url("organisation_manage", pk=organisation.pk),
        {"email": "Member@Example.org", "role": MEMBER},
    )

    assert response.status_code == 200
    assert "This person is already a member of the organisation." in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


# --- The last administrator -------------------------------------------------------------------


def test_only_admin_cannot_remove_themself(client, post):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    own = Membership.objects.get(user=admin)
    client.force_login(admin)

    response = post(
        url("membership_action", pk=organisation.pk, membership_pk=own.pk, action="remove")
    )

    assert LAST_ADMIN in page_after(client, response)
    own.refresh_from_db()
    assert (own.state, own.role) == ("active", ADMIN)


def test_only_admin_cannot_demote_themself(client, post):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    own = Membership.objects.get(user=admin)
    client.force_login(admin)

    response = post(
        url("membership_action", pk=organisation.pk, membership_pk=own.pk, action="make-member")
    )

    assert LAST_ADMIN in page_after(client, response)
    own.refresh_from_db()
    assert (own.state, own.role) == ("active", ADMIN)


def test_only_admin_cannot_leave(client, post):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    client.force_login(admin)

    response = post(url("organisation_leave", pk=organisation.pk))

    assert response["Location"] == url("my_organisations")
    assert LAST_ADMIN in page_after(client, response)
    assert Membership.objects.get(user=admin).state == "active"


def test_only_admin_cannot_be_removed_by_a_service_call_either():
    organisation = OrganisationFactory()
    admin = admin_of(organisation)

    with pytest.raises(DomainError, match=re.escape(LAST_ADMIN)):
        services.membership_remove(membership=Membership.objects.get(user=admin), by=admin)
    with pytest.raises(DomainError, match=re.escape(LAST_ADMIN)):
        services.membership_set_role(
            membership=Membership.objects.get(user=admin), role=MEMBER, by=admin
        )

    assert Membership.objects.admins().filter(organisation=organisation).count() == 1


def test_admin_who_promoted_a_member_can_step_down_then_leave(client, post):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    successor = MembershipFactory(organisation=organisation)
    own = Membership.objects.get(user=admin)
    client.force_login(admin)

    post(
        url(
            "membership_action", pk=organisation.pk, membership_pk=successor.pk, action="make-admin"
        )
    )
    response = post(
        url("membership_action", pk=organisation.pk, membership_pk=own.pk, action="make-member")
    )

    assert "The membership has been updated." in page_after(client, response)
    own.refresh_from_db()
    assert (own.state, own.role) == ("active", MEMBER)
    assert list(Membership.objects.admins().filter(organisation=organisation)) == [successor]

    response = post(url("organisation_leave", pk=organisation.pk))

    assert "You have left the organisation." in page_after(client, response)
    own.refresh_from_db()
    assert own.state == "removed"
    # No longer an admin: the members page is now hidden from them.
    assert client.get(url("organisation_manage", pk=organisation.pk)).status_code == 404


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="needs row locks (SELECT ... FOR UPDATE), which SQLite does not have: CI runs it "
    "on PostgreSQL",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("scenario", ["both step down", "each removes the other"])
def test_two_admins_stepping_down_at_the_same_moment_leave_one_admin(scenario):
    # A race shows only when both requests overlap, so try several times.
    for _ in range(10):
        organisation = OrganisationFactory()
        first = MembershipFactory(organisation=organisation, role=ADMIN)
        second = MembershipFactory(organisation=organisation, role=ADMIN)
        if scenario == "both step down":
            operations = [
                partial(services.membership_set_role, membership=m, role=MEMBER, by=m.user)
                for m in (first, second)
            ]
        else:
            operations = [
                partial(services.membership_remove, membership=second, by=first.user),
                partial(services.membership_remove, membership=first, by=second.user),
            ]
        outcomes = run_at_once(*operations)

        assert sorted(outcomes) == ["done", "refused"]
        assert Membership.objects.admins().filter(organisation=organisation).count() == 1


# --- Verification by staff --------------------------------------------------------------------


def test_organisation_verify_by_staff_verifies_it_and_emails_its_admins(
    django_capture_on_commit_callbacks,
):
    organisation = OrganisationFactory(name="Caritas Dakar", verification_status="pending")
    admin = admin_of(organisation)
    staff = StaffFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_verify(organisation=organisation, by=staff)

    organisation.refresh_from_db()
    assert organisation.verification_status == "verified"
    assert organisation.verified_by == staff
    assert organisation.verified_at is not None
    assert [message.to for message in mail.outbox] == [[admin.email]]
    assert mail.outbox[0].subject == "Caritas Dakar is verified"
    assert f"/en/organisations/{organisation.pk}/" in mail.outbox[0].body


def test_organisation_verify_writes_to_each_admin_in_their_preferred_language(
    django_capture_on_commit_callbacks,
):
    organisation = OrganisationFactory(name="Caritas Dakar", verification_status="pending")
    french_admin = admin_of(organisation)
    ProfileFactory(user=french_admin, preferred_language="fr")
    english_admin = admin_of(organisation)
    ProfileFactory(user=english_admin, preferred_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_verify(organisation=organisation, by=StaffFactory())

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert f"/fr/organisations/{organisation.pk}/" in by_recipient[french_admin.email].body
    assert f"/en/organisations/{organisation.pk}/" in by_recipient[english_admin.email].body


def test_organisation_verify_email_subject_is_translated_for_a_french_admin(
    django_capture_on_commit_callbacks,
):
    organisation = OrganisationFactory(name="Caritas Dakar", verification_status="pending")
    french_admin = admin_of(organisation)
    ProfileFactory(user=french_admin, preferred_language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_verify(organisation=organisation, by=StaffFactory())

    (message,) = mail.outbox
    assert "Caritas Dakar" in message.subject
    assert message.subject != "Caritas Dakar is verified"


def test_organisation_reject_with_a_reason_tells_the_admins_why(
    django_capture_on_commit_callbacks,
):
    organisation = OrganisationFactory(name="Caritas Dakar", verification_status="pending")
    admin = admin_of(organisation)

    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_reject(
            organisation=organisation, by=StaffFactory(), reason="  No trace of this organisation. "
        )

    organisation.refresh_from_db()
    assert organisation.verification_status == "rejected"
    assert organisation.verification_reason == "No trace of this organisation."
    (message,) = mail.outbox
    assert message.to == [admin.email]
    assert message.subject == "Caritas Dakar could not be verified"
    assert "No trace of this organisation." in message.body


@pytest.mark.parametrize("reason", ["", "   "])
def test_organisation_reject_without_a_reason_is_refused(
    django_capture_on_commit_callbacks, reason
):
    organisation = OrganisationFactory(verification_status="pending")
    admin_of(organisation)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(DomainError, match=re.escape("Give the reason for the rejection.")),
    ):
        services.organisation_reject(organisation=organisation, by=StaffFactory(), reason=reason)

    organisation.refresh_from_db()
    assert organisation.verification_status == "pending"
    assert mail.outbox == []


def test_organisation_verify_by_someone_not_staff_is_refused(
    django_capture_on_commit_callbacks,
):
    organisation = OrganisationFactory(verification_status="pending")
    admin = admin_of(organisation)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(DomainError, match="Only staff"),
    ):
        services.organisation_verify(organisation=organisation, by=admin)

    organisation.refresh_from_db()
    assert organisation.verification_status == "pending"
    assert mail.outbox == []


# --- The public directory ---------------------------------------------------------------------


def card_titles(page: str) -> list[str]:
    """The organisation names the directory lists, in order."""
    return re.findall(r'<h2 class="card__title">\s*<a href="[^"]+"[^>]*>([^<]+)</a>', page)


def test_directory_lists_only_verified_organisations(client):
    OrganisationFactory(name="Verified Network")
    OrganisationFactory(name="Pending Network", verification_status="pending")
    rejected_organisation(name="Rejected Network")

    page = client.get(url("organisation_list")).content.decode()

    assert card_titles(page) == ["Verified Network"]
    assert "1 organisation" in page


def test_directory_filters_by_stakeholder_group(client):
    unions = StakeholderGroupFactory(code="trade_unions", name="Trade unions")
    OrganisationFactory(name="Dockers Union", stakeholder_group=unions)
    OrganisationFactory(name="Caritas Dakar")

    page = client.get(url("organisation_list"), {"stakeholder_group": unions.pk}).content.decode()

    assert card_titles(page) == ["Dockers Union"]


def test_directory_filters_by_headquarters_country(client):
    france = CountryFactory(code="FR")
    OrganisationFactory(name="Cimade", headquarters_country=france)
    OrganisationFactory(name="Caritas Dakar", headquarters_country=CountryFactory(code="SN"))

    page = client.get(url("organisation_list"), {"country": france.pk}).content.decode()

    assert card_titles(page) == ["Cimade"]


def test_directory_filters_by_region_of_the_headquarters_country(client, reference_data):
    OrganisationFactory(name="Caritas Dakar", headquarters_country=CountryFactory(code="SN"))
    OrganisationFactory(name="Cimade", headquarters_country=CountryFactory(code="FR"))
    africa = Region.objects.get(code="ECA")

    page = client.get(url("organisation_list"), {"region": africa.pk}).content.decode()

    assert card_titles(page) == ["Caritas Dakar"]


def test_directory_search_matches_name_acronym_and_description(client):
    OrganisationFactory(name="Migrants Solidarity Network")
    OrganisationFactory(name="Cimade", acronym="SOLID")
    OrganisationFactory(name="Caritas Dakar", description="Legal aid and solidarity.")
    OrganisationFactory(name="Dockers Union")
    OrganisationFactory(name="Solidarity Pending", verification_status="pending")

    page = client.get(url("organisation_list"), {"q": " solid "}).content.decode()

    assert card_titles(page) == ["Caritas Dakar", "Cimade (SOLID)", "Migrants Solidarity Network"]


def test_directory_with_no_match_says_so(client):
    OrganisationFactory(name="Caritas Dakar")

    page = client.get(url("organisation_list"), {"q": "nothing like this"}).content.decode()

    assert card_titles(page) == []
    assert "No verified organisation matches these filters." in page


def test_directory_runs_as_many_queries_for_25_organisations_as_for_5(
    client, django_assert_num_queries
):
    groups = [StakeholderGroupFactory(code=f"group_{n}", name=f"Group {n}") for n in range(3)]
    countries = [CountryFactory(code=code) for code in ["SN", "FR", "MX"]]

    def add_organisations(count: int) -> None:
        for n in range(count):
            OrganisationFactory(
                stakeholder_group=groups[n % 3], headquarters_country=countries[n % 3]
            )

    add_organisations(5)
    client.get(url("organisation_list"))  # warm up caches filled once per process
    with CaptureQueriesContext(connection) as with_five:
        page = client.get(url("organisation_list")).content.decode()
    assert len(card_titles(page)) == 5

    add_organisations(20)
    with django_assert_num_queries(len(with_five)):
        page = client.get(url("organisation_list")).content.decode()
    assert len(card_titles(page)) == 20


def test_directory_shows_20_organisations_per_page(client):
    for n in range(25):
        OrganisationFactory(name=f"Network {n:02d}")

    first = client.get(url("organisation_list")).content.decode()
    second = client.get(url("organisation_list"), {"page": 2}).content.decode()

    assert "25 organisations" in first
    assert card_titles(first) == [f"Network {n:02d}" for n in range(20)]
    assert "Page 1 of 2" in first
    assert card_titles(second) == [f"Network {n:02d}" for n in range(20, 25)]
    assert "Page 2 of 2" in second


def test_directory_pages_keep_the_filters_in_their_links(client):
    unions = StakeholderGroupFactory(code="trade_unions", name="Trade unions")
    for n in range(21):
        OrganisationFactory(name=f"Union {n:02d}", stakeholder_group=unions)
    OrganisationFactory(name="Caritas Dakar")

    first = client.get(url("organisation_list"), {"stakeholder_group": unions.pk}).content.decode()

    assert f"stakeholder_group={unions.pk}&amp;page=2" in first
    second = client.get(
        url("organisation_list"), {"stakeholder_group": unions.pk, "page": 2}
    ).content.decode()
    assert card_titles(second) == ["Union 20"]


# --- An organisation's page -------------------------------------------------------------------


def test_organisation_page_of_a_verified_organisation_is_public(client):
    organisation = OrganisationFactory(
        name="Caritas Dakar", acronym="CD", website="https://caritas.example.org"
    )

    response = client.get(url("organisation_detail", pk=organisation.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"<h1[^>]*>Caritas Dakar \(CD\)</h1>", page)
    assert "https://caritas.example.org" in page
    assert "Ask to join this organisation" not in page  # visitors sign in first


@pytest.mark.parametrize("status", ["pending", "rejected"])
@pytest.mark.parametrize(
    ("viewer", "expected_status"),
    [
        ("visitor", 404),
        ("outsider", 404),
        ("requester", 404),
        ("former member", 404),
        ("active member", 200),
        ("staff", 200),
    ],
)
def test_organisation_page_of_an_unverified_organisation_is_only_for_members_and_staff(
    client, status, viewer, expected_status
):
    organisation = (
        rejected_organisation()
        if status == "rejected"
        else OrganisationFactory(verification_status=status)
    )
    membership_state = {
        "requester": "pending",
        "former member": "removed",
        "active member": "active",
    }
    if viewer in membership_state:
        client.force_login(
            MembershipFactory(organisation=organisation, state=membership_state[viewer]).user
        )
    elif viewer == "outsider":
        client.force_login(UserFactory())
    elif viewer == "staff":
        client.force_login(StaffFactory())

    response = client.get(url("organisation_detail", pk=organisation.pk))

    assert response.status_code == expected_status


def test_organisation_page_shows_a_signed_in_outsider_how_to_join(client):
    organisation = OrganisationFactory()
    client.force_login(UserFactory())

    page = client.get(url("organisation_detail", pk=organisation.pk)).content.decode()

    assert url("organisation_join", pk=organisation.pk) in page
    assert "Ask to join this organisation" in page


# --- Autocomplete -----------------------------------------------------------------------------


def test_autocomplete_returns_matching_organisations_that_are_not_rejected(client):
    verified = OrganisationFactory(name="Migrants Solidarity Network", acronym="MSN")
    pending = OrganisationFactory(name="Solidarity Pending", verification_status="pending")
    rejected_organisation(name="Solidarity Rejected")
    OrganisationFactory(name="Caritas Dakar")

    response = client.get(url("organisation_autocomplete"), {"q": "SOLIDAR"})

    assert response["Content-Type"] == "application/json"
    results = json.loads(response.content)["results"]
    assert [(r["id"], r["name"], r["verified"]) for r in results] == [
        (verified.pk, "Migrants Solidarity Network", True),
        (pending.pk, "Solidarity Pending", False),
    ]
    assert results[0]["acronym"] == "MSN"
    assert results[0]["country"] == "Senegal"


@pytest.mark.parametrize("typed", ["", "s", " s "])
def test_autocomplete_with_fewer_than_two_characters_returns_nothing(client, typed):
    OrganisationFactory(name="Solidarity Network")

    response = client.get(url("organisation_autocomplete"), {"q": typed})

    assert json.loads(response.content) == {"results": []}


def test_autocomplete_returns_at_most_ten_organisations(client):
    for n in range(12):
        OrganisationFactory(name=f"Network {n:02d}")

    response = client.get(url("organisation_autocomplete"), {"q": "network"})

    names = [result["name"] for result in json.loads(response.content)["results"]]
    assert names == [f"Network {n:02d}" for n in range(10)]


def test_renaming_a_verified_organisation_sends_it_back_to_staff_for_verification(client):
    organisation = OrganisationFactory(name="Migrant Voices", verification_status="verified")
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    client.force_login(admin)

    response = client.post(
        reverse("organisation_edit", kwargs={"pk": organisation.pk}),
        {
            "name": "Red Cross Migrant Voices",
            "stakeholder_group": organisation.stakeholder_group_id,
            "headquarters_country": organisation.headquarters_country_id,
        },
        follow=True,
    )

    organisation.refresh_from_db()
    assert organisation.name == "Red Cross Migrant Voices"
    assert organisation.verification_status == "pending"
    assert "will verify it again" in response.content.decode()


def test_a_used_invitation_link_says_so_before_anything_is_clicked(client, post):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    invitation = services.invitation_create(
        organisation=organisation, email="guest@example.org", by=admin
    )
    token = services.invitation_token(invitation)
    client.force_login(UserFactory())
    post(reverse("invitation_accept", kwargs={"token": token}))

    page = client.get(reverse("invitation_accept", kwargs={"token": token})).content.decode()

    assert "This invitation has already been used." in page
    assert "Accept the invitation" not in page

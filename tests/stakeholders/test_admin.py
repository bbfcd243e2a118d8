"""Staff verify organisations and focal points in the admin, in bulk, through the services."""

import pytest
from django.core import mail

from stakeholders.models import FocalPoint, Membership, Organisation
from tests.factories import (
    CountryFactory,
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db
CHANGELIST = "/en/admin/stakeholders/organisation/"


@pytest.fixture
def staff_client(client, settings):
    settings.GCM_STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    return client


def pending_organisation_with_admin(name: str, language: str = "en") -> Organisation:
    organisation = OrganisationFactory(name=name, verification_status="pending")
    admin = ProfileFactory(preferred_language=language).user
    MembershipFactory(user=admin, organisation=organisation, role=Membership.Role.ADMIN)
    return organisation


def test_staff_verify_several_organisations_at_once_and_their_admins_are_told(
    staff_client, django_capture_on_commit_callbacks
):
    first = pending_organisation_with_admin("Diaspora Sénégalaise de France")
    second = pending_organisation_with_admin("Kenya Migrant Workers Union")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST,
            {"action": "verify", "_selected_action": [first.pk, second.pk]},
            follow=True,
        )

    assert "2 decisions recorded." in response.content.decode()
    assert set(Organisation.objects.values_list("verification_status", flat=True)) == {"verified"}
    assert sorted(message.subject for message in mail.outbox) == [
        "Diaspora Sénégalaise de France is verified",
        "Kenya Migrant Workers Union is verified",
    ]


def test_rejecting_asks_for_a_reason_then_sends_it_in_the_admins_language(
    staff_client, django_capture_on_commit_callbacks
):
    organisation = pending_organisation_with_admin("Association Fantôme", language="fr")

    ask = staff_client.post(CHANGELIST, {"action": "reject", "_selected_action": [organisation.pk]})
    assert ask.status_code == 200
    assert "Reason, sent to the people concerned" in ask.content.decode()
    organisation.refresh_from_db()
    assert organisation.verification_status == "pending"

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            CHANGELIST,
            {
                "action": "reject",
                "_selected_action": [organisation.pk],
                "apply": "1",
                "reason": "Nous n'avons trouvé aucune trace de l'association.",
            },
        )

    organisation.refresh_from_db()
    assert organisation.verification_status == "rejected"
    assert organisation.verification_reason.startswith("Nous n'avons trouvé")
    [message] = mail.outbox
    assert "Association Fantôme" in message.subject
    assert "could not be verified" not in message.subject
    assert "Nous n'avons trouvé aucune trace" in message.body


def test_rejecting_without_a_reason_changes_nothing(staff_client):
    organisation = pending_organisation_with_admin("Sans Raison")

    response = staff_client.post(
        CHANGELIST,
        {"action": "reject", "_selected_action": [organisation.pk], "apply": "1", "reason": ""},
        follow=True,
    )

    assert "Give a reason." in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.verification_status == "pending"


def test_staff_verify_a_government_focal_point(staff_client, django_capture_on_commit_callbacks):
    official = ProfileFactory().user
    focal_point = FocalPoint.objects.create(
        user=official, country=CountryFactory(code="MA"), position="Director of Migration"
    )

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            "/en/admin/stakeholders/focalpoint/",
            {"action": "verify", "_selected_action": [focal_point.pk]},
        )

    focal_point.refresh_from_db()
    assert focal_point.verification_status == "verified"
    assert mail.outbox[0].to == [official.email]


def test_organisation_changes_are_kept_in_its_history(staff_client):
    organisation = pending_organisation_with_admin("Red de Migrantes")
    staff_client.post(CHANGELIST, {"action": "verify", "_selected_action": [organisation.pk]})

    page = staff_client.get(f"{CHANGELIST}{organisation.pk}/history/").content.decode()

    assert page.count("<tr") >= 3  # header, creation, verification


def test_staff_edit_an_organisation_name_and_its_duplicate_key_follows(staff_client):
    organisation = OrganisationFactory(name="Old Name")
    page = staff_client.get(f"{CHANGELIST}{organisation.pk}/change/")
    assert page.status_code == 200

    response = staff_client.post(
        f"{CHANGELIST}{organisation.pk}/change/",
        {
            "name": "Réseau Nouveau",
            "acronym": "",
            "stakeholder_group": organisation.stakeholder_group_id,
            "headquarters_country": organisation.headquarters_country_id,
            "website": "",
            "description": "",
            "accreditation": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    organisation.refresh_from_db()
    assert organisation.name == "Réseau Nouveau"
    assert organisation.normalized_name == "reseau nouveau"


def test_organisation_changelist_runs_a_constant_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    for number in range(30):
        OrganisationFactory(name=f"Organisation {number}")

    with django_assert_max_num_queries(15):
        response = staff_client.get(CHANGELIST)

    assert response.status_code == 200


def test_profiles_are_searchable_and_their_changes_kept(staff_client):
    profile = ProfileFactory(display_name="Awa Sow", city="Thiès")
    profile.city = "Dakar"
    profile.save(update_fields=["city"])

    found = staff_client.get("/en/admin/stakeholders/profile/", {"q": "Awa"}).content.decode()
    history = staff_client.get(
        f"/en/admin/stakeholders/profile/{profile.pk}/history/"
    ).content.decode()

    assert "Awa Sow" in found
    assert history.count("<tr") >= 3

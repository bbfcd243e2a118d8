"""A user's own data: download it, delete the account, edit the profile, sign up for an org."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from notifications.models import OutgoingEmail
from stakeholders import services
from stakeholders.models import FocalPoint, Language, Membership, Organisation, Profile, User
from tests.factories import (
    PASSWORD,
    CountryFactory,
    FocalPointFactory,
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    StakeholderGroupFactory,
    UserFactory,
)
from tests.support import export_records, read_export

pytestmark = pytest.mark.django_db

NOT_YOUR_PASSWORD = "This is not your password."


def url(name: str, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def log_in(post, email: str, password: str = PASSWORD):
    return post(url("account_login"), {"login": email, "password": password})


# --- Download my data -------------------------------------------------------------------------


@pytest.fixture
def amina():
    """A user with a profile, two organisations, a focal point request and e-mails sent to her."""
    user = UserFactory(email="amina@example.org")
    profile = ProfileFactory(
        user=user,
        display_name="Amina Diallo",
        city="Thiès",
        preferred_language="es",
        country=CountryFactory(code="SN"),
    )
    profile.languages_read.set(
        [
            Language.objects.create(code="fr", name="French", native_name="Français"),
            Language.objects.create(code="en", name="English", native_name="English"),
        ]
    )
    network = OrganisationFactory(name="Migrants Solidarity Network")
    admin = UserFactory()
    MembershipFactory(user=admin, organisation=network, role=Membership.Role.ADMIN)
    request = services.membership_request(user=user, organisation=network)
    services.membership_accept(membership=request, by=admin)  # e-mails her
    MembershipFactory(
        user=user, organisation=OrganisationFactory(name="Caritas Dakar"), state="pending"
    )
    FocalPointFactory(user=user, country=CountryFactory(code="SN"), position="Adviser, MFA")
    return user


@pytest.fixture
def someone_else():
    """Another user, with data of every kind, none of which may leak into Amina's file."""
    user = UserFactory(email="someone.else@example.org")
    ProfileFactory(user=user, display_name="Pierre Martin", city="Lyon")
    network = OrganisationFactory(name="Cimade Lyon")
    MembershipFactory(user=user, organisation=network, role=Membership.Role.ADMIN)
    services.membership_request(user=UserFactory(), organisation=network)  # e-mails him
    FocalPointFactory(user=user, country=CountryFactory(code="FR"), position="Préfet du Rhône")
    return user


def test_data_download_is_a_zip_attachment_not_kept_in_caches(client, amina):
    client.force_login(amina)

    response = client.get(url("account_data_download"))

    assert response.status_code == 200
    assert response.streaming  # written while it is sent
    assert response["Content-Type"] == "application/zip"
    assert re.fullmatch(
        r'attachment; filename="gcm-portal-my-data-\d{4}-\d{2}-\d{2}\.zip"',
        response["Content-Disposition"],
    )
    assert response["Cache-Control"] == "no-store"
    data, members = read_export(response)
    assert data["format"] == "gcm-portal-personal-data/1"
    assert list(members) == ["my-data.json"]  # she has no attachments


def test_data_download_holds_the_account_profile_memberships_requests_and_emails(client, amina):
    client.force_login(amina)

    data, _members = read_export(client.get(url("account_data_download")))

    assert data["language"] == "es"
    (account,) = export_records(data, "account")
    assert account["email"] == "amina@example.org"
    assert [
        (a["email"], a["verified"], a["primary"]) for a in export_records(data, "email_addresses")
    ] == [("amina@example.org", True, True)]
    (profile,) = export_records(data, "profile")
    assert profile["display_name"] == "Amina Diallo"
    assert profile["city"] == "Thiès"
    assert profile["preferred_language"] == "Español"
    assert profile["country"] == "Senegal"
    assert sorted(profile["languages_read"]) == ["Francés", "Inglés"]
    assert profile["terms_version"] == "2026-11"
    assert sorted(
        (m["organisation"], m["role"], m["state"]) for m in export_records(data, "memberships")
    ) == [
        ("Caritas Dakar", "miembro", "solicitada"),
        ("Migrants Solidarity Network", "miembro", "activo"),
    ]
    (focal_point,) = export_records(data, "focal_points")
    assert (focal_point["country"], focal_point["position"]) == ("Senegal", "Adviser, MFA")
    (email,) = export_records(data, "emails")
    assert "Migrants Solidarity Network" in email["subject"]


def test_data_download_labels_every_section_in_the_persons_language(client, amina):
    client.force_login(amina)

    data, _members = read_export(client.get(url("account_data_download")))

    profile = next(s for s in data["sections"] if s["key"] == "profile")
    assert profile["title"] == "Perfil"
    assert profile["fields"]["city"] == "Ciudad"
    for section in data["sections"]:
        assert section["title"] and section["kept"] and section["purpose"] and section["retention"]
        for record in section["records"]:
            assert set(record) <= set(section["fields"]), section["key"]


def test_data_download_holds_nothing_about_another_user(client, amina, someone_else):
    client.force_login(amina)

    data, _members = read_export(client.get(url("account_data_download")))
    content = json.dumps(data, ensure_ascii=False)

    for trace in ["someone.else", "Pierre Martin", "Lyon", "Cimade", "Préfet", "Francia"]:
        assert trace not in content


def test_data_download_asks_a_visitor_to_sign_in(client):
    response = client.get(url("account_data_download"))

    assert response.status_code == 302
    assert response["Location"].startswith(url("account_login"))


# --- Delete my account ------------------------------------------------------------------------


def test_account_delete_with_a_wrong_password_keeps_everything(client, post, amina):
    client.force_login(amina)

    response = post(url("account_delete"), {"password": "not my password"})

    assert response.status_code == 200
    assert NOT_YOUR_PASSWORD in response.content.decode()
    amina.refresh_from_db()
    assert (amina.email, amina.is_active) == ("amina@example.org", True)
    assert Profile.objects.filter(user=amina).exists()
    assert Membership.objects.filter(user=amina, state="active").count() == 1
    assert EmailAddress.objects.filter(user=amina).exists()
    assert client.session["_auth_user_id"] == str(amina.pk)


def test_account_delete_with_the_right_password_erases_the_account_and_signs_out(
    client, post, amina
):
    client.force_login(amina)
    old_email = amina.email

    response = post(url("account_delete"), {"password": PASSWORD})

    assert response["Location"] == url("home")
    assert "_auth_user_id" not in client.session
    home = client.get(response["Location"]).content.decode()
    assert "Your account and your personal data have been deleted." in home
    amina.refresh_from_db()
    assert amina.email == f"erased-{amina.pk}@erased.invalid"
    assert amina.is_active is False
    assert not amina.has_usable_password()
    assert not Profile.objects.filter(user=amina).exists()
    assert set(Membership.objects.filter(user=amina).values_list("state", flat=True)) == {"removed"}
    assert not EmailAddress.objects.filter(user=amina).exists()
    assert not FocalPoint.objects.filter(user=amina).exists()
    assert not OutgoingEmail.objects.filter(recipient__iexact=old_email).exists()

    response = log_in(post, old_email)

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_account_delete_signs_the_user_out_on_their_other_devices(client, post, amina):
    other_device = Client()
    other_device.force_login(amina)
    client.force_login(amina)

    post(url("account_delete"), {"password": PASSWORD})

    response = other_device.get(url("account_profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("account_login"))


def test_account_delete_leaves_no_personal_data_in_the_change_history(client, post, amina):
    client.force_login(amina)

    post(url("account_delete"), {"password": PASSWORD})

    assert list(Profile.history.filter(user_id=amina.pk).values("display_name", "city")) == []
    assert list(FocalPoint.history.filter(user_id=amina.pk).values("position")) == []


def test_account_delete_by_one_of_two_admins_leaves_the_other_in_charge(client, post):
    organisation = OrganisationFactory()
    leaving = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    staying = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    client.force_login(leaving.user)

    post(url("account_delete"), {"password": PASSWORD})

    assert list(Membership.objects.admins().filter(organisation=organisation)) == [staying]


def test_account_delete_by_the_last_admin_of_an_organisation_is_refused(client, post):
    admin = UserFactory(email="founder@example.org")
    ProfileFactory(user=admin)
    organisation = OrganisationFactory(name="Migrants Solidarity Network")
    MembershipFactory(user=admin, organisation=organisation, role=Membership.Role.ADMIN)
    client.force_login(admin)

    response = post(url("account_delete"), {"password": PASSWORD})

    assert response.status_code == 200
    assert (
        "You are the last administrator of Migrants Solidarity Network. Make another member an "
        "administrator first" in response.content.decode()
    )
    admin.refresh_from_db()
    assert (admin.email, admin.is_active) == ("founder@example.org", True)
    assert Profile.objects.filter(user=admin).exists()
    assert Membership.objects.get(user=admin).state == "active"
    assert client.session["_auth_user_id"] == str(admin.pk)


# --- Profile ----------------------------------------------------------------------------------


def profile_data(**extra) -> dict:
    return {
        "display_name": "Amina D.",
        "stakeholder_group": StakeholderGroupFactory().pk,
        "country": CountryFactory(code="SN").pk,
        "city": "Saint-Louis",
        "preferred_language": "fr",
        **extra,
    }


def test_profile_page_saves_edits_without_asking_again_for_the_accepted_terms(client, post):
    profile = ProfileFactory(display_name="Amina Diallo", terms_version="2026-11")
    client.force_login(profile.user)
    assert 'name="accept_terms"' not in client.get(url("account_profile")).content.decode()

    response = post(url("account_profile"), profile_data())

    assert response["Location"] == url("account_profile")
    profile.refresh_from_db()
    assert (profile.display_name, profile.city, profile.preferred_language) == (
        "Amina D.",
        "Saint-Louis",
        "fr",
    )
    assert "Your profile has been saved." in client.get(response["Location"]).content.decode()


def test_profile_page_asks_for_the_terms_again_when_a_new_version_is_in_force(
    client, post, settings
):
    settings.GCM_TERMS_VERSION = "2027-03"
    profile = ProfileFactory(display_name="Amina Diallo", terms_version="2026-11")
    client.force_login(profile.user)
    assert 'name="accept_terms"' in client.get(url("account_profile")).content.decode()

    refused = post(url("account_profile"), profile_data())

    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    profile.refresh_from_db()
    assert (profile.display_name, profile.terms_version) == ("Amina Diallo", "2026-11")

    accepted = post(url("account_profile"), profile_data(accept_terms="on"))

    assert accepted.status_code == 302
    profile.refresh_from_db()
    assert (profile.display_name, profile.terms_version) == ("Amina D.", "2027-03")
    assert profile.terms_accepted_at is not None


# --- Sign-up for an organisation --------------------------------------------------------------


def signup_data(email: str = "amina@example.org", **extra) -> dict:
    return {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "display_name": "Amina Diallo",
        "stakeholder_group": StakeholderGroupFactory().pk,
        "country": CountryFactory(code="SN").pk,
        "city": "Thiès",
        "preferred_language": "en",
        "accept_terms": "on",
        **extra,
    }


def test_signup_for_a_new_organisation_registers_it_with_the_user_as_admin(client, post):
    response = post(
        url("account_signup"),
        signup_data(
            speaks_for="new_organisation",
            organisation_name="Réseau Migrants-Sénégal",
            organisation_acronym="RMS",
            organisation_website="https://rms.example.org",
        ),
    )

    assert response.status_code == 302
    user = User.objects.get(email="amina@example.org")
    organisation = Organisation.objects.get(name="Réseau Migrants-Sénégal")
    assert (organisation.acronym, organisation.website) == ("RMS", "https://rms.example.org")
    assert organisation.verification_status == "pending"
    assert organisation.created_by == user
    assert organisation.headquarters_country.code == "SN"
    assert [c.code for c in organisation.countries_of_operation.all()] == ["SN"]
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role, membership.state) == (user, "admin", "active")


def test_signup_for_a_new_organisation_already_registered_suggests_joining_it(client, post):
    OrganisationFactory(name="Réseau Migrants-Sénégal")

    response = post(
        url("account_signup"),
        signup_data(speaks_for="new_organisation", organisation_name="reseau migrants senegal"),
    )

    assert response.status_code == 200
    assert "“Réseau Migrants-Sénégal” is already registered." in response.content.decode()
    assert not User.objects.filter(email="amina@example.org").exists()
    assert Organisation.objects.count() == 1


def test_signup_to_join_a_registered_organisation_asks_its_admins(client, post):
    organisation = OrganisationFactory(name="Migrants Solidarity Network")
    admin = UserFactory(email="admin@example.org")
    MembershipFactory(user=admin, organisation=organisation, role=Membership.Role.ADMIN)

    response = post(
        url("account_signup"),
        signup_data(
            speaks_for="join_organisation", organisation_to_join="MIGRANTS solidarity network"
        ),
    )

    assert response.status_code == 302
    user = User.objects.get(email="amina@example.org")
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.state, membership.role) == (
        organisation,
        "pending",
        "member",
    )
    to_admin = [message for message in mail.outbox if message.to == ["admin@example.org"]]
    assert [message.subject for message in to_admin] == [
        "Request to join Migrants Solidarity Network"
    ]
    assert "Amina Diallo (amina@example.org)" in to_admin[0].body


@pytest.mark.parametrize(
    "typed_name", ["Migrants Solidarity", "Rejected Network"], ids=["unknown", "rejected"]
)
def test_signup_to_join_an_unknown_organisation_says_so_and_keeps_the_input(
    client, post, typed_name
):
    OrganisationFactory(name="Migrants Solidarity Network")
    OrganisationFactory(
        name="Rejected Network", verification_status="rejected", verification_reason="Fake."
    )

    response = post(
        url("account_signup"),
        signup_data(speaks_for="join_organisation", organisation_to_join=typed_name),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "No registered organisation has this name." in page
    assert 'value="amina@example.org"' in page
    assert 'value="Amina Diallo"' in page
    assert 'value="Thiès"' in page
    assert f'value="{typed_name}"' in page
    assert re.search(r'value="join_organisation"[^>]*checked', page)
    assert not User.objects.filter(email="amina@example.org").exists()
    assert not Membership.objects.exists()


def test_users_interested_in_a_call_are_found_by_objective_or_region(reference_data):
    from consultations.models import Objective
    from stakeholders.models import Region

    by_objective = ProfileFactory()
    by_objective.objectives_of_interest.add(Objective.objects.get(number=8))
    by_region = ProfileFactory()
    by_region.regions_of_interest.add(Region.objects.get(code="ESCWA"))
    both = ProfileFactory()
    both.objectives_of_interest.add(Objective.objects.get(number=8))
    both.regions_of_interest.add(Region.objects.get(code="ESCWA"))
    ProfileFactory().regions_of_interest.add(Region.objects.get(code="ECE"))
    gone = ProfileFactory()
    gone.objectives_of_interest.add(Objective.objects.get(number=8))
    User.objects.filter(pk=gone.user_id).update(is_active=False)

    found = User.objects.interested_in(
        objectives=Objective.objects.filter(number=8), regions=Region.objects.filter(code="ESCWA")
    )

    assert set(found) == {by_objective.user, by_region.user, both.user}

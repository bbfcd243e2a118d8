"""Erasing an account: closed at once, completed after a crash, never twice, never a staff
account by the self-service path; staff export and erase at a person's request, with an audit
entry; rate-limit counters forgotten."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from consultations.personal_data import ConsultationsPersonalData
from gcmportal import personal_data
from gcmportal.errors import DomainError
from stakeholders import services
from stakeholders.models import Profile, User
from tests.consultations.factories import AuthorFactory, InputFactory
from tests.factories import PASSWORD, ModeratorFactory, ProfileFactory, StaffFactory
from tests.support import export_records, read_export

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def log_in(client, email: str) -> int:
    return client.post(url("account_login"), {"login": email, "password": PASSWORD}).status_code


@pytest.fixture
def crash_in_consultations(monkeypatch):
    """The worker dies while the consultations app erases its part (once)."""
    original = ConsultationsPersonalData.erase
    calls = []

    def erase(self, person):
        calls.append(person)
        if len(calls) == 1:
            raise ConnectionError("server closed the connection unexpectedly")
        return original(self, person)

    monkeypatch.setattr(ConsultationsPersonalData, "erase", erase)
    return calls


def test_erasure_interrupted_half_way_leaves_an_account_that_cannot_sign_in(
    client, crash_in_consultations
):
    person = AuthorFactory(email="amina@example.org")
    draft = InputFactory(author=person)

    with pytest.raises(ConnectionError):
        services.account_erase(user=person)

    person.refresh_from_db()
    assert person.erasure_requested_at and not person.erased_at
    assert not person.is_active and not person.has_usable_password()
    assert log_in(client, "amina@example.org") == 200  # the form again: refused
    assert "_auth_user_id" not in client.session
    assert type(draft).objects.filter(pk=draft.pk).exists()  # not yet erased

    # Too early for the sweeper: the erasure may still be running.
    assert services.accounts_erasure_complete_unfinished() == 0
    later = timezone.now() + timedelta(minutes=3)
    assert services.accounts_erasure_complete_unfinished(now=later) == 1

    person.refresh_from_db()
    assert person.erased_at
    assert person.email == f"erased-{person.pk}@erased.invalid"
    assert not type(draft).objects.filter(pk=draft.pk).exists()
    assert not Profile.objects.filter(user=person).exists()
    assert services.accounts_erasure_complete_unfinished(now=later) == 0


def test_erasure_run_again_changes_nothing():
    person = AuthorFactory()
    erased = services.account_erase(user=person)
    first = (erased.email, erased.erased_at)

    again = services.account_erase(user=erased)
    personal_data.erase(services.account_person(again), last="stakeholders")

    again.refresh_from_db()
    assert (again.email, again.erased_at) == first


def test_erasure_by_the_self_service_path_is_refused_to_a_staff_account(client):
    staff = ModeratorFactory(email="moderator@example.org")
    ProfileFactory(user=staff)
    client.force_login(staff)

    response = client.post(url("account_delete"), {"password": PASSWORD})

    assert response.status_code == 200
    assert "A staff account cannot be deleted from here" in response.content.decode()
    staff.refresh_from_db()
    assert staff.is_active and not staff.erasure_requested_at


def test_erasure_by_the_self_service_path_erases_only_the_signed_in_account(client):
    person = AuthorFactory()
    other = AuthorFactory(email="other@example.org")
    client.force_login(person)

    client.post(url("account_delete"), {"password": PASSWORD, "user": other.pk, "pk": other.pk})

    person.refresh_from_db()
    other.refresh_from_db()
    assert person.erased_at
    assert other.is_active and other.email == "other@example.org" and not other.erased_at


# --- Staff answering a request received by e-mail -------------------------------------------


@pytest.fixture
def staff_client(settings):
    settings.GCM_STAFF_MFA_REQUIRED = False
    staff = StaffFactory(email="dpo@example.org")
    client = Client()
    client.force_login(staff)
    client.staff = staff
    return client


def test_staff_export_on_request_is_the_persons_file_in_their_language_and_is_logged(
    staff_client,
):
    person = ProfileFactory(display_name="Lucía Ramos", preferred_language="es").user
    page = reverse("admin:stakeholders_user_personal_data", args=[person.pk])

    refused = staff_client.post(page, {"note": ""})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    assert not LogEntry.objects.exists()

    response = staff_client.post(page, {"note": "E-mail of 3 December 2026, ref. 2026/41"})

    assert response["Content-Type"] == "application/zip"
    data, _members = read_export(response)
    assert data["language"] == "es"
    assert export_records(data, "profile")[0]["display_name"] == "Lucía Ramos"
    (entry,) = LogEntry.objects.all()
    assert entry.user == staff_client.staff and entry.object_id == str(person.pk)
    assert "ref. 2026/41" in entry.get_change_message()


def test_staff_without_the_permission_can_neither_export_nor_erase(client, settings):
    settings.GCM_STAFF_MFA_REQUIRED = False
    moderator = ModeratorFactory()
    person = AuthorFactory()
    client.force_login(moderator)

    for name in ("admin:stakeholders_user_personal_data", "admin:stakeholders_user_erase"):
        response = client.post(
            reverse(name, args=[person.pk]), {"note": "x", "email": person.email}
        )
        assert response.status_code == 403
    person.refresh_from_db()
    assert person.is_active


def test_staff_erase_on_request_needs_the_address_typed_again_and_is_logged(staff_client):
    person = AuthorFactory(email="amina@example.org")
    page = reverse("admin:stakeholders_user_erase", args=[person.pk])

    wrong = staff_client.post(page, {"note": "Letter of 1 December", "email": "amina@example.com"})
    assert "This is not the account&#x27;s address." in wrong.content.decode()
    person.refresh_from_db()
    assert person.is_active

    done = staff_client.post(page, {"note": "Letter of 1 December", "email": "Amina@example.org"})

    assert done.status_code == 302
    person.refresh_from_db()
    assert person.erased_at and not person.is_active
    (entry,) = LogEntry.objects.filter(object_id=str(person.pk))
    assert "Letter of 1 December" in entry.get_change_message()
    assert entry.object_repr == personal_data.ERASED  # the log keeps no name


def test_staff_erase_of_a_staff_account_needs_a_superuser():
    other_staff = ModeratorFactory()
    eraser = ModeratorFactory()
    eraser.user_permissions.add(Permission.objects.get(codename="erase_personal_data"))
    eraser = User.objects.get(pk=eraser.pk)  # permissions are cached per instance

    with pytest.raises(DomainError, match="Only a superuser may erase a staff account"):
        services.account_erase(user=other_staff, by=eraser, note="Request")

    services.account_erase(user=other_staff, by=StaffFactory(), note="Request")
    other_staff.refresh_from_db()
    assert other_staff.erased_at


# --- Rate-limit counters -----------------------------------------------------------------------


def test_erasure_forgets_the_accounts_rate_limit_counters(client):
    person = AuthorFactory()
    client.force_login(person)

    def counters() -> set[str]:
        return {key for key in cache._cache if "rl:" in key}

    client.get(url("account_data_download"))  # counted per account
    client.post(url("account_profile"), {})  # counted per account too
    counted = counters()
    assert len(counted) == 2

    services.account_erase(user=person)

    assert counters() == set()

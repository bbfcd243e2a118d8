"""Reports that quote by name a person who asked to be erased: unpublished versions go with
their files; published ones are listed for staff, who compile them again without the name; a
compilation that ends after the request fails rather than keep the name."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import Report, ReportVersion
from stakeholders import services as stakeholders
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(call_with_inputs):
    call, inputs = call_with_inputs
    return Report.objects.create(call=call, title="ECE review"), inputs


def compiled(report, django_capture_on_commit_callbacks, by) -> ReportVersion:
    with django_capture_on_commit_callbacks(execute=True):
        version = services.report_compile_request(report=report, by=by)
    version.refresh_from_db()
    return version


def stored(version) -> list[str]:
    return [getattr(version, field).name for _name, field in version.files()]


def test_version_records_the_people_it_quotes_by_name(report, django_capture_on_commit_callbacks):
    report, inputs = report
    version = compiled(report, django_capture_on_commit_callbacks, StaffFactory())

    # Only the anonymous input's author and the organisation's member are quoted: neither by
    # their own name.
    assert version.state == "done"
    assert list(version.named_authors.all()) == []
    named = inputs["anonymous"]
    named.consent = "public_named"
    named.save(update_fields=["consent"])
    again = compiled(report, django_capture_on_commit_callbacks, StaffFactory())
    assert list(again.named_authors.all()) == [named.author]


@pytest.fixture
def naming(report, django_capture_on_commit_callbacks):
    """Two versions quoting Amina Diallo by name: the first published, the second not."""
    report, inputs = report
    amina_input = inputs["anonymous"]
    amina_input.consent = "public_named"
    amina_input.save(update_fields=["consent"])
    staff = StaffFactory()
    published = compiled(report, django_capture_on_commit_callbacks, staff)
    services.report_publish(version=published, by=staff)
    unpublished = compiled(report, django_capture_on_commit_callbacks, staff)
    return report, amina_input.author, published, unpublished, staff


def test_erasure_deletes_unpublished_versions_naming_the_person_and_flags_published_ones(
    naming, settings
):
    _report, amina, published, unpublished, _staff = naming
    files = stored(unpublished)
    storage = unpublished.pdf_file.storage

    stakeholders.account_erase(user=amina)

    assert not ReportVersion.objects.filter(pk=unpublished.pk).exists()
    assert not any(storage.exists(name) for name in files)
    assert list(services.reports_naming_erased()) == [published]


def test_staff_compile_again_without_the_name_and_the_old_files_are_withdrawn(
    naming, client, settings, django_capture_on_commit_callbacks
):
    report, amina, published, _unpublished, staff = naming
    stakeholders.account_erase(user=amina)
    old_files = stored(published)
    client.force_login(staff)

    listed = client.get(reverse("admin:reviews_report_changelist") + "?names_erased=yes")
    assert "ECE review" in listed.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:reviews_report_changelist"),
            {"action": "replace_naming_erased", "_selected_action": [report.pk]},
            follow=True,
        )

    assert "is being compiled without the name" in response.content.decode()
    published.refresh_from_db()
    assert published.withdrawn_at and not published.published_at and published.files() == []
    assert not any(published.pdf_file.storage.exists(name) for name in old_files)
    replacement = report.versions.latest("number")
    assert replacement.state == "done" and replacement.published_at
    assert list(replacement.named_authors.all()) == []
    assert list(services.reports_naming_erased()) == []
    html = replacement.html_file.open("rb").read().decode()
    assert "Amina Diallo" not in html


def test_compilation_ending_after_a_named_person_asked_to_be_erased_fails(
    report, monkeypatch, django_capture_on_commit_callbacks
):
    report, inputs = report
    amina_input = inputs["anonymous"]
    amina_input.consent = "public_named"
    amina_input.save(update_fields=["consent"])
    write_files = services._write_files

    def erasure_asked_meanwhile(version, input_ids, figures):
        write_files(version, input_ids, figures)
        type(amina_input.author).objects.filter(pk=amina_input.author_id).update(
            erasure_requested_at=timezone.now()
        )

    monkeypatch.setattr(services, "_write_files", erasure_asked_meanwhile)

    version = compiled(report, django_capture_on_commit_callbacks, StaffFactory())

    assert version.state == "failed"
    assert "asked meanwhile to be erased" in version.error
    assert version.files() == []

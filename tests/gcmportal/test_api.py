"""What the whole API shares: throttling with Retry-After and a clear error, the OpenAPI schema
and its documentation served by the portal itself, and the reference and directory endpoints."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gcmportal.throttles import PerIpThrottle, PerUserThrottle
from reviews.models import Report, ReportVersion, Review
from tests.consultations.factories import CallFactory
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_too_many_requests_are_told_when_to_come_back(client, monkeypatch):
    monkeypatch.setitem(PerIpThrottle.THROTTLE_RATES, "anonymous", "3/min")

    statuses = [client.get("/api/v1/objectives/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/objectives/")
    assert 0 < int(refused["Retry-After"]) <= 60
    error = refused.json()["error"]
    assert error["code"] == "throttled"
    assert error["retry_after"] == int(refused["Retry-After"])
    assert "throttled" in error["message"].lower()


def test_each_user_has_a_count_of_their_own(client, monkeypatch):
    monkeypatch.setitem(PerUserThrottle.THROTTLE_RATES, "user", "2/min")
    first, second = UserFactory(), UserFactory()

    client.force_login(first)
    assert [client.get("/api/v1/objectives/").status_code for _ in range(3)] == [200, 200, 429]
    client.force_login(second)
    assert client.get("/api/v1/objectives/").status_code == 200


def test_the_schema_describes_every_endpoint_and_its_documentation_needs_no_cdn(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")

    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    for path in (
        "/api/v1/calls/",
        "/api/v1/calls/{id}/",
        "/api/v1/inputs/",
        "/api/v1/inputs/{id}/",
        "/api/v1/objectives/",
        "/api/v1/guiding-principles/",
        "/api/v1/stakeholder-groups/",
        "/api/v1/regions/",
        "/api/v1/languages/",
        "/api/v1/organisations/",
        "/api/v1/reviews/",
        "/api/v1/reports/",
    ):
        assert path in document["paths"], path
    filters = {p["name"] for p in document["paths"]["/api/v1/inputs/"]["get"]["parameters"]}
    assert {"call", "objective", "stakeholder_group", "country", "q", "cursor"} <= filters
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()


def test_the_directory_lists_verified_organisations_only(client, reference_data):
    OrganisationFactory(name="Verified Network")
    OrganisationFactory(name="Pending Union", verification_status="pending")

    response = client.get("/api/v1/organisations/")

    assert [row["name"] for row in response.json()["results"]] == ["Verified Network"]


def test_reference_lists_are_complete(client, reference_data):
    assert len(client.get("/api/v1/guiding-principles/").json()) == 10
    regions = {row["code"]: row for row in client.get("/api/v1/regions/").json()}
    assert set(regions) == {"ECA", "ECE", "ECLAC", "ESCAP", "ESCWA"}
    assert "KE" in regions["ECA"]["countries"]
    languages = {row["code"] for row in client.get("/api/v1/languages/").json()}
    assert {"ar", "zh", "en", "fr", "ru", "es"} <= languages


def test_only_published_reports_are_listed_with_their_files(client, reference_data, settings):
    call = CallFactory()
    report = Report.objects.create(call=call, title="ECE review")
    published = ReportVersion.objects.create(
        report=report,
        number=1,
        state=ReportVersion.State.DONE,
        published_at=timezone.now(),
    )
    published.csv_file.save("inputs.csv", ContentFile(b"reference\n"), save=True)
    ReportVersion.objects.create(report=report, number=2, state=ReportVersion.State.DONE)

    response = client.get("/api/v1/reports/", {"call": call.pk})

    [row] = response.json()["results"]
    assert (row["version"], row["call"], row["title"]) == (1, call.pk, "ECE review")
    [csv_file] = row["files"]
    assert csv_file["format"] == "csv" and csv_file["size"] == len(b"reference\n")
    assert client.get(csv_file["url"]).status_code == 200


def test_an_address_that_is_no_endpoint_answers_in_the_error_shape(client):
    response = client.get("/api/v1/inputs/not-a-number/")

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


@pytest.mark.parametrize(
    "path",
    ["/api/v1/calls/", "/api/v1/organisations/", "/api/v1/reports/", "/api/v1/reviews/"],
)
def test_a_list_costs_the_same_queries_whatever_its_length(client, reference_data, path):
    def make(count: int) -> None:
        for _ in range(count):
            call = CallFactory()
            Review.objects.create(call=call, kind=Review.Kind.REGIONAL, year=2026)
            OrganisationFactory()
            report = Report.objects.create(call=call, title="A review")
            version = ReportVersion.objects.create(
                report=report, number=1, state=ReportVersion.State.DONE, published_at=timezone.now()
            )
            version.csv_file.save("inputs.csv", ContentFile(b"reference\n"), save=True)

    def queries() -> int:
        client.get(path)  # the filters' reference lists are cached from here on
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    make(1)
    few = queries()
    make(4)

    assert queries() == few

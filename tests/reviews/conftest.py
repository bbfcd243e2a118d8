"""What the report tests share: inputs counted by hand, and compiling as staff do."""

import pytest
from django.urls import reverse

from consultations import services as consultations
from reviews.models import ReportVersion
from tests.consultations.factories import CallFactory, submitted_input
from tests.factories import (
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    ProfileFactory,
)


@pytest.fixture(autouse=True)
def _no_mfa_in_these_tests(settings):
    settings.GCM_STAFF_MFA_REQUIRED = False


@pytest.fixture
def call_with_inputs(reference_data):
    """A call with, by hand: three published approved inputs, one approved but private, one
    submitted only (out of every report), from authors in Kenya, France and Mexico."""
    call = CallFactory(code="ECE")
    moderator = ModeratorFactory()
    kenya = ProfileFactory(
        country__code="KE", stakeholder_group__code="civil_society", display_name="Wanjiru Kamau"
    ).user
    france = ProfileFactory(
        country__code="FR", stakeholder_group__code="migrants", display_name="Amina Diallo"
    ).user
    mexico = ProfileFactory(
        country__code="MX", stakeholder_group__code="civil_society", display_name="Lucía Ramos"
    ).user
    union = OrganisationFactory(name="Kenya Migrant Workers Network")
    MembershipFactory(user=kenya, organisation=union)
    inputs = {
        "named": submitted_input(
            call=call,
            author=kenya,
            answer="Recruitment fees must be banned.",
            objectives=(6, 7),
            on_behalf="organisation",
            organisation=union,
        ),
        "anonymous": submitted_input(
            call=call,
            author=france,
            answer='=HYPERLINK("http://evil.example")',
            language_code="fr",
            objectives=(6,),
            consent="public_anonymous",
        ),
        "private": submitted_input(
            call=call,
            author=mexico,
            answer="Kept for the staff only.",
            language_code="es",
            objectives=(16,),
            consent="private",
        ),
        "waiting": submitted_input(call=call, author=mexico, answer="Not decided yet."),
    }
    for key in ("named", "anonymous", "private"):
        consultations.input_approve(input=inputs[key], by=moderator)
    return call, inputs


@pytest.fixture
def compiler(client):
    """A member of the Report compiler role, logged in with the test client."""
    compiler = ModeratorFactory(role="Report compiler")
    ProfileFactory(user=compiler, preferred_language="en")
    client.force_login(compiler)
    return compiler


@pytest.fixture
def compile_in_admin(client, django_capture_on_commit_callbacks):
    """Press "Compile report" in the admin (the task runs in-process) and return the version."""

    def _compile(report) -> ReportVersion:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("admin:reviews_report_compile", args=[report.pk]))
        assert response.status_code == 302
        return report.versions.latest("number")

    return _compile

"""A report compiler compiles a report in the admin, downloads its PDF and publishes it; a
visitor downloads it from the call's page, in a real browser."""

import pypdf
import pytest
from django.core import mail
from playwright.sync_api import expect

from consultations import services as consultations
from consultations.models import CallFollower
from reviews.models import Report
from tests.consultations.factories import CallFactory, submitted_input
from tests.factories import PASSWORD, ModeratorFactory, ProfileFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_compiler_compiles_downloads_and_publishes_a_report_that_visitors_download(
    live_server, page, settings, accessibility_violations, tmp_path
):
    settings.GCM_STAFF_MFA_REQUIRED = False
    call = CallFactory(title="Regional review of the GCM in Europe")
    moderator = ModeratorFactory()
    for answer in ("Recruitment fees are banned in three countries.", "Wages are paid late."):
        consultations.input_approve(
            input=submitted_input(call=call, answer=answer, objectives=(6,)), by=moderator
        )
    follower = ProfileFactory().user
    CallFollower.objects.create(call=call, user=follower)
    report = Report.objects.create(call=call, title="What stakeholders said in Europe")
    compiler = ModeratorFactory(role="Report compiler")

    page.goto(f"{live_server.url}/en/accounts/login/")
    page.locator("#id_login").fill(compiler.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".account-nav__who")).to_contain_text(compiler.email)

    page.goto(f"{live_server.url}/en/admin/reviews/report/{report.pk}/change/")
    page.get_by_role("button", name="Compile report").click()
    # Tasks run in-process here: the version is compiled when the page comes back.
    expect(page.locator(".messagelist")).to_contain_text("Version 1 is being compiled")
    expect(page.locator(".field-state_and_progress").first).to_contain_text("done")
    with page.expect_download() as download:
        page.locator(".field-files a", has_text="PDF").first.click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    reader = pypdf.PdfReader(pdf)
    assert "What stakeholders said in Europe" in reader.pages[0].extract_text()

    page.get_by_role("button", name="Publish version 1").click()
    expect(page.locator(".messagelist")).to_contain_text("Version 1 is published")
    assert any(message.to == [follower.email] for message in mail.outbox)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/en/calls/{call.pk}/")
    reports = page.locator("section[aria-labelledby=reports-title]")
    expect(reports).to_contain_text("What stakeholders said in Europe")
    expect(reports).to_contain_text("compiled from 2 approved inputs")
    assert accessibility_violations() == []
    with page.expect_download() as download:
        reports.get_by_role("link", name="DOCX").click()
    assert download.value.suggested_filename == "What stakeholders said in Europe v1.docx"

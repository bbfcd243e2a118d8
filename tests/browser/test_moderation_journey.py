"""A moderator works three inputs through the queue in a real browser, in English and Arabic."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from consultations.models import Input
from tests.consultations.factories import CallFactory, submitted_input
from tests.factories import PASSWORD, ModeratorFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def decision_form(page, decision: str):
    return page.locator(f"form:has(input[name=decision][value={decision}])")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_moderator_approves_requests_changes_and_rejects_through_the_queue(
    live_server, page, settings, accessibility_violations, language
):
    settings.GCM_STAFF_MFA_REQUIRED = False
    call = CallFactory(title="Regional review of the GCM in Europe")
    first = submitted_input(call=call, answer="Recruitment fees are banned in three countries.")
    second = submitted_input(call=call, answer="Names of the workers we met: see below.")
    third = submitted_input(call=call, answer="Buy cheap visas at our agency!")
    moderator = ModeratorFactory()

    page.goto(f"{live_server.url}/{language}/accounts/login/")
    page.locator("#id_login").fill(moderator.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".account-nav__who")).to_contain_text(moderator.email)

    page.goto(f"{live_server.url}/{language}/admin/consultations/input/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.locator(".queue-counts a.selected")).to_contain_text("3")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text(first.reference)  # oldest first
    rows.first.locator("th a, td a").first.click()

    # First input: read it, approve it; the next one opens by itself.
    expect(page.locator(".review__answer")).to_contain_text("Recruitment fees are banned")
    assert accessibility_violations() == []
    decision_form(page, "approve").locator("button").click()
    expect(page.locator(".review__answer")).to_contain_text("Names of the workers")
    expect(page.locator(".messagelist")).to_contain_text(first.reference)

    # Second: ask the author to remove the names.
    page.locator(".review__decide details").nth(0).locator("summary").click()
    form = decision_form(page, "request_changes")
    form.locator("textarea").fill("Please remove the workers' names before we publish it.")
    form.locator("button").click()
    expect(page.locator(".review__answer")).to_contain_text("Buy cheap visas")

    # Third: reject it as spam; that was the last one, back to the queue.
    page.locator(".review__decide details").nth(1).locator("summary").click()
    form = decision_form(page, "reject")
    form.locator("select").select_option("spam")
    form.locator("button").click()
    expect(page.locator("#result_list")).to_have_count(0)
    expect(page.locator(".queue-counts a.selected")).to_contain_text("0")

    states = dict(Input.objects.values_list("pk", "state"))
    assert states == {
        first.pk: Input.State.APPROVED,
        second.pk: Input.State.CHANGES_REQUESTED,
        third.pk: Input.State.REJECTED,
    }
    subjects = sorted(message.subject for message in mail.outbox if "GCM-" in message.subject)
    assert any(second.reference in s and "Changes requested" in s for s in subjects)
    assert any(third.reference in s and "was not accepted" in s for s in subjects)
    assert any(first.reference in s and "is approved" in s for s in subjects)

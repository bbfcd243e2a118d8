"""The API's documentation and the token page in a real browser: the interactive reference
renders from the portal's own files, under a policy that allows no inline script."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_api_reference_renders_from_the_portal_alone(live_server, page, reference_data):
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else elsewhere.append(request.url)
        ),
    )

    page.goto(f"{live_server.url}/api/v1/docs/")

    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 30
    expect(page.get_by_text("GCM Stakeholder Portal API").first).to_be_visible()
    assert elsewhere == []


def test_a_stakeholder_makes_a_token_and_sees_it_once(live_server, page, reference_data):
    user = UserFactory()
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()

    page.goto(f"{live_server.url}/en/accounts/api-tokens/")
    page.get_by_label("Name of the new token").fill("Our case system")
    page.get_by_role("button", name="Create the token").click()

    key = page.get_by_role("textbox", name="Token", exact=True).input_value()
    assert key.startswith("gcm_")
    page.reload()
    expect(page.get_by_role("cell", name="Our case system", exact=True)).to_be_visible()
    assert key not in page.content()

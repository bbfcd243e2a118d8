"""A new stakeholder's first visit, in a real browser: sign up, verify, sign in, read in Arabic."""

import re

import pytest
from playwright.sync_api import expect

from tests.support import links_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Nairobi-inputs-2026"


def test_new_user_signs_up_verifies_by_email_signs_in_and_switches_to_arabic(
    live_server, page, mailoutbox, reference_data, accessibility_violations
):
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("link", name="Register", exact=True).click()

    page.get_by_label("Email").fill("wanjiru@example.org")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("Display name").fill("Wanjiru Kamau")
    page.get_by_label("Stakeholder group").select_option(label="Migrants")
    page.get_by_label("Country of residence").select_option(label="Kenya")
    page.get_by_label("I accept the").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["wanjiru@example.org"]
    confirm_link = next(link for link in links_in(mailoutbox[0].body) if "confirm-email" in link)
    page.goto(confirm_link)
    page.get_by_role("button", name="Confirm").click()

    page.get_by_label("Email").fill("wanjiru@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Signed in as wanjiru@example.org", exact=True)).to_be_visible()

    page.get_by_role("button", name="العربيّة").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert re.search(r"/ar/$", page.url)
    # The header starts on the right in a right-to-left page.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2
    assert accessibility_violations() == []


def test_keyboard_user_can_skip_to_the_main_content(live_server, page, reference_data):
    page.goto(f"{live_server.url}/en/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()


@pytest.mark.parametrize("path", ["/en/", "/ar/accounts/login/", "/fr/accounts/signup/"])
def test_pages_meet_wcag_21_aa_according_to_axe(
    live_server, page, reference_data, accessibility_violations, path
):
    page.goto(f"{live_server.url}{path}")

    assert accessibility_violations() == []

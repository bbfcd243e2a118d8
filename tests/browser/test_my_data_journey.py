"""A person's own data in a real browser: read what is kept, download "My data" (a ZIP),
delete the account, and find no trace of it on the site afterwards."""

import json
import zipfile

import pytest
from playwright.sync_api import expect

from consultations import services as consultations
from consultations.models import Input
from tests.consultations.factories import CallFactory, GuidingQuestionFactory, language, objective
from tests.factories import PASSWORD, ModeratorFactory, ProfileFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PUBLISHED = "Consular services must reach migrants in every district."
DRAFT = "Half-written thoughts on return and reintegration."


@pytest.fixture
def amina(reference_data):
    """A person with an input published with her name and a draft."""
    amina = ProfileFactory(display_name="Amina Diallo", city="Thiès").user
    call = CallFactory(code="ECA")
    question = GuidingQuestionFactory(call=call, text="What has worked?")
    published = consultations.input_create_draft(call=call, author=amina)
    consultations.input_save(
        input=published,
        by=amina,
        answers={question.pk: PUBLISHED},
        language=language("en"),
        objectives=[objective(14)],
        consent="public_named",
    )
    consultations.input_submit(input=published, by=amina)
    consultations.input_approve(input=published, by=ModeratorFactory())
    draft = consultations.input_create_draft(call=call, author=amina)
    consultations.input_save(input=draft, by=amina, answers={question.pk: DRAFT})
    amina.published = published
    return amina


def test_person_downloads_their_data_deletes_the_account_and_leaves_no_trace(
    live_server, page, amina, accessibility_violations
):
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.locator("#id_login").fill(amina.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    input_page = f"{live_server.url}/en/inputs/{amina.published.pk}/"
    page.goto(input_page)
    expect(page.locator("main")).to_contain_text("Amina Diallo")

    page.goto(f"{live_server.url}/en/accounts/my-data/")
    inputs = page.locator(".data-schema details").filter(
        has=page.locator("code", has_text="inputs")
    )
    inputs.first.locator("summary").click()  # what a section of the file holds
    expect(inputs.first.locator("dl")).to_contain_text("reference")
    assert accessibility_violations() == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data").click()
    assert download.value.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.value.path()) as archive:
        data = json.loads(archive.read("my-data.json"))
    sections = {section["key"]: section["records"] for section in data["sections"]}
    assert sections["profile"][0]["display_name"] == "Amina Diallo"
    assert {record["text"] for record in sections["answers"]} == {PUBLISHED, DRAFT}
    assert len(sections["inputs"]) == 2

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(
        page.get_by_text("Your account and your personal data have been deleted.")
    ).to_be_visible()

    # No trace: the published input stays without her name, her draft is gone, she cannot
    # sign in again.
    page.goto(input_page)
    expect(page.locator("main")).to_contain_text(PUBLISHED)
    expect(page.locator("main")).to_contain_text("Published without attribution")
    expect(page.locator("main")).not_to_contain_text("Amina Diallo")
    assert not Input.objects.filter(state="draft", author=amina).exists()
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.locator("#id_login").fill(amina.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("not correct")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_privacy_notice_lists_what_is_kept_readable_in_every_direction(
    live_server, page, reference_data, accessibility_violations, lang
):
    page.goto(f"{live_server.url}/{lang}/privacy/")

    rows = page.locator(".privacy-table tbody tr")
    assert rows.count() >= 20
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    assert accessibility_violations() == []

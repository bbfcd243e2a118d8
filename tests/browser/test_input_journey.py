"""Writing an input in a real browser: autosave, attachment, submission, receipt, edit, withdraw."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import Call, GuidingQuestion, Input
from stakeholders.models import Country, Language, Region, StakeholderGroup
from tests.factories import PASSWORD, ProfileFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def review_call(region_code: str, *, closes_in=timedelta(days=30)) -> Call:
    now = timezone.now()
    call = Call.objects.create(
        kind=Call.Kind.REGIONAL_REVIEW,
        code=region_code,
        title=f"Regional review {region_code}",
        summary="Share progress, gaps and recommendations.",
        region=Region.objects.get(code=region_code),
        opens_at=now - timedelta(days=5),
        closes_at=now + closes_in,
    )
    call.accepted_languages.set(Language.objects.all())
    GuidingQuestion.objects.create(call=call, position=1, text="What progress?", max_chars=500)
    GuidingQuestion.objects.create(call=call, position=2, text="What gaps remain?", max_chars=500)
    return call


def sign_in(page, live_server, email: str, language: str) -> None:
    page.goto(f"{live_server.url}/{language}/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".account-nav__who")).to_contain_text(email)


@pytest.mark.parametrize(
    ("language", "region", "country", "group", "first_answer"),
    [
        ("es", "ECLAC", "MX", "trade_unions", "Los sindicatos acompañan a las personas migrantes."),
        ("ar", "ESCWA", "JO", "civil_society", "تعمل منظمات المجتمع المدني مع المهاجرين."),
    ],
)
def test_author_drafts_leaves_returns_attaches_submits_edits_and_withdraws(
    live_server,
    page,
    browser,
    mailoutbox,
    reference_data,
    language,
    region,
    country,
    group,
    first_answer,
):
    call = review_call(region)
    author = ProfileFactory(
        preferred_language=language,
        country=Country.objects.get(code=country),
        stakeholder_group=StakeholderGroup.objects.get(code=group),
    ).user
    sign_in(page, live_server, author.email, language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")

    page.goto(f"{live_server.url}/{language}/calls/{call.pk}/")
    page.locator("form[action$='/inputs/new/'] button").click()
    first = page.locator("textarea").first
    first.fill(first_answer)
    # The draft saves itself: the status line says so, without a reload.
    expect(page.locator("[data-autosave-status]")).to_contain_text(":", timeout=15000)
    draft = Input.objects.get(author=author)
    assert draft.answers.get(question__position=1).text == first_answer

    # Leave (a new browser session), come back: the text is there.
    page.context.clear_cookies()
    sign_in(page, live_server, author.email, language)
    page.goto(f"{live_server.url}/{language}/accounts/inputs/")
    page.locator(f"a[href$='/inputs/{draft.pk}/edit/']").click()
    expect(page.locator("textarea").first).to_have_value(first_answer)

    page.locator("textarea").nth(1).fill("Access to services and documentation.")
    page.locator('input[name="objectives"]').first.check()
    page.locator("form.input-form button[name=save]").click()
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "informe.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}]
    )
    page.locator("#attachments form button[type=submit]").click()
    expect(page.locator("#attachments")).to_contain_text("informe.pdf")

    page.locator("form.input-form button[name=preview]").click()
    page.locator("#id_confirm").check()
    page.locator("form.submit-form button[type=submit]").click()
    reference = f"GCM-{timezone.now():%Y}-{region}-000001"
    expect(page.locator(".reference")).to_contain_text(reference)
    receipt = mailoutbox[-1]
    assert receipt.to == [author.email]
    assert reference in receipt.subject
    assert first_answer in receipt.body

    # Correct it after submitting: a new revision, still submitted.
    page.goto(f"{live_server.url}/{language}/inputs/{draft.pk}/edit/")
    page.locator("textarea").nth(1).fill("Access to services, documentation and justice.")
    page.locator("form.input-form button[name=save]").click()
    draft.refresh_from_db()
    assert draft.state == Input.State.SUBMITTED
    assert draft.revisions.count() == 2

    page.locator("form[action$='/withdraw/'] button").click()
    draft.refresh_from_db()
    assert draft.state == Input.State.WITHDRAWN


def test_after_the_deadline_the_draft_stays_readable_but_cannot_be_changed(
    live_server, page, reference_data
):
    call = review_call("ECE")
    author = ProfileFactory().user
    draft = Input.objects.create(call=call, author=author)
    draft.answers.create(question=call.questions.first(), text="Kept even after the deadline.")
    Call.objects.filter(pk=call.pk).update(
        opens_at=timezone.now() - timedelta(days=40), closes_at=timezone.now() - timedelta(hours=1)
    )
    sign_in(page, live_server, author.email, "en")

    page.goto(f"{live_server.url}/en/inputs/{draft.pk}/edit/")

    expect(page.locator(".message--warning")).to_contain_text("The call is closed")
    expect(page.locator("textarea").first).to_have_value("Kept even after the deadline.")
    expect(page.locator("form.input-form button[name=save]")).to_have_count(0)

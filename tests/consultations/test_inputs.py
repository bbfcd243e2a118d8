"""Writing, saving, submitting, correcting, withdrawing and attaching files to inputs."""

import html
import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from consultations import services
from consultations.models import (
    Attachment,
    Call,
    Input,
    InputRevision,
    InputTransition,
    ReferenceCounter,
)
from gcmportal.errors import DomainError
from notifications.models import OutgoingEmail
from stakeholders.models import Country, Membership, Region, StakeholderGroup
from tests.consultations.factories import (
    AuthorFactory,
    CallFactory,
    GuidingQuestionFactory,
    InputFactory,
    language,
    objective,
    submitted_input,
)
from tests.factories import FocalPointFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CLOSED_MESSAGE = "The call closed on"
STALE_MESSAGE = "changed in another window or tab"

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def url(name: str, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def page_text(response) -> str:
    """The page as a reader sees its text (entities decoded)."""
    return html.unescape(response.content.decode())


def closed(call: Call) -> Call:
    """Move a call's deadline into the past, as time passing would."""
    now = timezone.now()
    Call.objects.filter(pk=call.pk).update(
        opens_at=now - timedelta(days=10), closes_at=now - timedelta(minutes=1)
    )
    call.refresh_from_db()
    return call


def draft_for(call: Call | None = None, **kwargs) -> Input:
    """A draft started through the service, by a new author unless one is given."""
    call = call or CallFactory()
    if not call.questions.exists():
        GuidingQuestionFactory(call=call)
    author = kwargs.pop("author", None) or AuthorFactory(**kwargs)
    return services.input_create_draft(call=call, author=author)


def form_data(input: Input, **changes) -> dict:
    """What the input form posts: the page's version and every field."""
    data = {
        "version": input.version,
        "language": language("en").pk,
        "objectives": [objective(1).pk],
        "on_behalf": Input.OnBehalf.SELF,
        "consent": Input.Consent.PUBLIC_NAMED,
    }
    for question in input.call.questions.all():
        data[f"answer_{question.pk}"] = ""
    data.update(changes)
    return data


def answer_text(input: Input, question) -> str:
    return input.answers.get(question=question).text


# --- Starting a draft ---------------------------------------------------------------------------


def test_draft_in_an_open_call_starts_from_the_call_page_in_the_authors_language(client, post):
    call = CallFactory()
    GuidingQuestionFactory(call=call)
    author = AuthorFactory(profile__preferred_language="fr")
    client.force_login(author)

    response = post(url("input_start", pk=call.pk))

    draft = Input.objects.get(author=author)
    assert response["Location"] == url("input_edit", pk=draft.pk)
    assert draft.state == Input.State.DRAFT
    assert draft.reference is None
    assert draft.language == language("fr")
    assert client.get(url("input_edit", pk=draft.pk)).status_code == 200


@pytest.mark.parametrize(
    ("opens_in", "closes_in"),
    [(timedelta(days=2), timedelta(days=30)), (timedelta(days=-30), timedelta(days=-1))],
    ids=["upcoming", "closed"],
)
def test_draft_in_a_call_that_is_not_open_is_refused(client, post, opens_in, closes_in):
    now = timezone.now()
    call = CallFactory(opens_at=now + opens_in, closes_at=now + closes_in)
    author = AuthorFactory()
    client.force_login(author)

    with pytest.raises(DomainError, match=re.escape("This call is not open for inputs.")):
        services.input_create_draft(call=call, author=author)
    response = post(url("input_start", pk=call.pk), follow=True)

    assert "This call is not open for inputs." in page_text(response)
    assert not Input.objects.exists()


@pytest.mark.parametrize(
    "membership",
    [None, "pending organisation", "requested membership", "removed membership"],
)
def test_draft_for_verified_organisations_only_is_refused_to_others_with_a_clear_message(
    client, post, membership
):
    call = CallFactory(eligibility=Call.Eligibility.ORGANISATIONS)
    author = AuthorFactory()
    if membership == "pending organisation":
        MembershipFactory(user=author, organisation__verification_status="pending")
    elif membership == "requested membership":
        MembershipFactory(user=author, state=Membership.State.PENDING)
    elif membership == "removed membership":
        MembershipFactory(user=author, state=Membership.State.REMOVED)
    client.force_login(author)

    with pytest.raises(DomainError, match="accepts inputs from verified organisations only"):
        services.input_create_draft(call=call, author=author)
    response = post(url("input_start", pk=call.pk), follow=True)

    assert "This call accepts inputs from verified organisations only." in page_text(response)
    assert not Input.objects.exists()


def test_draft_for_verified_organisations_only_speaks_for_the_members_organisation():
    call = CallFactory(eligibility=Call.Eligibility.ORGANISATIONS)
    membership = MembershipFactory(user=AuthorFactory())

    draft = services.input_create_draft(call=call, author=membership.user)

    assert draft.on_behalf == Input.OnBehalf.ORGANISATION
    assert draft.organisation == membership.organisation


@pytest.mark.parametrize("claim", [None, "pending", "rejected"])
def test_draft_for_focal_points_only_is_refused_to_others_with_a_clear_message(claim):
    call = CallFactory(eligibility=Call.Eligibility.FOCAL_POINTS)
    author = AuthorFactory()
    if claim:
        FocalPointFactory(user=author, verification_status=claim)

    with pytest.raises(DomainError) as refused:
        services.input_create_draft(call=call, author=author)

    assert refused.value.message == (
        "This call accepts inputs from verified government focal points only."
    )
    assert not Input.objects.exists()


def test_draft_for_focal_points_only_speaks_for_the_verified_focal_points_state():
    call = CallFactory(eligibility=Call.Eligibility.FOCAL_POINTS)
    focal_point = FocalPointFactory(user=AuthorFactory(), verification_status="verified")

    draft = services.input_create_draft(call=call, author=focal_point.user)

    assert draft.on_behalf == Input.OnBehalf.STATE
    assert draft.state_country == focal_point.country


# --- Saving -------------------------------------------------------------------------------------


def test_saving_the_form_keeps_answers_language_objectives_principles_and_consent(client, post):
    call = CallFactory()
    first = GuidingQuestionFactory(call=call, position=1)
    second = GuidingQuestionFactory(call=call, position=2, required=False)
    draft = draft_for(call)
    client.force_login(draft.author)

    response = post(
        url("input_edit", pk=draft.pk),
        form_data(
            draft,
            **{
                f"answer_{first.pk}": "Firewalls between services and immigration enforcement.",
                f"answer_{second.pk}": "Les villes accueillantes montrent la voie.",
                "language": language("fr").pk,
                "objectives": [objective(7).pk, objective(15).pk],
                "consent": Input.Consent.PUBLIC_ANONYMOUS,
            },
        ),
        follow=True,
    )

    assert "Your draft is saved." in page_text(response)
    draft.refresh_from_db()
    assert draft.state == Input.State.DRAFT
    assert answer_text(draft, first) == "Firewalls between services and immigration enforcement."
    assert answer_text(draft, second) == "Les villes accueillantes montrent la voie."
    assert draft.language == language("fr")
    assert sorted(draft.objectives.values_list("number", flat=True)) == [7, 15]
    assert draft.consent == Input.Consent.PUBLIC_ANONYMOUS
    # What was saved is what the author finds when coming back.
    page = page_text(client.get(url("input_edit", pk=draft.pk)))
    assert "Les villes accueillantes montrent la voie." in page


def test_saving_from_a_second_tab_with_an_old_version_overwrites_nothing(client, post):
    call = CallFactory()
    question = GuidingQuestionFactory(call=call)
    draft = draft_for(call)
    client.force_login(draft.author)
    # Both tabs show the same version of the draft.
    first_tab = form_data(draft, **{f"answer_{question.pk}": "Text typed in the first tab."})
    second_tab = form_data(draft, **{f"answer_{question.pk}": "Text typed in the second tab."})

    assert post(url("input_edit", pk=draft.pk), first_tab).status_code == 302
    response = post(url("input_edit", pk=draft.pk), second_tab)

    assert response.status_code == 200
    assert STALE_MESSAGE in page_text(response)
    # The refused text stays in the form, so the author can copy it.
    assert "Text typed in the second tab." in page_text(response)
    assert answer_text(draft, question) == "Text typed in the first tab."


def test_saving_with_a_stale_version_through_the_service_is_refused():
    draft = draft_for()
    question = draft.call.questions.get()
    services.input_save(input=draft, by=draft.author, answers={question.pk: "First."}, version=1)

    with pytest.raises(DomainError, match=STALE_MESSAGE):
        services.input_save(
            input=draft, by=draft.author, answers={question.pk: "Second."}, version=1
        )

    assert answer_text(draft, question) == "First."


def test_answer_over_the_limit_is_kept_in_the_draft_but_stops_the_submission():
    call = CallFactory()
    question = GuidingQuestionFactory(call=call, max_chars=100)
    draft = draft_for(call)
    long_answer = "word " * 60  # 300 characters: three times the limit

    services.input_save(
        input=draft,
        by=draft.author,
        answers={question.pk: long_answer},
        objectives=[objective(1)],
    )

    assert answer_text(draft, question) == long_answer  # nothing typed is lost
    problems = services.input_problems(draft)
    assert list(problems) == [f"answer_{question.pk}"]
    assert "the limit is 100" in problems[f"answer_{question.pk}"][0]
    with pytest.raises(services.InputNotReady):
        services.input_submit(input=draft, by=draft.author)
    draft.refresh_from_db()
    assert draft.state == Input.State.DRAFT


def test_input_problems_names_each_missing_required_answer_and_the_missing_tags():
    call = CallFactory()
    first = GuidingQuestionFactory(call=call, position=1)
    optional = GuidingQuestionFactory(call=call, position=2, required=False)
    third = GuidingQuestionFactory(call=call, position=3)
    draft = InputFactory(call=call, language=None)
    services.input_save(input=draft, by=draft.author, answers={first.pk: "   "})

    problems = services.input_problems(draft)

    assert problems[f"answer_{first.pk}"] == ["This question needs an answer."]
    assert problems[f"answer_{third.pk}"] == ["This question needs an answer."]
    assert f"answer_{optional.pk}" not in problems
    assert problems["language"] == ["Choose the language of your input."]
    assert problems["objectives"] == ["Choose at least one objective your input addresses."]


def test_preview_lists_what_stops_the_submission_and_submits_nothing(client, post):
    call = CallFactory()
    GuidingQuestionFactory(call=call, text="What progress has your city made?")
    draft = draft_for(call)
    client.force_login(draft.author)

    preview = page_text(client.get(url("input_preview", pk=draft.pk)))
    response = post(url("input_preview", pk=draft.pk), {"confirm": "1"})

    assert "This question needs an answer." in preview
    assert "Submit my input" not in preview
    assert response.status_code == 200
    assert "This question needs an answer." in page_text(response)
    draft.refresh_from_db()
    assert draft.state == Input.State.DRAFT
    assert draft.reference is None
    assert not mail.outbox


def test_call_not_accepting_the_chosen_language_stops_the_submission():
    call = CallFactory(accepted_languages=["en", "fr"])
    draft = draft_for(call)

    saved = services.input_save(input=draft, by=draft.author, answers={}, language=language("ar"))

    assert services.input_problems(saved)["language"] == [
        "This call does not accept inputs in this language."
    ]


# --- Submitting ---------------------------------------------------------------------------------


def test_submission_references_count_up_per_year_and_call_code():
    call = CallFactory(code="ECE")
    year = timezone.now().year

    first = submitted_input(call=call)
    second = submitted_input(call=call)
    other_call = submitted_input(call=CallFactory(code="escwa"))

    assert first.reference == f"GCM-{year}-ECE-000001"
    assert second.reference == f"GCM-{year}-ECE-000002"
    assert other_call.reference == f"GCM-{year}-ESCWA-000001"


def test_submitting_from_the_preview_sends_a_receipt_with_the_reference_and_a_copy(client, post):
    call = CallFactory(title="Regional review of the GCM in Europe")
    question = GuidingQuestionFactory(call=call, text="Which challenges and gaps remain?")
    draft = draft_for(call)
    services.input_save(
        input=draft,
        by=draft.author,
        answers={question.pk: "Children in detention at the borders."},
        objectives=[objective(13)],
    )
    client.force_login(draft.author)

    response = post(url("input_preview", pk=draft.pk), {"confirm": "1"})

    draft.refresh_from_db()
    assert draft.state == Input.State.SUBMITTED
    assert response["Location"] == url("input_receipt", pk=draft.pk)
    receipt_page = page_text(client.get(url("input_receipt", pk=draft.pk)))
    assert draft.reference in receipt_page
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert receipt.to == [draft.author.email]
    assert draft.reference in receipt.subject
    assert "Which challenges and gaps remain?" in receipt.body
    assert "Children in detention at the borders." in receipt.body
    assert f"/en/inputs/{draft.pk}/receipt/" in receipt.body


def test_submitting_without_ticking_the_confirmation_submits_nothing(client, post):
    draft = draft_for()
    client.force_login(draft.author)

    response = post(url("input_preview", pk=draft.pk), {}, follow=True)

    assert "Tick the box to confirm before you submit." in page_text(response)
    draft.refresh_from_db()
    assert draft.state == Input.State.DRAFT


def test_submission_keeps_the_authors_group_country_and_regions_as_they_were(reference_data):
    author = AuthorFactory(
        profile__country=Country.objects.get(code="SN"),
        profile__stakeholder_group=StakeholderGroup.objects.get(code="civil_society"),
    )

    submitted = submitted_input(author=author)
    author.profile.country = Country.objects.get(code="MX")
    author.profile.stakeholder_group = StakeholderGroup.objects.get(code="trade_unions")
    author.profile.save()

    submitted.refresh_from_db()
    assert submitted.author_country.code == "SN"
    assert submitted.author_group.code == "civil_society"
    assert list(submitted.author_regions.values_list("code", flat=True)) == ["ECA"]


def test_submission_tags_only_the_regions_the_authors_country_lies_in(client, reference_data):
    author = AuthorFactory(profile__country=Country.objects.get(code="FR"))
    submitted = submitted_input(call=CallFactory(pre_moderation=False), author=author)

    eclac = client.get(url("input_list"), {"region": Region.objects.get(code="ECLAC").pk})

    assert list(submitted.author_regions.values_list("code", flat=True)) == ["ECE"]
    assert submitted.reference not in page_text(eclac)


def test_submission_records_the_transition_and_a_first_revision():
    submitted = submitted_input(answer="Decent work for migrant domestic workers.")

    transition = InputTransition.objects.get(input=submitted)
    assert (transition.from_state, transition.to_state) == ("draft", "submitted")
    assert transition.by == submitted.author
    revision = InputRevision.objects.get(input=submitted)
    assert revision.number == 1
    assert revision.created_by == submitted.author
    assert list(revision.content["answers"].values()) == [
        "Decent work for migrant domestic workers."
    ]
    assert revision.content["objectives"] == [1]
    assert submitted.submitted_at is not None


def test_receipt_is_written_in_the_authors_preferred_language(django_capture_on_commit_callbacks):
    author = AuthorFactory(profile__preferred_language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        submitted = submitted_input(author=author, language_code="fr")

    receipt = mail.outbox[-1]
    assert submitted.reference in receipt.subject
    with translation.override("fr"):
        # French once the translation exists; the English text meanwhile.
        expected = gettext("Your input %(reference)s was received") % {
            "reference": submitted.reference
        }
    assert receipt.subject == expected
    assert f"/fr/inputs/{submitted.pk}/receipt/" in receipt.body


def test_submitting_twice_creates_one_reference_and_one_receipt(client, post):
    draft = draft_for()
    question = draft.call.questions.get()
    services.input_save(
        input=draft, by=draft.author, answers={question.pk: "Text."}, objectives=[objective(2)]
    )
    client.force_login(draft.author)

    first = post(url("input_preview", pk=draft.pk), {"confirm": "1"})
    second = post(url("input_preview", pk=draft.pk), {"confirm": "1"})

    assert first["Location"] == second["Location"] == url("input_receipt", pk=draft.pk)
    draft.refresh_from_db()
    assert draft.reference.endswith("-000001")
    assert ReferenceCounter.objects.get().last == 1
    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.filter(kind="input_receipt").count() == 1
    assert draft.transitions.count() == 1


@pytest.mark.parametrize(
    ("pre_moderation", "published"),
    [(False, True), (True, False)],
    ids=["without pre-moderation", "with pre-moderation"],
)
def test_submission_publishes_at_once_only_without_pre_moderation(pre_moderation, published):
    submitted = submitted_input(call=CallFactory(pre_moderation=pre_moderation))

    assert (submitted.published_at is not None) is published
    assert Input.objects.published().filter(pk=submitted.pk).exists() is published


def test_input_not_for_publication_is_never_published():
    call = CallFactory(pre_moderation=False)

    private = submitted_input(call=call, consent=Input.Consent.PRIVATE)
    public = submitted_input(call=call, consent=Input.Consent.PUBLIC_ANONYMOUS)

    assert private.state == Input.State.SUBMITTED
    assert list(Input.objects.published()) == [public]


# --- After the deadline -------------------------------------------------------------------------


def test_saving_after_the_call_closed_is_refused_and_the_draft_kept():
    draft = draft_for()
    question = draft.call.questions.get()
    services.input_save(input=draft, by=draft.author, answers={question.pk: "Before closing."})
    closed(draft.call)

    with pytest.raises(DomainError, match=CLOSED_MESSAGE):
        services.input_save(input=draft, by=draft.author, answers={question.pk: "Too late."})

    assert answer_text(draft, question) == "Before closing."


def test_submitting_after_the_call_closed_is_refused_with_the_closing_date(client, post):
    draft = draft_for()
    question = draft.call.questions.get()
    services.input_save(
        input=draft, by=draft.author, answers={question.pk: "Ready."}, objectives=[objective(3)]
    )
    call = closed(draft.call)
    client.force_login(draft.author)

    with pytest.raises(DomainError, match=CLOSED_MESSAGE):
        services.input_submit(input=draft, by=draft.author)
    response = post(url("input_preview", pk=draft.pk), {"confirm": "1"}, follow=True)

    page = page_text(response)
    assert CLOSED_MESSAGE in page
    assert call.closes_at.strftime("%Y-%m-%d %H:%M") in page
    draft.refresh_from_db()
    assert draft.state == Input.State.DRAFT
    assert draft.reference is None
    assert not mail.outbox


def test_draft_of_a_closed_call_stays_readable_on_its_edit_page(client, post):
    draft = draft_for()
    question = draft.call.questions.get()
    services.input_save(
        input=draft, by=draft.author, answers={question.pk: "My unsent contribution."}
    )
    closed(draft.call)
    client.force_login(draft.author)

    response = client.get(url("input_edit", pk=draft.pk))
    refused = post(
        url("input_edit", pk=draft.pk),
        form_data(draft, **{f"answer_{question.pk}": "Changed after the deadline."}),
        follow=True,
    )

    assert response.status_code == 200
    page = page_text(response)
    assert "My unsent contribution." in page
    assert "The call is closed: this input can no longer be changed or submitted." in page
    assert "Save draft" not in page
    assert "The call is closed: your text was not saved here." in page_text(refused)
    assert answer_text(draft, question) == "My unsent contribution."


def test_attaching_after_the_call_closed_is_refused(client, post, settings):
    draft = draft_for()
    closed(draft.call)
    client.force_login(draft.author)

    response = post(
        url("input_attach", pk=draft.pk),
        {"file": SimpleUploadedFile("late.pdf", MINIMAL_PDF, "application/pdf")},
        follow=True,
    )

    assert "“late.pdf” was not attached: The call closed on" in page_text(response)
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


# --- After submission ---------------------------------------------------------------------------


def test_editing_a_submitted_input_keeps_a_revision_of_each_save(client, post):
    submitted = submitted_input(answer="First wording.")
    question = submitted.call.questions.get()
    client.force_login(submitted.author)

    for text in ["Second wording.", "Third wording."]:
        submitted.refresh_from_db()
        response = post(
            url("input_edit", pk=submitted.pk),
            form_data(submitted, **{f"answer_{question.pk}": text}),
            follow=True,
        )
        assert "Your changes are saved and kept as a revision." in page_text(response)

    submitted.refresh_from_db()
    assert submitted.state == Input.State.SUBMITTED
    assert [
        revision.content["answers"][str(question.pk)] for revision in submitted.revisions.all()
    ] == ["First wording.", "Second wording.", "Third wording."]


def test_attaching_a_file_to_a_submitted_input_keeps_a_revision(client, post):
    submitted = submitted_input()
    client.force_login(submitted.author)

    attach(post, submitted, "late annex.pdf", MINIMAL_PDF, "application/pdf")

    latest = submitted.revisions.order_by("number").last()
    assert latest.number == 2
    assert latest.content["attachments"] == ["late annex.pdf"]


def test_withdrawing_a_published_input_unpublishes_it(client, post):
    submitted = submitted_input(call=CallFactory(pre_moderation=False))
    assert Input.objects.published().filter(pk=submitted.pk).exists()
    client.force_login(submitted.author)

    response = post(url("input_withdraw", pk=submitted.pk), follow=True)

    assert f"Your input {submitted.reference} is withdrawn." in page_text(response)
    submitted.refresh_from_db()
    assert submitted.state == Input.State.WITHDRAWN
    assert submitted.published_at is None
    assert not Input.objects.published().exists()
    assert submitted.transitions.last().to_state == Input.State.WITHDRAWN
    assert client.get(url("input_detail", pk=submitted.pk)).status_code == 200  # its author
    client.logout()
    assert client.get(url("input_detail", pk=submitted.pk)).status_code == 404


def test_a_draft_can_be_deleted_by_its_author(client, post):
    draft = draft_for()
    client.force_login(draft.author)

    response = post(url("input_delete", pk=draft.pk), follow=True)

    assert "The draft is deleted." in page_text(response)
    assert not Input.objects.filter(pk=draft.pk).exists()


def test_a_submitted_input_cannot_be_deleted_only_withdrawn(client, post):
    submitted = submitted_input()
    client.force_login(submitted.author)

    response = post(url("input_delete", pk=submitted.pk), follow=True)

    assert "Only drafts can be deleted; withdraw a submitted input." in page_text(response)
    submitted.refresh_from_db()
    assert submitted.state == Input.State.SUBMITTED


def test_a_draft_cannot_be_withdrawn_only_deleted():
    draft = draft_for()

    with pytest.raises(DomainError, match=re.escape("A draft is not submitted: delete it")):
        services.input_withdraw(input=draft, by=draft.author)


# --- On behalf of an organisation ---------------------------------------------------------------


def test_input_on_behalf_of_a_verified_organisation_is_submitted_for_it():
    membership = MembershipFactory(user=AuthorFactory())

    submitted = submitted_input(
        author=membership.user,
        on_behalf=Input.OnBehalf.ORGANISATION,
        organisation=membership.organisation,
    )

    assert submitted.state == Input.State.SUBMITTED
    assert submitted.on_behalf == Input.OnBehalf.ORGANISATION
    assert submitted.organisation == membership.organisation


@pytest.mark.parametrize(
    ("verification_status", "membership_state"),
    [
        ("pending", Membership.State.ACTIVE),
        ("rejected", Membership.State.ACTIVE),
        ("verified", Membership.State.REMOVED),
        ("verified", Membership.State.PENDING),
    ],
    ids=["pending organisation", "rejected organisation", "removed member", "requested member"],
)
def test_input_on_behalf_of_an_organisation_the_user_may_not_speak_for_is_refused(
    verification_status, membership_state
):
    author = AuthorFactory()
    MembershipFactory(user=author)  # a verified organisation: "on behalf of" is offered
    other = MembershipFactory(
        user=author,
        state=membership_state,
        organisation=OrganisationFactory(
            verification_status=verification_status,
            verification_reason="Not confirmed." if verification_status == "rejected" else "",
        ),
    ).organisation
    draft = draft_for(author=author)
    version = draft.version

    with pytest.raises(DomainError) as refused:
        services.input_save(
            input=draft,
            by=author,
            answers={},
            on_behalf=Input.OnBehalf.ORGANISATION,
            organisation=other,
        )

    assert refused.value.message == (
        "You can only submit for a verified organisation you are an active member of."
    )
    draft.refresh_from_db()
    assert draft.organisation is None
    assert draft.version == version


@pytest.mark.parametrize("verification_status", ["pending", "rejected"])
def test_input_on_behalf_of_an_unverified_only_organisation_is_refused(verification_status):
    author = AuthorFactory()
    organisation = OrganisationFactory(
        verification_status=verification_status,
        verification_reason="Not confirmed." if verification_status == "rejected" else "",
    )
    MembershipFactory(user=author, organisation=organisation)
    draft = draft_for(author=author)

    with pytest.raises(DomainError):
        services.input_save(
            input=draft,
            by=author,
            answers={},
            on_behalf=Input.OnBehalf.ORGANISATION,
            organisation=organisation,
        )

    draft.refresh_from_db()
    assert draft.on_behalf == Input.OnBehalf.SELF
    assert draft.organisation is None


def test_membership_removed_before_submission_stops_the_submission():
    membership = MembershipFactory(user=AuthorFactory())
    draft = draft_for(author=membership.user)
    question = draft.call.questions.get()
    services.input_save(
        input=draft,
        by=membership.user,
        answers={question.pk: "Our network's view."},
        objectives=[objective(16)],
        on_behalf=Input.OnBehalf.ORGANISATION,
        organisation=membership.organisation,
    )
    membership.state = Membership.State.REMOVED
    membership.save()

    with pytest.raises(DomainError):
        services.input_submit(input=draft, by=membership.user)

    draft.refresh_from_db()
    assert draft.state == Input.State.DRAFT
    assert draft.reference is None


# --- Attachments --------------------------------------------------------------------------------


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Our recommendations</w:t>'
            "</w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype comes first and uncompressed, as the OpenDocument format requires.
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr(
            "content.xml",
            '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
            'opendocument:xmlns:office:1.0"><office:body><office:text>Nos recommandations'
            "</office:text></office:body></office:document-content>",
            zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


def zip_bomb_bytes() -> bytes:
    """A "document" whose one member unpacks to 200 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(200):
                member.write(chunk)
    return buffer.getvalue()


def stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def attach(post, input: Input, name: str, content: bytes, content_type: str):
    return post(
        url("input_attach", pk=input.pk),
        {"file": SimpleUploadedFile(name, content, content_type)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("position paper.pdf", MINIMAL_PDF, "application/pdf"),
        (
            "recommendations.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("recommandations.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
        (
            "notes.txt",
            "Données sur les migrations — été 2026\n".encode(),
            "text/plain; charset=utf-8",
        ),
    ],
    ids=["pdf", "docx", "odt", "txt"],
)
def test_attaching_a_document_keeps_it_under_a_random_name(
    client, post, settings, name, content, content_type
):
    draft = draft_for()
    client.force_login(draft.author)

    response = attach(post, draft, name, content, "application/octet-stream")

    assert "The file is attached." in page_text(response)
    assert name in page_text(response)
    attachment = Attachment.objects.get(input=draft)
    assert attachment.original_name == name
    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    stored = Path(attachment.file.name)
    assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|docx|odt|txt)", stored.name), stored.name
    assert Path(name).stem not in attachment.file.name
    assert stored_files(settings) == [Path(settings.MEDIA_ROOT) / attachment.file.name]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "report.pdf",
            lambda: b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 64,
            "This file is not a PDF, Word (DOCX), OpenDocument (ODT) or plain text file.",
        ),
        (
            "notes.txt",
            lambda: b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4,
            "This file is not a PDF, Word (DOCX), OpenDocument (ODT) or plain text file.",
        ),
        ("recommendations.docx", zip_bomb_bytes, "This document is damaged or unsafe to open."),
        ("annex.txt", lambda: b"a" * (11 * 1024 * 1024), "This file is larger than 10 MB."),
    ],
    ids=["exe named pdf", "binary named txt", "zip bomb named docx", "11 MB"],
)
def test_attaching_a_file_that_is_not_an_accepted_document_stores_nothing(
    client, post, settings, name, content, reason
):
    draft = draft_for()
    client.force_login(draft.author)

    # The browser's claimed type changes nothing: the content decides.
    response = attach(post, draft, name, content(), "application/pdf")

    assert f"“{name}” was not attached: {reason}" in page_text(response)
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_attaching_a_sixth_file_is_refused(client, post, settings):
    draft = draft_for()
    client.force_login(draft.author)
    for number in range(5):
        attach(post, draft, f"annex {number}.pdf", MINIMAL_PDF, "application/pdf")

    response = attach(post, draft, "annex 5.pdf", MINIMAL_PDF, "application/pdf")

    assert "“annex 5.pdf” was not attached: An input can have at most 5 attachments." in (
        page_text(response)
    )
    assert draft.attachments.count() == 5
    assert len(stored_files(settings)) == 5


def test_attachment_download_serves_the_original_name_and_content(client, post):
    draft = draft_for()
    client.force_login(draft.author)
    # One copy of the file: two builds a second apart differ by their zip timestamps.
    document = docx_bytes()
    attach(post, draft, "Rapport final.docx", document, "application/octet-stream")
    attachment = Attachment.objects.get()

    response = client.get(url("attachment_download", pk=attachment.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == document
    assert response["Content-Type"] == attachment.content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Rapport final.docx"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_removing_an_attachment_deletes_it_and_its_file(client, post, settings):
    draft = draft_for()
    client.force_login(draft.author)
    attach(post, draft, "annex.pdf", MINIMAL_PDF, "application/pdf")
    attachment = Attachment.objects.get()

    response = post(url("attachment_delete", pk=attachment.pk), follow=True)

    assert response.status_code == 200
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []
    assert "No file attached." in page_text(response)

"""Moderation in the Django admin: the queue, the review page, bulk actions, roles, the
decision log and its export, in every language."""

import csv
import html
import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from consultations import services
from consultations.models import Input, InputTransition, ModerationScope
from tests.consultations.factories import CallFactory, submitted_input
from tests.factories import (
    FocalPointFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    ProfileFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

QUEUE = "admin:consultations_input_changelist"
LOG = "admin:consultations_inputtransition_changelist"


def url(name: str, *args, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name, args=args or None)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture(autouse=True)
def _no_mfa_in_these_tests(settings):
    """MFA is enforced for the admin (tests/gcmportal/test_admin_site.py); here it is not the
    subject."""
    settings.GCM_STAFF_MFA_REQUIRED = False


@pytest.fixture
def moderator(client):
    user = ModeratorFactory()
    client.force_login(user)
    return user


def review_url(input: Input, filters: str = "") -> str:
    address = url("admin:consultations_input_change", input.pk)
    return f"{address}?_changelist_filters={filters}" if filters else address


def moderate(client, input: Input, decision: str, follow: bool = False, **data):
    return client.post(
        url("admin:consultations_input_moderate", input.pk),
        {"decision": decision, "version": input.version, **data},
        follow=follow,
    )


# --- The queue -----------------------------------------------------------------------------------


def test_queue_lists_waiting_inputs_oldest_first_with_counts_per_state(client, moderator):
    first, second, third = submitted_input(), submitted_input(), submitted_input()
    services.input_approve(input=third, by=moderator)
    draft_author = ProfileFactory().user
    services.input_create_draft(call=first.call, author=draft_author)

    page = text_of(client.get(url(QUEUE)))

    assert page.index(first.reference) < page.index(second.reference)
    assert third.reference not in page  # the queue opens on what waits for a decision
    assert "Draft" not in page
    assert "Submitted <strong>2</strong>" in " ".join(page.split())
    assert "Approved <strong>1</strong>" in " ".join(page.split())

    everything = text_of(client.get(url(QUEUE), {"state": "all"}))
    assert third.reference in everything
    approved = text_of(client.get(url(QUEUE), {"state": "approved"}))
    assert third.reference in approved and first.reference not in approved


def test_queue_shows_who_speaks_for_whom_and_the_snapshot_of_the_author(client, moderator):
    member = MembershipFactory(organisation=OrganisationFactory(name="Red Sindical Migrante"))
    ProfileFactory(user=member.user, display_name="Lucía Hernández")
    input = submitted_input(
        author=member.user, on_behalf="organisation", organisation=member.organisation
    )

    page = text_of(client.get(url(QUEUE)))

    assert "Red Sindical Migrante" in page
    assert "Lucía Hernández" in page
    assert input.author_group.name in page
    assert str(input.author_country) in page


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        ({"objective": "objective-5"}, ["on objective 5"]),
        ({"attachments": "yes"}, ["with an annex"]),
        ({"attachments": "no"}, ["on objective 5", "in French", "in the other call"]),
        ({"language__id__exact": "french"}, ["in French"]),
        ({"q": "annex"}, ["with an annex"]),
        ({"q": "Lucía"}, ["in the other call"]),
        ({"consent__exact": "private"}, ["in French"]),
    ],
)
def test_queue_filters_and_search(client, moderator, parameters, expected):
    inputs = {
        "on objective 5": submitted_input(answer="An input on objective 5.", objectives=(5,)),
        "in French": submitted_input(
            answer="Une contribution en français.", language_code="fr", consent="private"
        ),
        "in the other call": submitted_input(
            call=CallFactory(code="ECA"),
            answer="An input to another call.",
            author=ProfileFactory(display_name="Lucía Ramos").user,
        ),
    }
    annexed = submitted_input(answer="An input with an annex.")
    annexed.attachments.create(
        file="attachments/annex.pdf",
        original_name="annex.pdf",
        content_type="application/pdf",
        size=9,
    )
    inputs["with an annex"] = annexed
    objective_5 = inputs["on objective 5"].objectives.get()
    french = inputs["in French"].language
    references = {"objective-5": str(objective_5.pk), "french": str(french.pk)}
    parameters = {key: references.get(value, value) for key, value in parameters.items()}

    page = text_of(client.get(url(QUEUE), parameters))

    for name, input in inputs.items():
        assert (input.reference in page) == (name in expected), name


def test_queue_searches_by_reference_and_by_call(client, moderator):
    wanted = submitted_input()
    other = submitted_input(call=CallFactory(code="ECA"))

    by_reference = text_of(client.get(url(QUEUE), {"q": wanted.reference}))
    by_call = text_of(client.get(url(QUEUE), {"call__id__exact": other.call.pk}))

    assert wanted.reference in by_reference and other.reference not in by_reference
    assert other.reference in by_call and wanted.reference not in by_call


def test_queue_by_region_uses_the_authors_region(client, moderator, reference_data):
    european = submitted_input(author=ProfileFactory(country__code="FR").user)
    african = submitted_input(author=ProfileFactory(country__code="KE").user)
    ece = RegionFactory(code="ECE")

    page = text_of(client.get(url(QUEUE), {"region": ece.pk}))

    assert european.reference in page
    assert african.reference not in page


def queue_queries(client, count: int) -> int:
    for _ in range(count):
        input = submitted_input(author=MembershipFactory().user, objectives=(1, 2), principles=(3,))
        input.attachments.create(
            file="attachments/a.pdf", original_name="a.pdf", content_type="application/pdf", size=1
        )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(QUEUE), {"state": "all"})
    assert response.status_code == 200
    return len(queries)


def test_queue_runs_the_same_number_of_queries_whatever_the_number_of_inputs(client, moderator):
    few = queue_queries(client, 3)
    many = queue_queries(client, 30)

    assert few == many


# --- The review page ---------------------------------------------------------------------------


def test_review_page_shows_answers_tags_attachments_author_and_history(client, moderator):
    organisation = OrganisationFactory(name="Kenya Migrant Workers Network")
    member = MembershipFactory(organisation=organisation)
    ProfileFactory(user=member.user, display_name="Wanjiru Kamau")
    input = submitted_input(
        author=member.user,
        answer="Recruitment fees are still charged through sub-agents.",
        objectives=(6,),
        on_behalf="organisation",
        organisation=organisation,
    )
    earlier = submitted_input(call=CallFactory(code="ECA"), author=member.user)
    attachment = input.attachments.create(
        file="attachments/x.pdf",
        original_name="evidence.pdf",
        content_type="application/pdf",
        size=9,
    )
    services.input_note_add(input=input, by=moderator, text="Compare with the 2022 input.")

    page = text_of(client.get(review_url(input)))

    question = input.call.questions.get()
    assert question.text in page
    assert "Recruitment fees are still charged through sub-agents." in page
    assert str(input.objectives.get()) in page
    assert "evidence.pdf" in page
    assert url("attachment_download", attachment.pk) in page
    assert "Kenya Migrant Workers Network" in page
    assert "Verified" in page
    assert "Wanjiru Kamau" in page
    assert earlier.reference in page
    assert "Revision 1" in page
    assert "Compare with the 2022 input." in page
    assert 'name="decision" value="approve"' in page
    assert "<textarea" in page
    # The author's words are shown, never offered for editing.
    assert f'name="answer_{question.pk}"' not in page


def test_review_page_shows_a_focal_points_verification(client, moderator):
    focal_point = FocalPointFactory(verification_status="verified")
    ProfileFactory(user=focal_point.user)
    input = submitted_input(
        author=focal_point.user, on_behalf="state", state_country=focal_point.country
    )

    page = text_of(client.get(review_url(input)))

    assert str(focal_point.country) in page
    assert "focal point: verified" in page


def test_moderator_opens_an_attachment_in_the_browser(client, moderator):
    input = submitted_input()
    attachment = input.attachments.create(
        original_name="evidence.pdf", content_type="application/pdf", size=4
    )
    attachment.file.save("evidence.pdf", io.BytesIO(b"%PDF"), save=True)

    response = client.get(url("attachment_download", attachment.pk))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")


def test_approving_from_the_review_page_moves_on_to_the_next_input(client, moderator):
    first, second = submitted_input(), submitted_input()
    filters = "state%3Dsubmitted"

    response = client.post(
        url("admin:consultations_input_moderate", first.pk),
        {"decision": "approve", "version": first.version, "_changelist_filters": "state=submitted"},
    )

    assert response.status_code == 302
    assert response["Location"] == review_url(second, filters)
    first.refresh_from_db()
    assert first.state == Input.State.APPROVED


def test_next_and_previous_follow_the_filtered_queue(client, moderator):
    first = submitted_input()
    submitted_input(call=CallFactory(code="ECA"))  # filtered out
    third = submitted_input(call=first.call)

    page = text_of(client.get(review_url(first, f"call__id__exact%3D{first.call.pk}")))

    assert f"/{third.pk}/change/?_changelist_filters=call__id__exact%3D{first.call.pk}" in page
    assert 'rel="prev"' not in page


def test_last_input_of_the_queue_goes_back_to_the_queue(client, moderator):
    only = submitted_input()

    response = moderate(client, only, "reject", reason_code="spam", follow=True)

    assert "That was the last input of this queue." in text_of(response)


@pytest.mark.parametrize(
    ("decision", "data", "message"),
    [
        ("reject", {}, "Choose the reason for rejecting from the list."),
        ("reject", {"reason_code": "other", "reason": ""}, "Explain the reason"),
        ("request_changes", {"message": ""}, "Tell the author what to change."),
        ("mark_duplicate", {"original_reference": ""}, "Give the reference of the input"),
        ("note", {"text": ""}, "Write the note first."),
        ("retag", {}, "An input addresses at least one objective."),
        ("explode", {}, "Choose a decision."),
    ],
)
def test_decision_without_what_it_needs_is_refused_with_a_clear_message(
    client, moderator, decision, data, message
):
    input = submitted_input()

    response = client.post(
        url("admin:consultations_input_moderate", input.pk),
        {"decision": decision, "version": input.version, **data},
        follow=True,
    )

    assert message in text_of(response)
    input.refresh_from_db()
    assert input.state == Input.State.SUBMITTED
    assert input.transitions.count() == 1


def test_moderator_on_a_stale_page_is_told_who_decided_first(client, moderator):
    input = submitted_input()
    colleague = ModeratorFactory()
    stale_version = input.version
    services.input_approve(input=input, by=colleague, version=stale_version)

    response = client.post(
        url("admin:consultations_input_moderate", input.pk),
        {"decision": "reject", "version": stale_version, "reason_code": "spam"},
        follow=True,
    )

    page = text_of(response)
    assert f"approved by {colleague.email}" in page
    assert "Nothing was overwritten" in page
    input.refresh_from_db()
    assert input.state == Input.State.APPROVED


def test_moderator_corrects_tags_from_the_review_page(client, moderator):
    input = submitted_input(objectives=(1,))
    objective_7 = submitted_input(objectives=(7,)).objectives.get()

    client.post(
        url("admin:consultations_input_moderate", input.pk),
        {"decision": "retag", "version": input.version, "objectives": [objective_7.pk]},
    )

    assert list(input.objectives.values_list("number", flat=True)) == [7]
    assert input.transitions.filter(action="retag", by=moderator).exists()


def test_moderate_url_refuses_get_and_inputs_out_of_scope(client, moderator):
    input = submitted_input(call=CallFactory(code="ECA"))
    ModerationScope.objects.create(moderator=moderator).calls.add(CallFactory())

    assert client.get(url("admin:consultations_input_moderate", input.pk)).status_code == 405
    assert moderate(client, input, "approve").status_code == 404
    review = client.get(review_url(input), follow=True)
    assert review.redirect_chain[-1][0] == url("admin:index")
    assert input.call.questions.get().text not in text_of(review)
    input.refresh_from_db()
    assert input.state == Input.State.SUBMITTED


# --- Bulk actions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("queue", "why"),
    [
        ({}, "it changed meanwhile and left this list; it was not touched."),
        ({"state": "all"}, "is rejected: this decision is not possible now."),
    ],
)
def test_bulk_approve_reports_successes_and_skips_inputs_decided_meanwhile(
    client, moderator, queue, why
):
    first, second, decided = submitted_input(), submitted_input(), submitted_input()
    # Selected on the moderator's page, decided by a colleague before the action runs.
    services.input_reject(input=decided, by=ModeratorFactory(), reason_code="spam")

    response = client.post(
        f"{url(QUEUE)}?{'&'.join(f'{k}={v}' for k, v in queue.items())}",
        {"action": "approve_selected", "_selected_action": [first.pk, second.pk, decided.pk]},
        follow=True,
    )

    page = text_of(response)
    assert "2 decisions recorded." in page
    assert "1 was not decided:" in page
    assert f"{decided.reference}: {why}" in page or f"{decided.reference} {why}" in page
    assert Input.objects.filter(state="approved").count() == 2
    decided.refresh_from_db()
    assert decided.state == Input.State.REJECTED


def test_bulk_reject_asks_for_one_reason_then_rejects_each(client, moderator, mailoutbox):
    inputs = [submitted_input(), submitted_input()]
    selected = [i.pk for i in inputs]

    confirm = client.post(url(QUEUE), {"action": "reject_selected", "_selected_action": selected})
    assert 'name="reason_code"' in confirm.content.decode()
    assert inputs[0].reference in text_of(confirm)

    missing = client.post(
        url(QUEUE),
        {"action": "reject_selected", "_selected_action": selected, "apply": "1"},
        follow=True,
    )
    assert "Choose the reason for rejecting from the list." in text_of(missing)
    assert not Input.objects.filter(state="rejected").exists()

    mailoutbox.clear()
    with_reason = client.post(
        url(QUEUE),
        {
            "action": "reject_selected",
            "_selected_action": selected,
            "apply": "1",
            "reason_code": "spam",
        },
        follow=True,
    )
    assert "2 decisions recorded." in text_of(with_reason)
    assert set(
        InputTransition.objects.filter(action="reject").values_list("reason_code", flat=True)
    ) == {"spam"}


def test_bulk_assign_gives_inputs_to_a_moderator(client, moderator):
    colleague = ModeratorFactory()
    inputs = [submitted_input(), submitted_input()]

    client.post(
        url(QUEUE),
        {
            "action": "assign_selected",
            "_selected_action": [i.pk for i in inputs],
            "apply": "1",
            "moderator": colleague.pk,
        },
    )

    assert set(Input.objects.values_list("assigned_to", flat=True)) == {colleague.pk}
    mine = text_of(client.get(url(QUEUE), {"assigned": "me"}))
    assert inputs[0].reference not in mine
    client.force_login(colleague)
    assert inputs[0].reference in text_of(client.get(url(QUEUE), {"assigned": "me"}))


# --- Roles ----------------------------------------------------------------------------------


def test_staff_roles_have_exactly_their_permissions():
    def permissions(name):
        return set(
            Group.objects.get(name=name).permissions.values_list(
                "content_type__app_label", "codename"
            )
        )

    moderator = permissions("Moderator")
    assert ("consultations", "moderate_input") in moderator
    assert ("consultations", "view_input") in moderator
    assert not {
        codename
        for _app, codename in moderator
        if codename.startswith(("add_", "change_", "delete_"))
    }
    call_manager = permissions("Call manager")
    assert {("consultations", "add_call"), ("consultations", "change_call")} <= call_manager
    assert ("consultations", "moderate_input") not in call_manager
    assert ("consultations", "delete_call") not in call_manager
    compiler = permissions("Report compiler")
    assert ("consultations", "view_input") in compiler
    assert ("consultations", "moderate_input") not in compiler
    for role in (moderator, call_manager, compiler):
        assert ("consultations", "delete_inputtransition") not in role
        assert ("consultations", "change_input") not in role


@pytest.mark.parametrize(
    ("role", "sees_queue", "may_act"),
    [
        ("Moderator", True, True),
        ("Report compiler", True, False),
        ("Call manager", True, False),
        (False, False, False),
    ],
)
def test_what_each_role_sees_of_the_queue(client, role, sees_queue, may_act):
    input = submitted_input()
    client.force_login(ModeratorFactory(role=role))

    queue = client.get(url(QUEUE))
    review = client.get(review_url(input))
    decision = moderate(client, input, "approve")

    assert (queue.status_code == 200) == sees_queue
    assert (review.status_code == 200) == sees_queue
    if sees_queue:
        assert input.reference in text_of(queue)
        assert ('value="approve_selected"' in queue.content.decode()) == may_act
        assert ('name="decision" value="approve"' in review.content.decode()) == may_act
    assert decision.status_code in ((302,) if may_act else (403, 404))
    input.refresh_from_db()
    assert (input.state == Input.State.APPROVED) == may_act


def test_moderator_limited_to_a_region_sees_only_its_inputs(client, reference_data):
    moderator = ModeratorFactory()
    ModerationScope.objects.create(moderator=moderator).regions.add(RegionFactory(code="ECA"))
    african_review = submitted_input(call=CallFactory(code="ECA", region=RegionFactory(code="ECA")))
    european_review = submitted_input(
        call=CallFactory(code="ECE", region=RegionFactory(code="ECE"))
    )
    client.force_login(moderator)

    page = text_of(client.get(url(QUEUE)))

    assert african_review.reference in page
    assert european_review.reference not in page


def test_moderators_cannot_add_change_or_delete_inputs_or_decisions(client, moderator):
    input = submitted_input()
    entry = input.transitions.get()

    assert client.get(url("admin:consultations_input_add")).status_code == 403
    assert client.get(url("admin:consultations_input_delete", input.pk)).status_code == 403
    assert (
        client.get(url("admin:consultations_inputtransition_delete", entry.pk)).status_code == 403
    )
    assert (
        client.post(url("admin:consultations_inputtransition_change", entry.pk), {}).status_code
        == 403
    )
    assert InputTransition.objects.filter(pk=entry.pk).exists()


# --- The decision log ---------------------------------------------------------------------------


def test_decision_log_lists_decisions_and_filters_by_call(client, moderator):
    kept = submitted_input()
    other = submitted_input(call=CallFactory(code="ECA"))
    services.input_reject(input=kept, by=moderator, reason_code="other", reason="Advertising.")
    services.input_approve(input=other, by=moderator)

    page = text_of(client.get(url(LOG), {"input__call__id__exact": kept.call.pk}))

    assert kept.reference in page
    assert other.reference not in page
    assert "other reason — Advertising." in page
    assert f"?call={kept.call.pk}" in page  # the export button for this call


def test_decision_log_of_one_call_exports_as_csv_safe_for_spreadsheets(client, moderator):
    input = submitted_input()
    services.input_reject(
        input=input, by=moderator, reason_code="other", reason='=HYPERLINK("http://evil")'
    )
    submitted_input(call=CallFactory(code="ECA"))

    response = client.get(
        url("admin:consultations_inputtransition_export"), {"call": input.call.pk}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["time (UTC)", "input", "action"]
    assert [row[2] for row in rows[1:]] == ["submit", "reject"]
    assert rows[2][1] == input.reference
    assert rows[2][5] == moderator.email
    assert rows[2][7] == '\'=HYPERLINK("http://evil")'


def test_decision_log_export_needs_a_call_and_the_permission(client, moderator):
    without_call = client.get(url("admin:consultations_inputtransition_export"), follow=True)
    assert "Filter the log by one call to export it." in text_of(without_call)

    client.force_login(ModeratorFactory(role=False))
    refused = client.get(url("admin:consultations_inputtransition_export"), {"call": 1})
    assert refused.status_code == 403


# --- Languages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "direction", "approve"),
    [("ar", "rtl", "اعتماد"), ("fr", "ltr", "Approuver"), ("zh-hans", "ltr", "批准")],
)
def test_queue_and_review_page_in_other_languages(client, moderator, lang, direction, approve):
    input = submitted_input()

    queue = client.get(url(QUEUE, lang=lang))
    review = client.get(url("admin:consultations_input_change", input.pk, lang=lang))

    assert f'dir="{direction}"' in queue.content.decode()
    assert input.reference in text_of(queue)
    assert approve in text_of(review)


def review_queries(client, moderator, notes: int) -> int:
    input = submitted_input(objectives=(1, 2, 3))
    for number in range(notes):
        services.input_note_add(input=input, by=moderator, text=f"Note {number}")
        submitted_input(call=input.call, author=input.author)  # more of the author's inputs
    client.get(review_url(input, "state%3Dsubmitted"))  # caches warm, as in use
    with CaptureQueriesContext(connection) as queries:
        response = client.get(review_url(input, "state%3Dsubmitted"))
    assert response.status_code == 200
    return len(queries)


def test_review_page_runs_the_same_number_of_queries_whatever_its_history(client, moderator):
    assert review_queries(client, moderator, 1) == review_queries(client, moderator, 12)

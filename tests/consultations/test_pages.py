"""Public pages of calls and published inputs; following a call and extending its deadline."""

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from consultations import services
from consultations.models import Call, CallFollower, Input
from gcmportal.errors import DomainError
from notifications.models import Notification
from stakeholders.models import Country, Region, StakeholderGroup
from tests.consultations.factories import (
    AuthorFactory,
    CallFactory,
    GuidingQuestionFactory,
    language,
    objective,
    principle,
    submitted_input,
)
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"GCM-\d{4}-[A-Z0-9]+-\d{6}")


def url(name: str, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def page_text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def references_listed(response) -> set[str]:
    return set(REFERENCE.findall(page_text(response)))


def in_days(days: float):
    return timezone.now() + timedelta(days=days)


# --- Calls list ---------------------------------------------------------------------------------


@pytest.fixture
def calls(reference_data):
    """Calls that differ in one way each, named so that the page shows which are listed."""
    return {
        "thematic": CallFactory(
            kind=Call.Kind.THEMATIC,
            code="TS1",
            title="Thematic session on remittances",
            summary="Contributions of diasporas to sustainable development.",
            objectives=[19, 20],
            accepted_languages=["en", "fr"],
        ),
        "european": CallFactory(
            title="European review",
            summary="Progress on the Compact in the UNECE region.",
            region=Region.objects.get(code="ECE"),
            objectives=[7],
            accepted_languages=["en", "fr", "es", "ar"],
        ),
        "arab": CallFactory(
            code="ESCWA",
            title="Arab region review",
            summary="Progress in the Arab region.",
            region=Region.objects.get(code="ESCWA"),
            accepted_languages=["ar", "en"],
            opens_at=in_days(10),
            closes_at=in_days(40),
        ),
        "forum": CallFactory(
            kind=Call.Kind.IMRF,
            code="IMRF",
            title="International Migration Review Forum",
            summary="Global stocktaking of smuggling and trafficking commitments.",
            objectives=[9, 10],
            accepted_languages=["en"],
            opens_at=in_days(-60),
            closes_at=in_days(-5),
        ),
    }


def titles_listed(response, calls) -> set[str]:
    page = page_text(response)
    return {name for name, call in calls.items() if f">{call.title}</a>" in page}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda: {}, {"thematic", "european", "arab", "forum"}),
        (lambda: {"kind": "thematic"}, {"thematic"}),
        (lambda: {"kind": "imrf"}, {"forum"}),
        (lambda: {"status": "open"}, {"thematic", "european"}),
        (lambda: {"status": "upcoming"}, {"arab"}),
        (lambda: {"status": "closed"}, {"forum"}),
        (lambda: {"region": Region.objects.get(code="ESCWA").pk}, {"arab"}),
        # A call that names no objective covers all 23.
        (lambda: {"objective": objective(7).pk}, {"european", "arab"}),
        (lambda: {"objective": objective(10).pk}, {"forum", "arab"}),
        (lambda: {"language": language("fr").pk}, {"thematic", "european"}),
        (lambda: {"language": language("ar").pk}, {"european", "arab"}),
        (lambda: {"q": "REMITTANCES"}, {"thematic"}),
        (lambda: {"q": "progress"}, {"european", "arab"}),
        (lambda: {"status": "open", "language": language("ar").pk}, {"european"}),
    ],
    ids=[
        "no filter",
        "kind thematic",
        "kind imrf",
        "open",
        "upcoming",
        "closed",
        "region",
        "objective of one call",
        "objective of another",
        "language fr",
        "language ar",
        "search title",
        "search summary",
        "open in arabic",
    ],
)
def test_calls_list_filter_shows_only_the_matching_calls(client, calls, query, expected):
    response = client.get(url("call_list"), query())

    assert titles_listed(response, calls) == expected


def test_calls_list_search_in_french_finds_a_call_shown_with_its_english_title(client, calls):
    response = client.get(url("call_list", "fr"), {"q": "remittances"})

    assert titles_listed(response, calls) == {"thematic"}


def test_calls_list_counts_only_published_inputs_also_when_filtered(client, calls):
    call = calls["european"]
    call.pre_moderation = False
    call.save()
    submitted_input(call=call)
    submitted_input(call=call)
    submitted_input(call=call, consent=Input.Consent.PRIVATE)
    submitted_input(call=calls["thematic"])  # pre-moderated: not published yet

    for query in [{}, {"language": language("ar").pk}, {"objective": objective(7).pk}]:
        page = page_text(client.get(url("call_list"), query))
        card = page.split(">European review</a>", 1)[1].split("</li>", 1)[0]
        assert "2 published inputs" in card, query


def test_calls_list_without_matches_says_what_to_do(client, db):
    page = page_text(client.get(url("call_list"), {"q": "nothing like this"}))

    assert "0 calls" in page
    assert "No call matches these filters." in page


def test_call_detail_of_a_call_without_objectives_says_it_covers_all_of_them(client, calls):
    page = page_text(client.get(url("call_detail", pk=calls["arab"].pk)))

    assert "All 23 objectives" in page
    assert "This call is not open yet." in page


# --- Published inputs list ----------------------------------------------------------------------


@pytest.fixture
def published(reference_data):
    """Published inputs that differ in one way each, and a private one."""
    call = CallFactory(pre_moderation=False)
    GuidingQuestionFactory(call=call)

    def author(country: str, group: str, **profile):
        return AuthorFactory(
            profile__country=Country.objects.get(code=country),
            profile__stakeholder_group=StakeholderGroup.objects.get(code=group),
            **{f"profile__{key}": value for key, value in profile.items()},
        )

    return {
        "senegal": submitted_input(
            call=call,
            author=author("SN", "civil_society"),
            answer="Firewalls protect undocumented workers who report abuse.",
            language_code="fr",
            objectives=(7, 15),
            principles=(1,),
        ),
        "mexico": submitted_input(
            call=call,
            author=author("MX", "trade_unions"),
            answer="Decent work and labour rights for domestic workers.",
            language_code="es",
            objectives=(6,),
            principles=(2,),
        ),
        "private": submitted_input(
            call=call,
            author=author("SN", "civil_society"),
            answer="Firewalls matter to us too, but keep this private.",
            language_code="fr",
            objectives=(7,),
            principles=(1,),
            consent=Input.Consent.PRIVATE,
        ),
    }


def listed(response, published) -> set[str]:
    references = references_listed(response)
    return {name for name, input in published.items() if input.reference in references}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda: {}, {"senegal", "mexico"}),
        (lambda: {"objective": objective(7).pk}, {"senegal"}),
        (lambda: {"objective": objective(6).pk}, {"mexico"}),
        (lambda: {"principle": principle(2).pk}, {"mexico"}),
        (
            lambda: {"stakeholder_group": StakeholderGroup.objects.get(code="trade_unions").pk},
            {"mexico"},
        ),
        (lambda: {"region": Region.objects.get(code="ECA").pk}, {"senegal"}),
        (lambda: {"region": Region.objects.get(code="ESCWA").pk}, set()),
        (lambda: {"country": Country.objects.get(code="MX").pk}, {"mexico"}),
        (lambda: {"language": language("fr").pk}, {"senegal"}),
        (lambda: {"q": "FIREWALLS"}, {"senegal"}),
        # Every word must match, whatever its case and order.
        (lambda: {"q": "workers DOMESTIC"}, {"mexico"}),
        (lambda: {"q": "workers"}, {"senegal", "mexico"}),
        (lambda: {"q": "firewalls domestic"}, set()),
        (lambda: {"q": "private"}, set()),
        (lambda: {"objective": objective(7).pk, "q": "abuse"}, {"senegal"}),
    ],
    ids=[
        "no filter",
        "objective 7",
        "objective 6",
        "principle",
        "stakeholder group",
        "region",
        "region without inputs",
        "country",
        "language",
        "search one word",
        "search two words",
        "search common word",
        "search words of two inputs",
        "search a private input",
        "objective and search",
    ],
)
def test_inputs_list_filter_shows_only_the_matching_published_inputs(
    client, published, query, expected
):
    response = client.get(url("input_list"), query())

    assert listed(response, published) == expected


def test_inputs_of_one_call_lists_only_that_calls_published_inputs(client, published):
    other = submitted_input(call=CallFactory(code="ECLAC", pre_moderation=False))

    response = client.get(url("call_inputs", pk=published["senegal"].call_id))

    assert listed(response, published) == {"senegal", "mexico"}
    assert other.reference not in references_listed(response)


def test_inputs_list_without_matches_says_what_to_do(client, published):
    page = page_text(client.get(url("input_list"), {"q": "zebra"}))

    assert "0 inputs" in page
    assert "No published input matches." in page


def test_inputs_list_of_a_call_without_published_inputs_is_empty(client, db):
    call = CallFactory()
    submitted_input(call=call)  # pre-moderated: not published

    page = page_text(client.get(url("call_inputs", pk=call.pk)))

    assert "0 inputs" in page
    assert REFERENCE.findall(page) == []


# --- Attribution --------------------------------------------------------------------------------


def test_input_published_with_name_shows_the_authors_display_name(client, db):
    author = AuthorFactory(profile__display_name="Amina Diallo")
    input = submitted_input(call=CallFactory(pre_moderation=False), author=author)

    for path in [url("input_list"), url("input_detail", pk=input.pk)]:
        page = page_text(client.get(path))
        assert "Amina Diallo" in page
        assert author.email not in page


def test_input_published_for_an_organisation_names_the_organisation(client, db):
    membership = MembershipFactory(
        user=AuthorFactory(profile__display_name="Amina Diallo"),
        organisation__name="Réseau des migrants du Sahel",
    )
    input = submitted_input(
        call=CallFactory(pre_moderation=False),
        author=membership.user,
        on_behalf=Input.OnBehalf.ORGANISATION,
        organisation=membership.organisation,
    )

    for path in [url("input_list"), url("input_detail", pk=input.pk)]:
        page = page_text(client.get(path))
        assert "Réseau des migrants du Sahel" in page
        assert "Amina Diallo" not in page


def test_input_published_without_attribution_names_neither_author_nor_organisation(client, db):
    membership = MembershipFactory(
        user=AuthorFactory(profile__display_name="Amina Diallo"),
        organisation__name="Réseau des migrants du Sahel",
    )
    input = submitted_input(
        call=CallFactory(pre_moderation=False),
        author=membership.user,
        on_behalf=Input.OnBehalf.ORGANISATION,
        organisation=membership.organisation,
        consent=Input.Consent.PUBLIC_ANONYMOUS,
    )

    for path in [url("input_list"), url("input_detail", pk=input.pk)]:
        page = page_text(client.get(path))
        assert input.reference in page
        assert "Published without attribution" in page
        assert "Amina Diallo" not in page
        assert "Réseau des migrants du Sahel" not in page
        assert membership.user.email not in page


def test_input_not_for_publication_is_not_listed_at_all(client, db):
    call = CallFactory(pre_moderation=False)
    input = submitted_input(
        call=call,
        author=AuthorFactory(profile__display_name="Amina Diallo"),
        answer="Confidential testimony.",
        consent=Input.Consent.PRIVATE,
    )

    for path in [url("input_list"), url("call_inputs", pk=call.pk)]:
        page = page_text(client.get(path))
        assert input.reference not in page
        assert "Confidential testimony." not in page
        assert "Amina Diallo" not in page
    assert "0 published inputs" in page_text(client.get(url("call_list")))
    assert client.get(url("input_detail", pk=input.pk)).status_code == 404


def test_published_input_shows_what_its_author_typed_as_text_never_as_markup(client, db):
    author = AuthorFactory(profile__display_name="<b>Amina</b>")
    input = submitted_input(
        call=CallFactory(pre_moderation=False),
        author=author,
        answer='<script>alert("x")</script> Access to justice.',
    )

    for path in [url("input_list"), url("input_detail", pk=input.pk)]:
        raw = client.get(path).content.decode()
        assert "<script>alert" not in raw
        assert "&lt;script&gt;alert" in raw
        assert "<b>Amina</b>" not in raw
        assert "&lt;b&gt;Amina&lt;/b&gt;" in raw


# --- Constant number of queries -----------------------------------------------------------------


def queries_of(client, path: str, query: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, query or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


def add_inputs(call, count: int, author=None) -> list[Input]:
    """Published inputs with several objectives, principles and an attachment-free answer."""
    return [
        submitted_input(call=call, author=author, objectives=(7, 15), principles=(1, 2))
        for _ in range(count)
    ]


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("call_list", dict),
        ("call_list", lambda: {"status": "open"}),
        ("call_detail", dict),
        ("call_inputs", dict),
        ("input_list", lambda: {"objective": objective(7).pk}),
        ("input_list", lambda: {"q": "justice"}),
        ("input_detail", dict),
    ],
    ids=[
        "calls",
        "open calls",
        "call detail",
        "inputs of a call",
        "inputs by objective",
        "inputs search",
        "input detail",
    ],
)
@pytest.mark.parametrize("role", ["visitor", "author"])
def test_public_page_makes_as_many_queries_for_3_inputs_as_for_25(
    client, reference_data, page, query, role
):
    call = CallFactory(pre_moderation=False, objectives=[7])
    GuidingQuestionFactory(call=call, position=1)
    GuidingQuestionFactory(call=call, position=2, required=False)
    author = AuthorFactory() if role == "author" else None
    first = add_inputs(call, 3, author)[0]
    if author:
        client.force_login(author)
    kwargs = {"pk": first.pk} if page == "input_detail" else {}
    kwargs = {"pk": call.pk} if page in {"call_detail", "call_inputs"} else kwargs
    path = url(page, **kwargs)
    query = query()
    client.get(path, query)  # caches (sessions, content types) filled once

    with_3 = queries_of(client, path, query)
    add_inputs(call, 22, author)
    with_25 = queries_of(client, path, query)

    assert with_25 == with_3


# --- Following a call and extending its deadline ------------------------------------------------


def test_following_a_call_from_its_page_and_stopping(client, post):
    call = CallFactory()
    user = AuthorFactory()
    client.force_login(user)

    followed = post(url("call_follow", pk=call.pk), follow=True)
    assert "You will be told of this call's news." in page_text(followed)
    assert "Stop following this call" in page_text(followed)
    assert CallFollower.objects.filter(call=call, user=user).exists()
    post(url("call_follow", pk=call.pk))  # twice: still one follower row
    assert CallFollower.objects.filter(call=call).count() == 1

    stopped = post(url("call_follow", pk=call.pk), {"follow": "0"}, follow=True)
    assert "You no longer follow this call." in page_text(stopped)
    assert not CallFollower.objects.exists()


def test_following_a_call_needs_an_account(client, post):
    call = CallFactory()

    response = post(url("call_follow", pk=call.pk))

    assert response["Location"].startswith(url("account_login"))
    assert not CallFollower.objects.exists()


def test_extending_a_deadline_tells_followers_and_draft_authors_and_rearms_reminders(
    django_capture_on_commit_callbacks,
):
    call = CallFactory(title="European review")
    GuidingQuestionFactory(call=call)
    follower = AuthorFactory()
    services.call_follow(call=call, user=follower)
    draft_author = AuthorFactory()
    draft = services.input_create_draft(call=call, author=draft_author)
    following_draft_author = AuthorFactory()
    services.call_follow(call=call, user=following_draft_author)
    services.input_create_draft(call=call, author=following_draft_author)
    submitted = submitted_input(call=call)
    Input.objects.filter(pk=draft.pk).update(
        reminded_48h_at=timezone.now(), reminded_2h_at=timezone.now()
    )
    new_deadline = call.closes_at + timedelta(days=14)

    with django_capture_on_commit_callbacks(execute=True):
        services.call_extend_deadline(call=call, closes_at=new_deadline, by=StaffFactory())

    call.refresh_from_db()
    assert call.closes_at == new_deadline
    told = sorted(message.to[0] for message in mail.outbox if "More time for" in message.subject)
    assert told == sorted([follower.email, draft_author.email, following_draft_author.email])
    assert submitted.author.email not in told
    message = next(m for m in mail.outbox if m.to == [follower.email])
    assert message.subject == "More time for “European review”"
    assert new_deadline.strftime("%Y-%m-%d %H:%M") in message.body
    assert Notification.objects.filter(kind="call_deadline_extended").count() == 3
    draft.refresh_from_db()
    assert draft.reminded_48h_at is None
    assert draft.reminded_2h_at is None


def test_extending_a_deadline_to_an_earlier_time_is_refused():
    call = CallFactory()
    previous = call.closes_at

    with pytest.raises(DomainError, match="must be later than the current one"):
        services.call_extend_deadline(
            call=call, closes_at=previous - timedelta(days=1), by=StaffFactory()
        )

    call.refresh_from_db()
    assert call.closes_at == previous


def test_inputs_of_an_erased_account_stay_published_without_its_name(client, post):
    from stakeholders.services import account_erase

    input = submitted_input(call=CallFactory(pre_moderation=False))
    name = input.author.display_name
    assert name in client.get(reverse("input_detail", kwargs={"pk": input.pk})).content.decode()

    account_erase(user=input.author)

    page = client.get(reverse("input_detail", kwargs={"pk": input.pk})).content.decode()
    assert "Published without attribution" in page
    assert name not in page
    assert "erased" not in page
    assert input.answers.first().text in page


def test_a_double_click_on_write_an_input_starts_one_draft(client, post):
    call = CallFactory()
    author = AuthorFactory()
    client.force_login(author)

    first = post(reverse("input_start", kwargs={"pk": call.pk}))
    second = post(reverse("input_start", kwargs={"pk": call.pk}))

    assert first["Location"] == second["Location"]
    assert Input.objects.filter(author=author).count() == 1

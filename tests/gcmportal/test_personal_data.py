"""Personal data, end to end: a person goes through every feature that stores something, every
personal value of theirs carrying a marker; the export holds every row the database holds
about them, and after the erasure no table (every text column of every model, history tables
included), no session and no stored file holds a marker, while what they published stays."""

import io
import zipfile

import pypdf
import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import translation

from consultations import services as consultations
from consultations.models import Input
from gcmportal import personal_data
from reviews import services as reviews
from reviews.models import Report
from stakeholders import services as stakeholders
from stakeholders.models import Membership, User
from tests.consultations.factories import (
    CallFactory,
    GuidingQuestionFactory,
    language,
    objective,
)
from tests.factories import (
    PASSWORD,
    CountryFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    ProfileFactory,
    StaffFactory,
    StakeholderGroupFactory,
)
from tests.support import docx_by, links_in, pdf_by, read_export

pytestmark = pytest.mark.django_db

MARK = "qzx9"  # in every personal value of the person, and nowhere else
EMAIL = "amina.qzx9@example.org"
SECOND_EMAIL = "qzx9.second@example.org"
NAME = "Amina Qzx9name"
CITY = "Qzx9city"
DRAFT = "My draft qzx9draft: not ready to send."
POSITION = "Adviser qzx9position, Ministry of Labour"
TOKEN = "Case system qzx9token"
NOTE_FILE = "qzx9-notes.txt"
PUBLISHED = "Recruitment fees must be banned in every corridor."
FOR_ORGANISATION = "Our network calls for firewalls between services and immigration control."


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


# --- Scanning everything the portal stores ------------------------------------------------------

TEXT_FIELDS = (models.CharField, models.TextField, models.FileField, models.JSONField)


def database_hits() -> set[tuple[str, object]]:
    """(model label, pk) of every row, of every model (history tables and other apps' models
    included), one of whose text columns holds the marker."""
    hits = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS):
                continue
            rows = model._default_manager.all()
            if isinstance(field, models.JSONField):
                rows = rows.annotate(_text=Cast(field.name, models.TextField()))
                rows = rows.filter(_text__icontains=MARK)
            else:
                rows = rows.filter(**{f"{field.name}__icontains": MARK})
            hits |= {(model._meta.label, pk) for pk in rows.values_list("pk", flat=True)}
    return hits


def session_hits() -> list[str]:
    return [
        session.session_key
        for session in Session.objects.all()
        if MARK in str(session.get_decoded()).lower()
    ]


def readable(content: bytes) -> bytes:
    """The file's bytes, with what compression hides: a ZIP's members (DOCX, XLSX, ODT) and a
    PDF's metadata, streams and text."""
    parts = [content]
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts += [readable(archive.read(name)) for name in archive.namelist()]
    elif content.startswith(b"%PDF"):
        reader = pypdf.PdfReader(io.BytesIO(content))
        parts.append(str(reader.metadata or {}).encode())
        for page in reader.pages:
            parts.append(page.extract_text().encode())
        for number in range(1, len(reader.xref_objStm) + 1000):
            try:
                obj = reader.get_object(number)
            except Exception:  # noqa: S112 -- numbers past the last object
                continue
            if isinstance(obj, pypdf.generic.StreamObject):
                parts.append(obj.get_data())
            elif obj is not None:
                parts.append(str(obj).encode())
    return b"\n".join(parts).lower()


def media_hits(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    if not root.exists():
        return []
    return [
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and MARK.encode() in readable(path.read_bytes())
    ]


# --- The person's journey -----------------------------------------------------------------------


@pytest.fixture
def world(reference_data, settings, client, post, django_capture_on_commit_callbacks):
    """Amina goes through every feature that stores something about her."""
    settings.GCM_STAFF_MFA_REQUIRED = False
    call = CallFactory(code="ECE")
    question = GuidingQuestionFactory(call=call, text="What has worked?")
    moderator = ModeratorFactory()
    staff = StaffFactory()
    network_admin = ProfileFactory(display_name="Network Admin").user
    network = OrganisationFactory(name="Migrants Solidarity Network")
    MembershipFactory(user=network_admin, organisation=network, role=Membership.Role.ADMIN)
    other_admin = ProfileFactory(display_name="Other Admin").user
    other = OrganisationFactory(name="Caritas Dakar")
    MembershipFactory(user=other_admin, organisation=other, role=Membership.Role.ADMIN)

    # Sign-up, the confirmation e-mail, sign-in.
    from django.core import mail

    post(
        url("account_signup"),
        {
            "email": EMAIL,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": NAME,
            "stakeholder_group": StakeholderGroupFactory().pk,
            "country": CountryFactory(code="SN").pk,
            "preferred_language": "en",
            "speaks_for": "individual",
            "accept_terms": "on",
        },
    )
    (confirm,) = [link for link in links_in(mail.outbox[-1].body) if "confirm-email" in link]
    post(confirm.split("testserver", 1)[1])
    assert post(url("account_login"), {"login": EMAIL, "password": PASSWORD}).status_code == 302
    amina = User.objects.get(email=EMAIL)

    # Profile (its history too), a second address, a call followed.
    profile = amina.profile
    post(
        url("account_profile"),
        {
            "display_name": NAME,
            "stakeholder_group": profile.stakeholder_group_id,
            "country": profile.country_id,
            "city": CITY,
            "preferred_language": "en",
        },
    )
    post(url("account_email"), {"email": SECOND_EMAIL, "action_add": ""})
    post(url("call_follow", pk=call.pk))

    # A draft with an attachment whose metadata names her.
    draft = consultations.input_create_draft(call=call, author=amina)
    consultations.input_save(input=draft, by=amina, answers={question.pk: DRAFT})
    consultations.input_attach(input=draft, by=amina, upload=docx_by(NAME))

    # An input of her own, published with her name, with a PDF naming her; and one for her
    # organisation once she has joined it (its admin is told, by name).
    def submitted(answer, **save):
        with django_capture_on_commit_callbacks(execute=True):
            input = consultations.input_create_draft(call=call, author=amina)
            consultations.input_save(
                input=input,
                by=amina,
                answers={question.pk: answer},
                language=language("en"),
                objectives=[objective(6)],
                **save,
            )
            consultations.input_attach(input=input, by=amina, upload=pdf_by(NAME))
            consultations.input_submit(input=input, by=amina)
            consultations.input_approve(input=input, by=moderator)
        return input

    own = submitted(PUBLISHED, consent="public_named")
    with django_capture_on_commit_callbacks(execute=True):
        request = stakeholders.membership_request(user=amina, organisation=network)
        stakeholders.membership_accept(membership=request, by=network_admin)
        stakeholders.invitation_create(
            organisation=other, email=EMAIL, role="member", by=other_admin
        )
    for_network = submitted(
        FOR_ORGANISATION, consent="public_named", on_behalf="organisation", organisation=network
    )

    # A focal point request, an API token, an API request kept for retries.
    stakeholders.focal_point_request(
        user=amina, country=CountryFactory(code="SN"), position=POSITION
    )
    _token, key = stakeholders.api_token_create(user=amina, name=TOKEN)
    started = client.post(
        "/api/v1/my/inputs/",
        {"call": call.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    ).json()
    client.post(
        f"/api/v1/my/inputs/{started['id']}/attachments/",
        {"file": SimpleUploadedFile(NOTE_FILE, b"Plain notes.", "text/plain")},
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_IDEMPOTENCY_KEY="attach-once",
    )

    # Reports quoting her by name: one published, one compiled later and not published.
    report = Report.objects.create(call=call, title="ECE review: what stakeholders said")
    with django_capture_on_commit_callbacks(execute=True):
        first = reviews.report_compile_request(report=report, by=staff)
    reviews.report_publish(version=first, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        reviews.report_compile_request(report=report, by=staff)

    # Staff answered an earlier request of hers by e-mail (the administration's log names her).
    staff_client = client.__class__()
    staff_client.force_login(staff)
    response = staff_client.post(
        reverse("admin:stakeholders_user_personal_data", args=[amina.pk]),
        {"note": "E-mail of 2 December 2026"},
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)

    return {
        "amina": amina,
        "own": own,
        "for_network": for_network,
        "report": report,
        "staff": staff,
        "staff_client": staff_client,
    }


def test_personal_data_every_row_about_the_person_is_in_the_export_and_none_after_erasure(
    world, client, post, settings, django_capture_on_commit_callbacks
):
    amina = world["amina"]
    before = database_hits()
    found_in = {label for label, _pk in before}
    # The journey reached every place that stores something about her.
    for label in (
        "stakeholders.User",
        "account.EmailAddress",
        "stakeholders.Profile",
        "stakeholders.HistoricalProfile",
        "stakeholders.Invitation",
        "stakeholders.FocalPoint",
        "stakeholders.ApiToken",
        "stakeholders.IdempotentRequest",
        "consultations.Answer",
        "consultations.Attachment",
        "notifications.Notification",
        "notifications.OutgoingEmail",
        "admin.LogEntry",
    ):
        assert label in found_in, label
    assert media_hits(settings)  # her attachments and the reports name her

    data, members = read_export(client.get(url("account_data_download")))
    exported = {
        (section["source"], record["id"])
        for section in data["sections"]
        for record in section["records"]
    }
    assert before - exported == set()
    attachments = [name for name in members if name.startswith("attachments/")]
    assert len(attachments) == 4  # the draft's DOCX, two PDFs, the API draft's notes
    (followed,) = next(s for s in data["sections"] if s["key"] == "calls_followed")["records"]
    assert followed["call"] == str(world["own"].call)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(url("account_delete"), {"password": PASSWORD})
    assert response.status_code == 302

    # Staff see the published report that names her, and compile it again without the name.
    staff_client = world["staff_client"]
    listed = staff_client.get(reverse("admin:reviews_report_changelist") + "?names_erased=yes")
    assert world["report"].title in listed.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:reviews_report_changelist"),
            {"action": "replace_naming_erased", "_selected_action": [world["report"].pk]},
        )
    replacement = world["report"].versions.latest("number")
    assert replacement.state == "done" and replacement.published_at

    assert database_hits() == set()
    assert session_hits() == []
    assert media_hits(settings) == []

    # What she published stays, without her name; the organisation's input keeps its name.
    own = client.get(url("input_detail", pk=world["own"].pk)).content.decode()
    assert PUBLISHED in own and "Published without attribution" in own
    network = client.get(url("input_detail", pk=world["for_network"].pk)).content.decode()
    assert FOR_ORGANISATION in network and "Migrants Solidarity Network" in network
    assert Input.objects.filter(author=amina).count() == 2  # the drafts are gone


def test_personal_data_check_fails_for_a_model_no_provider_declares():
    saved = personal_data._providers.pop("notifications")
    try:
        errors = personal_data.check_every_account_model_is_declared()
    finally:
        personal_data.register(saved)

    assert {error.id for error in errors} == {"gcmportal.E001"}
    assert {error.obj._meta.label for error in errors} == {
        "notifications.Notification",
        "notifications.NotificationPreference",
        "notifications.OutgoingEmail",
    }
    assert personal_data.check_every_account_model_is_declared() == []


def test_personal_data_log_keeps_the_staff_export_without_the_name_after_erasure(world):
    amina = world["amina"]
    stakeholders.account_erase(user=amina)

    (entry,) = LogEntry.objects.filter(change_message__startswith="Personal data exported")
    assert entry.user == world["staff"]
    assert entry.object_id == str(amina.pk)
    assert entry.object_repr == personal_data.ERASED


def test_personal_data_notices_naming_the_person_before_mentions_were_recorded_go_too(
    reference_data, django_capture_on_commit_callbacks
):
    # Stored by an earlier version of the portal: the text names her, nothing links it to her.
    from notifications.models import Notification, OutgoingEmail

    amina = ProfileFactory(display_name="Amina Diallo").user
    network_admin = ProfileFactory(display_name="Network Admin").user
    network = OrganisationFactory(name="Migrants Solidarity Network")
    MembershipFactory(user=network_admin, organisation=network, role=Membership.Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        stakeholders.membership_request(user=amina, organisation=network)
    Notification.mentions.through.objects.all().delete()
    OutgoingEmail.mentions.through.objects.all().delete()
    unrelated = Notification.objects.create(
        recipient=network_admin, kind="welcome", title="Welcome", body="Welcome, Amina Diallo."
    )
    assert Notification.objects.filter(recipient=network_admin, body__contains="Amina").count() == 2

    stakeholders.account_erase(user=amina)

    assert list(Notification.objects.filter(body__contains="Amina")) == [unrelated]
    assert not OutgoingEmail.objects.filter(body_text__contains="Amina Diallo").exists()

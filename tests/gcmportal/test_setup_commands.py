"""The commands behind `make run`: demo content and reference data, safe to run twice."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from stakeholders.models import Organisation, User
from tests.factories import staff_role

pytestmark = pytest.mark.django_db


def test_demo_content_creates_accounts_and_organisations_once(
    client, capsys, reference_data, django_capture_on_commit_callbacks
):
    staff_role("Moderator")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_content")
        call_command("load_demo_content")

    output = capsys.readouterr().out
    assert "staff@gcm-portal.example / gcm-demo-2026" in output
    assert User.objects.filter(email="staff@gcm-portal.example", is_staff=True).count() == 1
    assert EmailAddress.objects.filter(verified=True).count() == User.objects.count() == 6
    assert Organisation.objects.count() == 3
    assert Organisation.objects.verified().count() == 2
    assert client.login(email="stakeholder@gcm-portal.example", password="gcm-demo-2026")
    assert client.get("/en/organisations/").content.decode().count('class="card"') == 2


def test_demo_content_refuses_to_run_where_it_is_disabled(settings):
    settings.GCM_DEMO_CONTENT_ALLOWED = False

    with pytest.raises(CommandError, match="for local use only"):
        call_command("load_demo_content")

    assert not User.objects.exists()

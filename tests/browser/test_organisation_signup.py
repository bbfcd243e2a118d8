"""A diaspora organisation from Senegal registers in French, invites a colleague, is verified."""

import re

import pytest
from playwright.sync_api import expect

from stakeholders.models import Country, Organisation, StakeholderGroup
from tests.factories import OrganisationFactory, StaffFactory
from tests.support import links_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Dakar-Paris-2026!"


def confirm_and_sign_in(page, live_server, mailoutbox, email: str) -> None:
    confirm = next(link for link in links_in(mailoutbox[-1].body) if "confirm-email" in link)
    page.goto(confirm)
    page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server.url}/fr/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".account-nav__who")).to_contain_text(email)


def test_diaspora_organisation_signs_up_in_french_invites_and_is_verified(
    live_server, page, browser, mailoutbox, reference_data, settings
):
    settings.GCM_STAFF_MFA_REQUIRED = False
    diaspora = StakeholderGroup.objects.get(code="migrant_diaspora_orgs")
    senegal = Country.objects.get(code="SN")

    page.goto(f"{live_server.url}/fr/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("#id_email").fill("fatou@ase.example")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_display_name").fill("Fatou Ndiaye")
    page.locator("#id_stakeholder_group").select_option(str(diaspora.pk))
    page.locator("#id_country").select_option(str(senegal.pk))
    page.locator("#id_city").fill("Dakar")
    # The organisation fields appear only once the reader says they speak for one.
    expect(page.locator("#id_organisation_name")).to_be_hidden()
    page.locator('input[name="speaks_for"][value="new_organisation"]').check()
    expect(page.locator("#id_organisation_name")).to_be_visible()
    page.locator("#id_organisation_name").fill("Association des Sénégalais de l'Extérieur")
    page.locator("#id_organisation_acronym").fill("ASE")
    page.locator("#id_accept_terms").check()
    page.locator("main form button[type=submit]").click()

    assert len(mailoutbox) == 1
    assert "/fr/accounts/confirm-email/" in mailoutbox[0].body
    confirm_and_sign_in(page, live_server, mailoutbox, "fatou@ase.example")

    organisation = Organisation.objects.get(acronym="ASE")
    assert organisation.headquarters_country == senegal
    assert organisation.stakeholder_group == diaspora
    page.goto(f"{live_server.url}/fr/accounts/organisations/")
    expect(page.locator(".badge--pending")).to_be_visible()

    page.goto(f"{live_server.url}/fr/organisations/{organisation.pk}/members/")
    page.locator("#id_email").fill("moussa@ase.example")
    page.locator("main form.stacked-form button[type=submit]").click()
    expect(page.locator(".message--success")).to_contain_text("moussa@ase.example")
    invitation = mailoutbox[-1]
    assert invitation.to == ["moussa@ase.example"]
    assert re.search(r"/fr/organisations/invitations/[^/\s]+/", invitation.body)

    staff = StaffFactory(email="verifier@un.example")
    staff_page = browser.new_context().new_page()
    staff_page.goto(f"{live_server.url}/en/accounts/login/")
    staff_page.locator("#id_login").fill(staff.email)
    staff_page.locator("#id_password").fill("correct horse battery staple")
    staff_page.locator("main form button[type=submit]").click()
    staff_page.goto(
        f"{live_server.url}/en/admin/stakeholders/organisation/?verification_status__exact=pending"
    )
    staff_page.locator(f'input[name="_selected_action"][value="{organisation.pk}"]').check()
    staff_page.locator('select[name="action"]').select_option("verify")
    staff_page.locator('button[name="index"], input[name="index"]').first.click()
    expect(staff_page.locator(".messagelist")).to_contain_text("1 decision recorded.")

    page.goto(f"{live_server.url}/fr/organisations/{organisation.pk}/")
    expect(page.locator(".badge--verified")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Association des Sénégalais de l'Extérieur")
    verified_notice = mailoutbox[-1]
    assert verified_notice.to == ["fatou@ase.example"]
    assert "Association des Sénégalais de l'Extérieur" in verified_notice.subject


def test_joining_suggests_registered_organisations_while_typing(live_server, page, reference_data):
    OrganisationFactory(name="Kenya Diaspora Alliance", acronym="KDA")
    page.goto(f"{live_server.url}/en/accounts/signup/")

    page.locator('input[name="speaks_for"][value="join_organisation"]').check()
    page.locator("#id_organisation_to_join").press_sequentially("Keny", delay=30)

    expect(page.locator("#organisation-suggestions option")).to_have_count(1)
    expect(page.locator("#organisation-suggestions option")).to_have_attribute(
        "value", "Kenya Diaspora Alliance"
    )

"""Who may see, manage and speak for an organisation or a State: the permission table."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from stakeholders.models import Membership, Organisation
from stakeholders.permissions import (
    can_submit_for_organisation,
    can_submit_for_state,
    can_view_organisation,
    is_organisation_admin,
)
from tests.factories import (
    CountryFactory,
    FocalPointFactory,
    MembershipFactory,
    OrganisationFactory,
    StaffFactory,
    StakeholderGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LOGIN = "sign-in page"
SAVED = "saved"
OK = 200
HIDDEN = 404


# fmt: off
# Each row: who, their membership's state, the organisation's verification, then what follows:
# can view, is its admin, can submit for it, GET its members page, POST its edit form.
TABLE = [
    ("visitor",   None,      "pending",  False, False, False, LOGIN,  LOGIN),
    ("visitor",   None,      "verified", True,  False, False, LOGIN,  LOGIN),
    ("visitor",   None,      "rejected", False, False, False, LOGIN,  LOGIN),
    ("user",      None,      "pending",  False, False, False, HIDDEN, HIDDEN),
    ("user",      None,      "verified", True,  False, False, HIDDEN, HIDDEN),
    ("user",      None,      "rejected", False, False, False, HIDDEN, HIDDEN),
    ("member",    "pending", "pending",  False, False, False, HIDDEN, HIDDEN),
    ("member",    "pending", "verified", True,  False, False, HIDDEN, HIDDEN),
    ("member",    "pending", "rejected", False, False, False, HIDDEN, HIDDEN),
    ("member",    "active",  "pending",  True,  False, False, HIDDEN, HIDDEN),
    ("member",    "active",  "verified", True,  False, True,  HIDDEN, HIDDEN),
    ("member",    "active",  "rejected", True,  False, False, HIDDEN, HIDDEN),
    ("member",    "removed", "pending",  False, False, False, HIDDEN, HIDDEN),
    ("member",    "removed", "verified", True,  False, False, HIDDEN, HIDDEN),
    ("member",    "removed", "rejected", False, False, False, HIDDEN, HIDDEN),
    ("org admin", "pending", "pending",  False, False, False, HIDDEN, HIDDEN),
    ("org admin", "pending", "verified", True,  False, False, HIDDEN, HIDDEN),
    ("org admin", "pending", "rejected", False, False, False, HIDDEN, HIDDEN),
    ("org admin", "active",  "pending",  True,  True,  False, OK,     SAVED),
    ("org admin", "active",  "verified", True,  True,  True,  OK,     SAVED),
    ("org admin", "active",  "rejected", True,  True,  False, OK,     SAVED),
    ("org admin", "removed", "pending",  False, False, False, HIDDEN, HIDDEN),
    ("org admin", "removed", "verified", True,  False, False, HIDDEN, HIDDEN),
    ("org admin", "removed", "rejected", False, False, False, HIDDEN, HIDDEN),
    ("staff",     None,      "pending",  True,  False, False, HIDDEN, HIDDEN),
    ("staff",     None,      "verified", True,  False, False, HIDDEN, HIDDEN),
    ("staff",     None,      "rejected", True,  False, False, HIDDEN, HIDDEN),
]
# fmt: on


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def row_id(row) -> str:
    who, membership, organisation = row[:3]
    return f"{who}, {membership} membership, {organisation} organisation".replace(
        ", None membership", ""
    )


def organisation_in(status: str) -> Organisation:
    reason = "Not a real organisation." if status == "rejected" else ""
    return OrganisationFactory(
        name="Migrants Solidarity Network",
        verification_status=status,
        verification_reason=reason,
    )


def person(who: str, membership_state: str | None, organisation: Organisation):
    """The user of a row of the table (AnonymousUser for a visitor)."""
    if who == "visitor":
        return AnonymousUser()
    if who == "staff":
        return StaffFactory()
    user = UserFactory()
    if who in ("member", "org admin"):
        role = Membership.Role.ADMIN if who == "org admin" else Membership.Role.MEMBER
        MembershipFactory(user=user, organisation=organisation, role=role, state=membership_state)
    return user


@pytest.mark.parametrize(
    ("who", "membership", "status", "view", "admin", "submit"),
    [pytest.param(*row[:6], id=row_id(row)) for row in TABLE],
)
def test_permission_functions_follow_the_table(who, membership, status, view, admin, submit):
    organisation = organisation_in(status)
    user = person(who, membership, organisation)

    assert can_view_organisation(user, organisation) is view
    assert is_organisation_admin(user, organisation) is admin
    assert can_submit_for_organisation(user, organisation) is submit


@pytest.mark.parametrize(
    ("who", "membership", "status", "manage"),
    [pytest.param(*row[:3], row[6], id=row_id(row)) for row in TABLE],
)
def test_members_page_answers_each_role_as_the_table_says(client, who, membership, status, manage):
    organisation = organisation_in(status)
    user = person(who, membership, organisation)
    if user.is_authenticated:
        client.force_login(user)
    path = url("organisation_manage", pk=organisation.pk)

    response = client.get(path)

    if manage == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(url("account_login"))
    else:
        assert response.status_code == manage
    if manage == OK:
        assert "Members and invitations" in response.content.decode()
        assert user.email in response.content.decode()


@pytest.mark.parametrize(
    ("who", "membership", "status", "edit"),
    [pytest.param(*row[:3], row[7], id=row_id(row)) for row in TABLE],
)
def test_edit_form_answers_each_role_as_the_table_says(client, post, who, membership, status, edit):
    organisation = organisation_in(status)
    user = person(who, membership, organisation)
    if user.is_authenticated:
        client.force_login(user)
    path = url("organisation_edit", pk=organisation.pk)

    response = post(
        path,
        {
            "name": "Renamed Network",
            "stakeholder_group": StakeholderGroupFactory().pk,
            "headquarters_country": CountryFactory().pk,
        },
    )

    organisation.refresh_from_db()
    if edit == SAVED:
        assert response.status_code == 302
        assert response["Location"] == url("organisation_manage", pk=organisation.pk)
        assert organisation.name == "Renamed Network"
        return
    if edit == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(url("account_login"))
    else:
        assert response.status_code == edit
    assert organisation.name == "Migrants Solidarity Network"


# fmt: off
# Each row: the user's focal point claim (None: no claim), the State it names, then whether the
# user may submit for Senegal.
STATE_TABLE = [
    (None,       None, False),
    ("pending",  "SN", False),
    ("verified", "SN", True),
    ("rejected", "SN", False),
    ("pending",  "FR", False),
    ("verified", "FR", False),
]
# fmt: on


@pytest.mark.parametrize(
    ("claim", "claimed_country", "may_submit_for_senegal"),
    [
        pytest.param(*row, id=f"{row[0]} claim for {row[1]}" if row[0] else "no claim")
        for row in STATE_TABLE
    ],
)
def test_can_submit_for_state_follows_the_table(claim, claimed_country, may_submit_for_senegal):
    senegal = CountryFactory(code="SN")
    user = UserFactory()
    if claim:
        FocalPointFactory(
            user=user, country=CountryFactory(code=claimed_country), verification_status=claim
        )

    assert can_submit_for_state(user, senegal) is may_submit_for_senegal


def test_can_submit_for_state_after_a_rejection_and_a_new_verified_claim():
    senegal = CountryFactory(code="SN")
    france = CountryFactory(code="FR")
    user = UserFactory()
    FocalPointFactory(user=user, country=senegal, verification_status="rejected")
    FocalPointFactory(user=user, country=france, verification_status="verified")

    assert can_submit_for_state(user, france) is True
    assert can_submit_for_state(user, senegal) is False


def test_can_submit_for_state_is_refused_to_visitors_and_to_staff_without_a_claim():
    senegal = CountryFactory(code="SN")
    FocalPointFactory(country=senegal, verification_status="verified")

    assert can_submit_for_state(AnonymousUser(), senegal) is False
    assert can_submit_for_state(StaffFactory(), senegal) is False

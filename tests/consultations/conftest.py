"""What the consultations tests share: published inputs counted by hand."""

import pytest

from consultations import services
from tests.consultations.factories import CallFactory, GuidingQuestionFactory, submitted_input
from tests.factories import (
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    ProfileFactory,
)


@pytest.fixture
def inputs(reference_data):
    """Two published inputs (one named for its organisation, one anonymous), one approved but
    private, one submitted and not yet decided."""
    call = CallFactory(code="ECE")
    GuidingQuestionFactory(call=call, text="What has worked?")
    moderator = ModeratorFactory()
    kenyan = ProfileFactory(country__code="KE", display_name="Wanjiru Kamau").user
    network = OrganisationFactory(name="Kenya Migrant Workers Network")
    MembershipFactory(user=kenyan, organisation=network)
    made = {
        "named": submitted_input(
            call=call,
            author=kenyan,
            answer="Recruitment fees must be banned.",
            objectives=(6,),
            on_behalf="organisation",
            organisation=network,
        ),
        "anonymous": submitted_input(
            call=call,
            author=ProfileFactory(display_name="Amina Diallo").user,
            answer="Les frais de recrutement doivent être interdits.",
            language_code="fr",
            objectives=(6, 7),
            consent="public_anonymous",
        ),
        "private": submitted_input(
            call=call, answer="Kept for the staff only.", objectives=(6,), consent="private"
        ),
        "waiting": submitted_input(call=call, answer="Not decided yet.", objectives=(6,)),
    }
    for key in ("named", "anonymous", "private"):
        services.input_approve(input=made[key], by=moderator)
    return call, made

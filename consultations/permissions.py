"""Who may read, write and submit inputs, and for whom."""

from stakeholders.models import Country, Membership, Organisation

from .models import Call, Input


def organisations_user_may_speak_for(user):
    """Verified organisations in which the user is an active member."""
    return Organisation.objects.verified().filter(
        memberships__user=user, memberships__state=Membership.State.ACTIVE
    )


def states_user_may_speak_for(user):
    """Member States the user is a verified focal point for."""
    return Country.objects.filter(
        focal_points__user=user, focal_points__verification_status="verified"
    )


def submission_options(user, call: Call) -> list[str]:
    """The "on behalf of" choices the user has for this call (empty: may not submit)."""
    if not user.is_authenticated or not user.is_active:
        return []
    options = []
    anyone = call.eligibility == Call.Eligibility.ANYONE
    if anyone:
        options.append(Input.OnBehalf.SELF)
    if (
        anyone or call.eligibility == Call.Eligibility.ORGANISATIONS
    ) and organisations_user_may_speak_for(user).exists():
        options.append(Input.OnBehalf.ORGANISATION)
    if (anyone or call.eligibility == Call.Eligibility.FOCAL_POINTS) and states_user_may_speak_for(
        user
    ).exists():
        options.append(Input.OnBehalf.STATE)
    return options


def can_read_input(user, input: Input) -> bool:
    """Published inputs are public; any other only to its author and to staff."""
    if Input.objects.published().filter(pk=input.pk).exists():
        return True
    return bool(user.is_authenticated and (user.pk == input.author_id or user.is_staff))


def can_edit_input(user, input: Input) -> bool:
    return bool(user.is_authenticated and user.pk == input.author_id and input.is_editable)

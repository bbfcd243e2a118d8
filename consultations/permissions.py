"""Who may read, write and submit inputs, and for whom."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, Q

from stakeholders.models import Country, Membership, Organisation

from .models import Call, Input, ModerationScope

VIEW_INPUTS = "consultations.view_input"
MODERATE_INPUTS = "consultations.moderate_input"


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


def inputs_staff_may_see(user, inputs=None):
    """The submitted inputs a staff member may read in the admin: none without the permission
    to view inputs, and only those of the calls and regions their moderation scope names.

    Drafts are their authors' alone: staff never see them.
    """
    inputs = (Input.objects.all() if inputs is None else inputs).exclude(state=Input.State.DRAFT)
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return inputs.none()
    if not user.has_perm(VIEW_INPUTS):
        return inputs.none()
    if user.is_superuser:
        return inputs
    scope = ModerationScope.objects.filter(moderator=user).first()
    if scope is None:
        return inputs
    calls = list(scope.calls.values_list("pk", flat=True))
    regions = list(scope.regions.values_list("pk", flat=True))
    if not calls and not regions:
        return inputs
    covered = Q(call__in=calls)
    if regions:
        # A regional review's inputs, and inputs to global calls from authors in the region.
        author_in_region = Exists(
            Input.author_regions.through.objects.filter(input=OuterRef("pk"), region__in=regions)
        )
        covered |= Q(call__region__in=regions) | (Q(call__region__isnull=True) & author_in_region)
    return inputs.filter(covered)


def can_moderate(user) -> bool:
    """Active staff with the permission to moderate inputs (their scope limits which)."""
    staff = user.is_authenticated and user.is_active and user.is_staff
    return bool(staff and user.has_perm(MODERATE_INPUTS))


def can_moderate_input(user, input: Input) -> bool:
    return can_moderate(user) and inputs_staff_may_see(user).filter(pk=input.pk).exists()


def can_read_input(user, input: Input) -> bool:
    """Published inputs are public; any other only to its author and to the staff covering it."""
    if Input.objects.published().filter(pk=input.pk).exists():
        return True
    if not user.is_authenticated:
        return False
    return user.pk == input.author_id or inputs_staff_may_see(user).filter(pk=input.pk).exists()


def can_read_as_uploaded(user, input: Input) -> bool:
    """The author and the staff covering the input read its files as uploaded; the public reads
    them without their document metadata unless the input names its author."""
    if not user.is_authenticated:
        return False
    return user.pk == input.author_id or inputs_staff_may_see(user).filter(pk=input.pk).exists()


def moderators():
    """Active staff who hold the permission to moderate, through a group or directly (a
    superuser moderates by joining the Moderator group, like anyone else)."""
    return (
        ModelBackend()
        .with_perm(MODERATE_INPUTS, include_superusers=False)
        .filter(is_staff=True)
        .order_by("email")
    )

"""Every kind of notification the portal sends, declared once: template, defaults, and whether
the recipient may turn it off. Later features add their kinds here, not their own mechanism."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

IMMEDIATELY = "immediately"
DIGEST = "digest"
OFF = "off"


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: str
    description: str
    email: str = IMMEDIATELY  # the default e-mail choice
    in_app: bool = True  # the default in-app choice
    mandatory: bool = False  # security and receipts: always e-mailed, never turned off
    staff_only: bool = False  # sent to staff only: stakeholders never see it in their choices

    @property
    def template(self) -> str:
        return self.code


KINDS = {
    kind.code: kind
    for kind in [
        NotificationKind(
            "welcome",
            _("Welcome"),
            _("The welcome message once your e-mail address is confirmed."),
            mandatory=True,
        ),
        NotificationKind(
            "membership_requested",
            _("Requests to join your organisation"),
            _("Someone asks to join an organisation you administer."),
        ),
        NotificationKind(
            "membership_accepted",
            _("Membership accepted"),
            _("An organisation accepted your request to join it."),
        ),
        NotificationKind(
            "organisation_verified",
            _("Organisation verified"),
            _("The portal's staff verified an organisation you administer."),
        ),
        NotificationKind(
            "organisation_rejected",
            _("Organisation not verified"),
            _("The portal's staff could not verify an organisation you administer."),
        ),
        NotificationKind(
            "focal_point_verified",
            _("Focal point verified"),
            _("The portal's staff verified you as a government focal point."),
        ),
        NotificationKind(
            "focal_point_rejected",
            _("Focal point not verified"),
            _("The portal's staff could not verify you as a government focal point."),
        ),
        NotificationKind(
            "input_receipt",
            _("Receipts for your inputs"),
            _("The reference number and a copy of each input you submit."),
            mandatory=True,
        ),
        NotificationKind(
            "deadline_reminder",
            _("Deadline reminders"),
            _("Your draft input is not submitted and the call closes soon."),
        ),
        NotificationKind(
            "call_deadline_extended",
            _("Deadlines extended"),
            _("A call you follow accepts inputs for longer."),
        ),
        NotificationKind(
            "call_opened",
            _("New calls for inputs"),
            _("A call for inputs opens on an objective or in a region you follow."),
            email=DIGEST,
        ),
        NotificationKind(
            "input_approved",
            _("Inputs approved"),
            _("The moderators approved one of your inputs."),
        ),
        NotificationKind(
            "input_rejected",
            _("Inputs not accepted"),
            _("The moderators did not accept one of your inputs, and why."),
            mandatory=True,
        ),
        NotificationKind(
            "input_changes_requested",
            _("Changes requested to your inputs"),
            _("The moderators ask you to change one of your inputs before they decide."),
            mandatory=True,
        ),
        NotificationKind(
            "input_unpublished",
            _("Inputs unpublished"),
            _("The moderators took one of your published inputs off the public pages, and why."),
            mandatory=True,
        ),
        NotificationKind(
            "report_published",
            _("Reports published"),
            _("The portal published a report compiled from the inputs to a call you follow."),
        ),
        NotificationKind(
            "moderation_backlog",
            _("Moderation backlog (staff)"),
            _("Daily: inputs in the calls you moderate that have waited more than 48 hours."),
            staff_only=True,
        ),
        NotificationKind(
            "report_ready",
            _("Reports compiled (staff)"),
            _("A report you asked to compile is ready to download."),
            staff_only=True,
        ),
        NotificationKind(
            "report_failed",
            _("Reports that failed (staff)"),
            _("A report you asked to compile could not be compiled, and why."),
            staff_only=True,
        ),
    ]
}


def kinds_for(user) -> list[NotificationKind]:
    """The kinds a user can receive, for their preferences page."""
    return [k for k in KINDS.values() if user.is_staff or not k.staff_only]


def kind(code: str) -> NotificationKind:
    """The declared kind; an undeclared code is a programming error."""
    return KINDS[code]

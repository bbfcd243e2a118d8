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
    ]
}


def kind(code: str) -> NotificationKind:
    """The declared kind; an undeclared code is a programming error."""
    return KINDS[code]

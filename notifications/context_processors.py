"""The unread count of the bell in the header: one query per page, for signed-in users only."""

from .models import Notification


def unread_notices(request) -> dict:
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {"unread_notice_count": Notification.objects.for_notices(user).unread().count()}

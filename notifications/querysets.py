"""Named read paths for notifications."""

from django.db import models


class NotificationQuerySet(models.QuerySet):
    def for_notices(self, user):
        """The user's in-app notices, newest first."""
        return self.filter(recipient=user, in_app=True)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def digest_due(self):
        """Notifications waiting for their recipient's next daily digest."""
        return self.filter(email_choice="digest", email__isnull=True)

"""Named read paths for reviews and reports."""

from django.db import models


class ReportVersionQuerySet(models.QuerySet):
    def published(self):
        """Versions staff have published: the only ones visitors may read or download."""
        return self.filter(published_at__isnull=False)

    def of_call(self, call):
        """Versions of the reports on a call, or on the review that call collects for."""
        return self.filter(models.Q(report__call=call) | models.Q(report__review__call=call))

"""Named read paths for consultation models."""

from django.db import models


class ObjectiveQuerySet(models.QuerySet):
    def with_cluster(self):
        """Objectives with their IMRF cluster loaded in the same query."""
        return self.select_related("cluster")

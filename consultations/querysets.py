"""Named read paths for consultation models."""

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

# What the public may read: published, and not kept private by its author.
PUBLISHED = models.Q(published_at__isnull=False) & ~models.Q(consent="private")


class ObjectiveQuerySet(models.QuerySet):
    def with_cluster(self):
        """Objectives with their IMRF cluster loaded in the same query."""
        return self.select_related("cluster")


class CallQuerySet(models.QuerySet):
    def open(self, at=None):
        """Calls accepting inputs now."""
        at = at or timezone.now()
        return self.filter(opens_at__lte=at, closes_at__gt=at)

    def upcoming(self, at=None):
        return self.filter(opens_at__gt=at or timezone.now())

    def closed(self, at=None):
        return self.filter(closes_at__lte=at or timezone.now())

    def with_status(self, status: str, at=None):
        return {"open": self.open, "upcoming": self.upcoming, "closed": self.closed}[status](at)

    def with_published_count(self):
        """Annotate published_count: the inputs the public can read (one indexed count each)."""
        published = (
            self.model.inputs.rel.related_model.objects.published()
            .filter(call=models.OuterRef("pk"))
            .order_by()
            .values("call")
            .annotate(count=models.Count("*"))
            .values("count")
        )
        return self.annotate(published_count=Coalesce(models.Subquery(published), 0))


class InputQuerySet(models.QuerySet):
    def published(self):
        """Inputs the public may read: published, with consent to publish.

        The one place where publication consent is applied: pages, API, exports and reports
        all start here.
        """
        return self.filter(PUBLISHED)

    def naming_their_author(self):
        """Inputs whose public attribution is their author's own name (Input.names_its_author)."""
        return self.filter(consent="public_named", on_behalf="self", author__is_active=True)

    def by_author(self, user):
        return self.filter(author=user)

    def with_public_relations(self):
        """What a public list or detail shows, loaded without one query per input."""
        return self.select_related(
            "organisation", "language", "author_group", "author_country", "author__profile"
        ).prefetch_related("objectives", "principles")

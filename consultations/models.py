"""The Compact's own vocabulary: its 23 objectives, 10 guiding principles and the IMRF clusters."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .querysets import ObjectiveQuerySet


class ObjectiveCluster(models.Model):
    """One of the four roundtable clusters of the International Migration Review Forum."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    theme = models.CharField(_("theme"), max_length=250)

    class Meta:
        ordering = ["number"]
        verbose_name = _("objective cluster")
        verbose_name_plural = _("objective clusters")

    def __str__(self) -> str:
        return gettext("Cluster %(number)s: %(theme)s") % {
            "number": self.number,
            "theme": gettext(self.theme),
        }


class Objective(models.Model):
    """One of the GCM's 23 objectives (A/RES/73/195, paragraphs 17 to 39)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=250)
    gcm_paragraph = models.PositiveSmallIntegerField(_("GCM paragraph"))
    cluster = models.ForeignKey(
        ObjectiveCluster,
        on_delete=models.PROTECT,
        related_name="objectives",
        verbose_name=_("IMRF cluster"),
        null=True,
        blank=True,
    )

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=23), name="objective_number_1_to_23"
            ),
        ]

    def __str__(self) -> str:
        return gettext("Objective %(number)s: %(title)s") % {
            "number": self.number,
            "title": self.translated_title,
        }

    @property
    def translated_title(self) -> str:
        return gettext(self.title)


class GuidingPrinciple(models.Model):
    """One of the GCM's 10 cross-cutting guiding principles (paragraph 15)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    gcm_paragraph = models.CharField(_("GCM paragraph"), max_length=10)

    class Meta:
        ordering = ["number"]
        verbose_name = _("guiding principle")
        verbose_name_plural = _("guiding principles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=10), name="principle_number_1_to_10"
            ),
        ]

    def __str__(self) -> str:
        return gettext(self.name)

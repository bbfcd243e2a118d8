"""Reviews of the Compact: regional reviews and the International Migration Review Forum."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Review(models.Model):
    """A regional review (one regional commission, a year) or an IMRF edition (global).

    Each review collects stakeholder inputs through its own call for inputs.
    """

    class Kind(models.TextChoices):
        REGIONAL = "regional", _("regional review")
        IMRF = "imrf", _("International Migration Review Forum")

    call = models.OneToOneField(
        "consultations.Call",
        on_delete=models.CASCADE,
        related_name="review",
        verbose_name=_("call"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    round = models.PositiveSmallIntegerField(_("round"), null=True, blank=True)
    conference_starts_on = models.DateField(_("conference starts on"), null=True, blank=True)
    conference_ends_on = models.DateField(_("conference ends on"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year", "kind"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return str(self.call)

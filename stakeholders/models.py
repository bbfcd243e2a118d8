"""Accounts and the reference data about stakeholders: groups, countries, regions, languages."""

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .querysets import UserManager


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account; the e-mail address is the login."""

    email = models.EmailField(_("e-mail address"), unique=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the user can sign in to the administration."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Unselect this instead of deleting accounts."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)


class TranslatedName:
    """Reference rows keep their English name; the interface shows it in the reader's language."""

    name: str

    def __str__(self) -> str:
        return gettext(self.name)


class StakeholderGroup(TranslatedName, models.Model):
    """A constituency named by the GCM (paragraphs 15(j) and 44), or a State or UN body."""

    class Kind(models.TextChoices):
        CONSTITUENCY = "constituency", _("GCM stakeholder constituency")
        MEMBER_STATE = "member_state", _("Member State")
        INTERNATIONAL = "international", _("UN or international organisation")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    gcm_paragraphs = models.CharField(
        _("GCM paragraphs"), max_length=40, blank=True, help_text=_("For example: 15(j), 44")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("stakeholder group")
        verbose_name_plural = _("stakeholder groups")


class Region(TranslatedName, models.Model):
    """One of the five UN regional commissions, whose regional reviews follow up the GCM."""

    code = models.SlugField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=120)
    commission = models.CharField(_("regional commission"), max_length=200)
    headquarters = models.CharField(_("headquarters"), max_length=80)
    countries = models.ManyToManyField(
        "Country",
        through="RegionMembership",
        related_name="regions",
        verbose_name=_("countries"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Country(models.Model):
    """A country or territory (ISO 3166-1); its name comes translated from django-countries."""

    code = CountryField(_("country"), unique=True)
    is_un_member_state = models.BooleanField(_("UN Member State"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return str(self.code.name)


class RegionMembership(models.Model):
    """A country's membership of a regional commission; a country may belong to several."""

    class Status(models.TextChoices):
        MEMBER = "member", _("member")
        ASSOCIATE = "associate", _("associate member")

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("region")
    )
    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("country")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.MEMBER
    )
    within_region = models.BooleanField(
        _("within the region"),
        default=True,
        help_text=_(
            "Whether the country lies in the region and so takes part in its regional "
            "review (some commissions also count members from outside the region)."
        ),
    )

    class Meta:
        ordering = ["region", "country"]
        verbose_name = _("regional commission membership")
        verbose_name_plural = _("regional commission memberships")
        constraints = [
            models.UniqueConstraint(fields=["region", "country"], name="region_country_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.region.code}: {self.country}"


class Language(TranslatedName, models.Model):
    """A language inputs may be written in; the six UN languages to begin with."""

    class Direction(models.TextChoices):
        LTR = "ltr", _("left to right")
        RTL = "rtl", _("right to left")

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=60)
    native_name = models.CharField(_("native name"), max_length=60)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.LTR
    )
    is_un_official = models.BooleanField(_("official UN language"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

"""Accounts and the reference data about stakeholders: groups, countries, regions, languages."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .querysets import (
    CountryQuerySet,
    FocalPointQuerySet,
    MembershipQuerySet,
    OrganisationQuerySet,
    UserManager,
)


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
    # Erasure is asked for (the account is closed at once, in one transaction), then carried
    # out app by app; a sweeper completes an erasure that a crash interrupted.
    erasure_requested_at = models.DateTimeField(
        _("erasure requested at"), null=True, blank=True, editable=False
    )
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("export_personal_data", _("Can export a person's data at their request")),
            ("erase_personal_data", _("Can erase a person's account at their request")),
        ]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    @property
    def language(self) -> str:
        """The language the portal writes to this user in."""
        profile = getattr(self, "profile", None)
        return profile.preferred_language if profile else settings.LANGUAGE_CODE

    @property
    def display_name(self) -> str:
        profile = getattr(self, "profile", None)
        return profile.display_name if profile and profile.display_name else self.email


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

    objects = CountryQuerySet.as_manager()

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


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("pending verification")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")


class StaffVerified(models.Model):
    """Something staff verify or reject (with a reason), and who decided when."""

    verification_status = models.CharField(
        _("verification"),
        max_length=10,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
        db_index=True,
    )
    verification_reason = models.TextField(_("reason for the decision"), blank=True)
    verified_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        "User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(verification_status="rejected")
                | ~models.Q(verification_reason=""),
                name="%(app_label)s_%(class)s_rejection_has_reason",
            ),
        ]

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED


class Profile(models.Model):
    """Who a user is as a stakeholder: group, country, languages and interests."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="profile", verbose_name=_("user")
    )
    display_name = models.CharField(
        _("display name"),
        max_length=120,
        help_text=_("Shown with your inputs when you choose to publish them with your name."),
    )
    stakeholder_group = models.ForeignKey(
        StakeholderGroup,
        on_delete=models.PROTECT,
        null=True,
        related_name="profiles",
        verbose_name=_("stakeholder group"),
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        related_name="residents",
        verbose_name=_("country of residence"),
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The portal writes to you in this language."),
    )
    languages_read = models.ManyToManyField(
        Language, blank=True, related_name="readers", verbose_name=_("languages you read")
    )
    objectives_of_interest = models.ManyToManyField(
        "consultations.Objective",
        blank=True,
        related_name="interested_profiles",
        verbose_name=_("objectives of interest"),
    )
    regions_of_interest = models.ManyToManyField(
        Region,
        blank=True,
        related_name="interested_profiles",
        verbose_name=_("regions of interest"),
    )
    terms_version = models.CharField(_("terms version accepted"), max_length=20, blank=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return self.display_name or self.user.email


class Organisation(StaffVerified):
    """An organisation stakeholders speak for; staff verify it before anyone may."""

    name = models.CharField(_("name"), max_length=200)
    normalized_name = models.CharField(
        _("normalised name"),
        max_length=200,
        unique=True,
        editable=False,
        help_text=_("The name without case, accents or punctuation, to catch duplicates."),
    )
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    stakeholder_group = models.ForeignKey(
        StakeholderGroup,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("stakeholder group"),
    )
    headquarters_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="headquartered_organisations",
        verbose_name=_("headquarters country"),
    )
    countries_of_operation = models.ManyToManyField(
        Country,
        blank=True,
        related_name="operating_organisations",
        verbose_name=_("countries of operation"),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("short description"), max_length=1500, blank=True)
    has_ecosoc_status = models.BooleanField(
        _("ECOSOC consultative status"),
        default=False,
        help_text=_("The organisation has consultative status with ECOSOC."),
    )
    accreditation = models.CharField(
        _("other accreditation"),
        max_length=300,
        blank=True,
        help_text=_("For example: accredited to the IMRF, observer to IOM."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = StaffVerified.Meta.constraints

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Membership(models.Model):
    """A user's place in an organisation: requested, active or removed; member or admin."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        MEMBER = "member", _("member")

    class State(models.TextChoices):
        PENDING = "pending", _("requested")
        ACTIVE = "active", _("active")
        REMOVED = "removed", _("removed")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "-role", "created_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class Invitation(models.Model):
    """An invitation e-mailed to a colleague; its link is signed, expires and works once."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class FocalPoint(StaffVerified):
    """A user's claim, checked by staff, to represent a Member State's government."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="focal_points", verbose_name=_("user")
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="focal_points",
        verbose_name=_("Member State"),
        limit_choices_to={"is_un_member_state": True},
    )
    position = models.CharField(
        _("position and institution"),
        max_length=200,
        help_text=_("For example: Director, Department of Migration, Ministry of the Interior."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FocalPointQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("government focal point")
        verbose_name_plural = _("government focal points")
        constraints = [
            *StaffVerified.Meta.constraints,
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(verification_status__in=["pending", "verified"]),
                name="focal_point_one_open_claim_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.country}"


class ApiToken(models.Model):
    """A personal API token: its owner's key to the API from their own tools. Only a hash of
    the key is kept; the key itself is shown once, when the token is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("beginning of the key"), max_length=12)
    key_hash = models.CharField(_("key hash (SHA-256)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "user",
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_name_unique_per_user_while_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotentRequest(models.Model):
    """The answer given to an API request sent with an Idempotency-Key header, kept for a day:
    the same request sent again (a retry after a lost connection) gets the same answer instead
    of being carried out twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="idempotent_requests",
        verbose_name=_("user"),
    )
    key = models.CharField(_("idempotency key"), max_length=200)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=300)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    body = models.JSONField(_("body"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotent API request")
        verbose_name_plural = _("idempotent API requests")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"

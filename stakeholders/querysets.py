"""Named read paths and the manager for stakeholder models."""

from django.contrib.auth.base_user import BaseUserManager
from django.db import models


class UserManager(BaseUserManager):
    """Creates users whose login is their e-mail address."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def interested_in(self, *, objectives=(), regions=()):
        """Active users who follow any of these objectives or regions (for "call opened")."""
        condition = models.Q(profile__objectives_of_interest__in=objectives) | models.Q(
            profile__regions_of_interest__in=regions
        )
        return self.filter(condition, is_active=True).distinct()


class CountryQuerySet(models.QuerySet):
    def member_states(self):
        """The 193 UN Member States."""
        return self.filter(is_un_member_state=True)


class OrganisationQuerySet(models.QuerySet):
    def verified(self):
        """Organisations staff have verified: the only ones shown publicly."""
        return self.filter(verification_status="verified")

    def with_active_member_count(self):
        """Annotate active_member_count."""
        return self.annotate(
            active_member_count=models.Count(
                "memberships", filter=models.Q(memberships__state="active")
            )
        )

    def search(self, text: str):
        """Name, acronym or description containing the text (case-insensitive)."""
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text)
            | models.Q(acronym__icontains=text)
            | models.Q(description__icontains=text)
        )


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state="active")

    def admins(self):
        """Active administrators."""
        return self.filter(state="active", role="admin")


class FocalPointQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verification_status="verified")

"""factory_boy factories for the portal's models."""

import factory
from allauth.account.models import EmailAddress

from stakeholders.models import User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A stakeholder whose e-mail address is verified, with the password PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True

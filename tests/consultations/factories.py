"""factory_boy factories for calls, guiding questions and inputs, and a complete submission."""

from datetime import timedelta

import factory
from django.utils import timezone

from consultations import services
from consultations.models import Call, GuidingPrinciple, GuidingQuestion, Input, Objective
from stakeholders.models import Language
from tests.factories import ProfileFactory, UserFactory

# (code, English name, native name, direction), as in the reference data.
LANGUAGES = {
    "en": ("English", "English", "ltr"),
    "fr": ("French", "Français", "ltr"),
    "es": ("Spanish", "Español", "ltr"),
    "ar": ("Arabic", "العربية", "rtl"),
    "ru": ("Russian", "Русский", "ltr"),
    "zh": ("Chinese", "中文", "ltr"),
}


def language(code: str) -> Language:
    """The Language row of a code, created when the reference data is not loaded."""
    name, native_name, direction = LANGUAGES[code]
    row, _created = Language.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "native_name": native_name,
            "direction": direction,
            "is_un_official": True,
        },
    )
    return row


def objective(number: int) -> Objective:
    """The GCM objective of a number (1 to 23), created when the reference data is not loaded."""
    row, _created = Objective.objects.get_or_create(
        number=number,
        defaults={"title": f"Objective number {number}", "gcm_paragraph": 16 + number},
    )
    return row


def principle(number: int) -> GuidingPrinciple:
    """The guiding principle of a number (1 to 10), created without the reference data."""
    row, _created = GuidingPrinciple.objects.get_or_create(
        number=number,
        defaults={
            "code": f"principle-{number}",
            "name": f"Guiding principle {number}",
            "gcm_paragraph": f"15({number})",
        },
    )
    return row


class AuthorFactory(UserFactory):
    """A stakeholder with a profile (group, country, preferred language): someone who writes."""

    profile = factory.RelatedFactory(ProfileFactory, factory_related_name="user")


class CallFactory(factory.django.DjangoModelFactory):
    """A regional review's call, open since yesterday for thirty more days, open to anyone."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    kind = Call.Kind.REGIONAL_REVIEW
    code = "ECE"
    title = factory.Sequence(lambda n: f"Regional review number {n} of the Global Compact")
    summary = "Share progress, gaps and recommendations on the Global Compact for Migration."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    eligibility = Call.Eligibility.ANYONE
    pre_moderation = True

    @factory.post_generation
    def accepted_languages(self, create, extracted, **kwargs):
        if create:
            codes = extracted if extracted is not None else ["en", "fr", "es", "ar"]
            self.accepted_languages.set([language(code) for code in codes])

    @factory.post_generation
    def objectives(self, create, extracted, **kwargs):
        if create and extracted:
            self.objectives.set([objective(number) for number in extracted])


class GuidingQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuidingQuestion

    call = factory.SubFactory(CallFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Guiding question {n}: what progress has been made?")
    required = True
    max_chars = 3000


class InputFactory(factory.django.DjangoModelFactory):
    """A draft, as input_create_draft leaves it."""

    class Meta:
        model = Input

    call = factory.SubFactory(CallFactory)
    author = factory.SubFactory(AuthorFactory)
    language = factory.LazyFunction(lambda: language("en"))
    state = Input.State.DRAFT


DEFAULT_ANSWER = "Migrants need access to basic services and to justice."


def submitted_input(
    *,
    call: Call | None = None,
    author=None,
    answer: str = DEFAULT_ANSWER,
    language_code: str = "en",
    objectives=(1,),
    principles=(),
    consent: str = Input.Consent.PUBLIC_NAMED,
    on_behalf: str | None = None,
    organisation=None,
    state_country=None,
) -> Input:
    """An input written and submitted through the services, as the pages do it.

    Every question of the call is answered with `answer`; a call without questions gets one.
    The receipt is queued on commit: run the callbacks to send it.
    """
    call = call or CallFactory()
    if not call.questions.exists():
        GuidingQuestionFactory(call=call)
    author = author or AuthorFactory()
    draft = services.input_create_draft(call=call, author=author)
    services.input_save(
        input=draft,
        by=author,
        answers={question.pk: answer for question in call.questions.all()},
        language=language(language_code),
        objectives=[objective(number) for number in objectives],
        principles=[principle(number) for number in principles],
        consent=consent,
        on_behalf=on_behalf,
        organisation=organisation,
        state_country=state_country,
    )
    return services.input_submit(input=draft, by=author)

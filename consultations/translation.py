"""Texts staff write in each UN language (django-modeltranslation): English is the fallback."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as keep_history

from .models import Call, GuidingQuestion, ThematicConsultation


@register(Call)
class CallTranslation(TranslationOptions):
    fields = ("title", "summary")
    required_languages = ("en",)


@register(GuidingQuestion)
class GuidingQuestionTranslation(TranslationOptions):
    fields = ("text", "help_text")
    required_languages = {"en": ("text",)}


@register(ThematicConsultation)
class ThematicConsultationTranslation(TranslationOptions):
    fields = ("theme",)


# The history of calls (audit) includes every language's title and summary, so it is set up
# once modeltranslation has added those fields.
keep_history(Call, excluded_fields=["opened_notice_sent_at"], app="consultations")

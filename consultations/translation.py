"""Texts staff write in each UN language (django-modeltranslation): English is the fallback."""

from modeltranslation.translator import TranslationOptions, register

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

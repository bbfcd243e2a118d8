"""Texts staff write in each UN language (django-modeltranslation): English is the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import Report


@register(Report)
class ReportTranslation(TranslationOptions):
    """A report is compiled in the language of the person who asks for it: its title and
    introduction then read in that language, or in English where staff left it empty."""

    fields = ("title", "introduction")
    required_languages = {"en": ("title",)}

"""The published reports of a call, for its public page (which belongs to consultations, an
app that does not import reviews)."""

from django import template

from gcmportal.typeset import right_to_left

from ..services import published_report_versions
from ..views import PUBLIC_FORMATS

register = template.Library()


@register.simple_tag
def published_reports(call) -> list[dict]:
    """Each published version with the files visitors may download and their sizes (for
    readers on slow connections to choose)."""
    return [
        {
            "version": version,
            "files": [
                {"format": file_format, "size": stored.size}
                for file_format, field in version.files()
                if file_format in PUBLIC_FORMATS and (stored := getattr(version, field))
            ],
        }
        for version in published_report_versions(call)
    ]


@register.filter
def direction(text) -> str:
    """ "rtl" or "ltr" by the text's first strong character: what dir="auto" does in browsers,
    written out for the report's HTML, whose parts are also read as one file."""
    return "rtl" if right_to_left(str(text)) else "ltr"

"""PDFs the portal writes (copies of inputs, reports): WeasyPrint with the portal's own fonts
(static/fonts), so that Arabic, Chinese and Cyrillic text renders on any machine."""

from functools import cache

from django.conf import settings
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration


@cache
def _fonts() -> tuple[FontConfiguration, CSS]:
    """Loaded once per process: a report's PDF is written in many parts."""
    font_config = FontConfiguration()
    stylesheet = CSS(
        filename=str(settings.BASE_DIR / "static" / "css" / "pdf.css"), font_config=font_config
    )
    return font_config, stylesheet


def pdf_document(html: str, *, base_url: str | None = None) -> Document:
    """`html` laid out in pages, ready to be written (`.write_pdf(target)`) or counted."""
    font_config, stylesheet = _fonts()
    return HTML(string=html, base_url=base_url).render(
        stylesheets=[stylesheet], font_config=font_config
    )


def pdf_write(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of `html`, as bytes."""
    return pdf_document(html, base_url=base_url).write_pdf()

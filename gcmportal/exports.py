"""Streamed CSV downloads, safe to open in a spreadsheet (no formula runs from user text)."""

import csv
import re
from collections.abc import Iterable

from django.http import StreamingHttpResponse

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Characters XML 1.0 cannot hold (control characters but tab and line breaks, lone surrogates,
# U+FFFE and U+FFFF): XLSX and DOCX files are XML, and these are never meaningful in a text.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value) -> str:
    """The value as text without the characters an XML file cannot hold."""
    return XML_ILLEGAL.sub("", "" if value is None else str(value))


def spreadsheet_safe(value) -> str:
    """The value as text, with a leading apostrophe where a spreadsheet would see a formula,
    and without the control characters a spreadsheet file cannot hold."""
    text = xml_safe(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_download(
    *, filename: str, header: list[str], rows: Iterable[list]
) -> StreamingHttpResponse:
    """A CSV file written row by row as it is sent: flat memory whatever the number of rows.

    UTF-8 with a byte-order mark, so that spreadsheet programs read Arabic and Chinese right.
    """
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([spreadsheet_safe(cell) for cell in header])
        for row in rows:
            yield writer.writerow([spreadsheet_safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

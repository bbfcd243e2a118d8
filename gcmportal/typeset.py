"""PDFs typeset by Typst (https://typst.app, the `typst` wheel) from a template and JSON data,
with the portal's own fonts (static/fonts), so that Arabic, Chinese and Cyrillic text renders on
any machine.

The data reaches the template as a string in `sys.inputs.data` and the template reads it with
`json(bytes(...))`: user text is only ever a string there, printed as it is, never markup.

Each document is typeset in a child process (`python -m gcmportal.typeset`): Typst keeps caches
for the life of its process, which would make a long compilation of a report grow in memory
batch after batch, and a child runs on another core while the parent goes on with its work.
The child prints what the template marked for the parent (pages where chapters start, and the
number of pages) as JSON.
"""

import json
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import get_language, get_language_bidi

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"


class TypesetError(RuntimeError):
    """Typst could not typeset the document (its message says why)."""


@dataclass
class Typeset:
    """A document being typeset in a child process; `result()` waits for it."""

    process: subprocess.Popen
    output: Path

    def result(self) -> dict:
        """{"pages": number of pages, "starts": {key: physical page}} once the PDF is written."""
        stdout, stderr = self.process.communicate()
        if self.process.returncode:
            raise TypesetError(stderr.decode(errors="replace").strip()[-2000:])
        return json.loads(stdout)


def typeset(template: Path, data_file: Path, output: Path, *, first_page: int = 1) -> Typeset:
    """Start typesetting `template` with the JSON in `data_file` into the PDF `output`, its
    pages numbered from `first_page` (which the template reads as `sys.inputs.first_page`)."""
    arguments = [str(template), str(data_file), str(output), str(first_page)]
    process = subprocess.Popen(  # noqa: S603 -- our interpreter and module, paths we made
        [sys.executable, "-m", "gcmportal.typeset", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return Typeset(process, output)


def typeset_bytes(template: Path, data: dict) -> bytes:
    """The PDF of `template` with `data`, as bytes (a document of a few pages)."""
    with tempfile.TemporaryDirectory(prefix="gcm-typeset-") as workdir:
        data_file = Path(workdir) / "data.json"
        data_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        job = typeset(template, data_file, Path(workdir) / "document.pdf")
        job.result()
        return job.output.read_bytes()


def right_to_left(text: str) -> bool:
    """Whether text reads right to left, by its first strong character (as dir="auto" does)."""
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def typst_language(code: str) -> str | None:
    """The ISO 639 code Typst takes for a language ("zh-hans" is "zh"), or None."""
    language = (code or "").split("-")[0].lower()
    valid = language.isascii() and language.isalpha() and 2 <= len(language) <= 3
    return language if valid else None


def reader_language() -> dict:
    """The document's language and direction: the reader's (the active language)."""
    return {
        "lang": typst_language(get_language()) or "en",
        "dir": "rtl" if get_language_bidi() else "ltr",
    }


def _compile(template: str, data_file: str, output: str, first_page: str) -> dict:
    import typst  # only in the child

    compiler = typst.Compiler(
        template,
        root=str(Path(template).parent),
        font_paths=[str(FONTS)],
        ignore_system_fonts=True,
        sys_inputs={
            "data": Path(data_file).read_text(encoding="utf-8"),
            "first_page": first_page,
        },
    )
    compiler.compile(output=output)
    starts = json.loads(compiler.query("<start>", field="value"))  # none in some templates
    pages = json.loads(compiler.query("<end>", field="value"))
    return {
        "starts": {start["key"]: start["page"] for start in starts},
        "pages": pages[0] if pages else 0,
    }


if __name__ == "__main__":
    print(json.dumps(_compile(*sys.argv[1:5])))

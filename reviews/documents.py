"""The report's document: cover, figures with their charts, one chapter per objective quoting
the answers that address it, and the annex.

The document is read once from the database as a sequence of parts (the front matter, chapters
cut into parts of at most PART_QUOTES quotes, the annex) and each part goes to every writer in
turn: the HTML file, the PDF (typeset in batches, so that memory stays flat whatever the number
of inputs, then bound into one file) and the DOCX (its body written out part by part).
"""

import html
import io
import json
import queue
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import groupby, islice
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import docx
import pypdf
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import get_language_bidi, gettext
from docx.enum.section import WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import _Cell
from lxml import etree

from consultations.models import Answer, Attachment, Input, Objective
from gcmportal.exports import xml_safe
from gcmportal.typeset import Typeset, reader_language, right_to_left, typeset, typst_language
from stakeholders.models import Country, StakeholderGroup

CHUNK = 1000
# Quotes per part of a chapter, read and written by every writer in turn.
PART_QUOTES = 150
# Quotes per batch of the PDF that Typst typesets in one child process (about 300 pages, some
# 400 MB of memory).
BATCH_QUOTES = 1000
# Shares of the documents' progress: the chapters up to CHAPTERS_TO, other work of the job
# (`meanwhile`) between MEANWHILE_FROM and MEANWHILE_TO, then the PDF is finished.
CHAPTERS_TO, MEANWHILE_FROM, MEANWHILE_TO = 0.75, 0.8, 0.95


@dataclass
class Part:
    kind: str  # "front", "chapter" or "annex"
    context: dict


def bar_chart(rows: list[tuple[str, int]]) -> list[dict]:
    """Bars of a summary table, each as a share of the largest (for an SVG drawn in CSS units)."""
    largest = max((count for _label, count in rows), default=0) or 1
    return [
        {"label": label, "count": count, "percent": round(100 * count / largest, 1)}
        for label, count in rows
    ]


def heat_map(inputs) -> dict:
    """Objective x stakeholder group: rows of objectives, a cell per group, shaded by count."""
    cells = {
        (row["objectives__number"], row["author_group"]): row["count"]
        for row in inputs.order_by()
        .values("objectives__number", "author_group")
        .annotate(count=Count("pk", distinct=True))
    }
    groups = [g for g in StakeholderGroup.objects.all() if any(k[1] == g.pk for k in cells)]
    largest = max(cells.values(), default=0) or 1
    return {
        "groups": groups,
        "rows": [
            {
                "objective": number,
                "cells": [
                    {
                        "count": cells.get((number, group.pk), 0),
                        "shade": round(cells.get((number, group.pk), 0) / largest, 2),
                    }
                    for group in groups
                ],
            }
            for number in range(1, 24)
        ],
    }


def document_parts(*, version, input_ids: list[int], figures: dict) -> Iterator[Part]:
    """The parts of the document, in order, read from the database as they are needed."""
    report = version.report
    call = report.call or report.review.call
    inputs = Input.objects.filter(pk__in=input_ids)
    published = inputs.published()
    objectives = list(Objective.objects.all())
    countries = {country.pk: str(country) for country in Country.objects.all()}
    quotes = (
        Answer.objects.filter(input__in=published.values("pk"))
        .exclude(text="")
        .annotate(objective_number=F("input__objectives__number"))
        .filter(objective_number__isnull=False)
    )
    quote_count = quotes.count()
    yield Part(
        "front",
        {
            "report": report,
            "call": call,
            "review": report.review or getattr(call, "review", None),
            "version": version,
            "generated_at": timezone.now(),
            "input_count": len(input_ids),
            "quoted_count": published.count(),
            "quote_count": quote_count,
            "figures": [
                {"title": title, "rows": rows, "bars": bar_chart(rows)}
                for title, rows in figures.items()
            ],
            "heat_map": heat_map(inputs),
            "contents": [
                {"anchor": "figures", "title": gettext("Summary figures")},
                *(
                    {"anchor": f"objective-{objective.number}", "title": str(objective)}
                    for objective in objectives
                ),
                {"anchor": "annex", "title": gettext("Annex")},
            ],
        },
    )
    quotes = quotes.select_related(
        "question",
        "input__organisation",
        "input__state_country",
        "input__author__profile",
        "input__author_group",
        "input__language",
    ).order_by("objective_number", "question__position", "question_id", "input__reference")
    chapters = groupby(quotes.iterator(chunk_size=CHUNK), key=lambda a: a.objective_number)
    pending = next(chapters, None)
    done = 0
    for objective in objectives:
        answers = iter(())
        if pending is not None and pending[0] == objective.number:
            answers = pending[1]
        first, previous_question = True, None
        while True:
            part = list(islice(answers, PART_QUOTES))
            if not part and not first:
                break
            for answer in part:
                answer.text = xml_safe(answer.text)
                # Worked out once for the three writers.
                answer.attribution = answer.input.public_attribution
                answer.country = countries.get(answer.input.author_country_id, "")
                source = answer.attribution
                if answer.country:
                    source += f" ({answer.country})"
                answer.source = xml_safe(f"— {source} · {answer.input.reference}")
            questions = []
            for question, group in groupby(part, key=lambda a: a.question):
                questions.append((question, list(group), question == previous_question))
                previous_question = question
            done += len(part)
            yield Part(
                "chapter",
                {
                    "objective": objective,
                    "first": first,
                    "questions": questions,
                    "done": done,
                    "total": quote_count,
                },
            )
            first = False
            if len(part) < PART_QUOTES:
                break
        if pending is not None and pending[0] == objective.number:
            pending = next(chapters, None)
    yield Part(
        "annex",
        {
            "organisations": contributing_organisations(published, countries),
            # Read once for the three writers: a row per input, small beside the chapters.
            "index": list(
                published.select_related("organisation", "state_country", "author__profile")
                .prefetch_related("objectives")
                .order_by("reference")
            ),
            "attachments": Attachment.objects.filter(input__in=published.values("pk"))
            .select_related("input")
            .order_by("input__reference", "uploaded_at"),
        },
    )


def contributing_organisations(published, countries: dict[int, str]) -> list[tuple[str, str, str]]:
    """(stakeholder group, country, organisation) of every organisation named in the inputs;
    `countries` gives each country's name by primary key."""
    groups = {g.pk: (g.position, str(g)) for g in StakeholderGroup.objects.all()}
    rows = (
        published.filter(
            consent=Input.Consent.PUBLIC_NAMED,
            on_behalf=Input.OnBehalf.ORGANISATION,
            organisation__isnull=False,
        )
        .order_by()
        .values_list("author_group_id", "author_country_id", "organisation__name")
        .distinct()
    )
    ordered = sorted(
        (
            groups.get(group, (99, ""))[0],
            groups.get(group, (99, ""))[1],
            countries.get(country, ""),
            name,
        )
        for group, country, name in rows
    )
    return [(group, country, name) for _position, group, country, name in ordered]


def _render(part: Part, **extra) -> str:
    return render_to_string(f"reviews/report/{part.kind}.html", {**part.context, **extra})


class HtmlWriter:
    """One HTML file, part after part (the preview in the admin)."""

    def __init__(self, destination):
        self.destination = destination

    def add(self, part: Part) -> None:
        if part.kind == "front":
            title = part.context["report"].title
            head = {"title": title}
            self.destination.write(render_to_string("reviews/report/head.html", head))
        self.destination.write(_render(part))

    def finish(self) -> None:
        self.destination.write(render_to_string("reviews/report/foot.html"))


class PdfWriter:
    """The PDF, typeset by Typst (reviews/report.typ) in batches of about BATCH_QUOTES quotes.

    A batch's data is written to a file as soon as it is gathered, and a thread of this writer
    typesets the batches one after the other, each in a child process (on the other core)
    numbered on from the pages of the ones before, while the job goes on reading and writing
    the other formats: it never waits for Typst before `finish`. The front matter comes last,
    when the contents know on which page each chapter starts (it is numbered i, ii...; the
    chapters 1, 2...), and all is bound in one file with an outline of the chapters.
    """

    TEMPLATE = Path(__file__).resolve().parent / "report.typ"

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.files: list[Path] = []
        self.page = 1  # the first page of the next batch
        self.starts: dict[str, int] = {}
        self.front: Part | None = None
        self.items: list[dict] = []
        self.quotes = 0
        self.chapter = ""  # the chapter that the next batch continues
        self.job: Typeset | None = None
        self.batches: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self.failure: Exception | None = None
        self.typesetter = threading.Thread(
            target=self._typeset_batches, name="typesetter", daemon=True
        )
        self.typesetter.start()
        self.labels = {
            "introduction": gettext("Introduction"),
            "contents": gettext("Contents"),
            "figures": gettext("Summary figures"),
            "category": gettext("Category"),
            "inputs": gettext("Inputs"),
            "no_inputs": gettext("No inputs."),
            "heat_map": gettext("Objectives by stakeholder group"),
            "heat_map_caption": gettext(
                "Number of inputs addressing each objective, by the author's stakeholder group"
            ),
            "objective": gettext("Objective"),
            "no_quotes": gettext("No input that may be quoted addresses this objective."),
            "annex": gettext("Annex"),
            "organisations": gettext("Contributing organisations"),
            "group": gettext("Stakeholder group"),
            "country": gettext("Country"),
            "organisation": gettext("Organisation"),
            "no_organisations": gettext("No organisation is named in the inputs."),
            "index": gettext("Index of inputs by reference"),
            "reference": gettext("Reference"),
            "from": gettext("From"),
            "objectives": gettext("Objectives"),
            "attachments": gettext("Attachments"),
            "no_attachments": gettext("No attachments."),
        }

    def add(self, part: Part) -> None:
        if part.kind == "front":
            self.front = part
        elif part.kind == "chapter":
            self._add_chapter(**part.context)
        else:
            self._add_annex(**part.context)

    def _add_chapter(self, *, objective, first, questions, **_context) -> None:
        if first:
            self.items.append(
                {
                    "kind": "chapter",
                    "key": f"objective-{objective.number}",
                    "title": str(objective),
                    "empty": not questions,
                }
            )
            self.chapter = str(objective)
        for question, answers, continued in questions:
            if not continued or not self.items:
                text = xml_safe(question.text)
                self.items.append({"kind": "question", "text": text, "rtl": right_to_left(text)})
            for answer in answers:
                self.items.append(
                    {
                        "kind": "quote",
                        "text": answer.text,
                        "rtl": right_to_left(answer.text),
                        "lang": typst_language(answer.input.language.code),
                        "source": answer.source,
                    }
                )
            self.quotes += len(answers)
            if self.quotes >= BATCH_QUOTES:
                self._typeset()

    def _add_annex(self, *, organisations, index, attachments) -> None:
        self.items.append(
            {
                "kind": "annex",
                "organisations": [[xml_safe(cell) for cell in row] for row in organisations],
                "index": [
                    [
                        input.reference,
                        xml_safe(input.public_attribution),
                        ", ".join(str(o.number) for o in input.objectives.all()),
                    ]
                    for input in index
                ],
                "attachments": [
                    xml_safe(f"{attachment.input.reference}: {attachment.original_name}")
                    for attachment in attachments
                ],
            }
        )
        self.chapter = gettext("Annex")

    def _data(self, kind: str, **data) -> dict:
        title = xml_safe(self.front.context["report"].title)
        return {
            "kind": kind,
            "title": title,
            **reader_language(),
            "labels": self.labels,
            **data,
        }

    def _typeset_batches(self) -> None:
        """The typesetting thread: each batch in turn, numbered on from the ones before, until
        the writer is finished or closed."""
        while (number := self.batches.get()) is not None:
            if self.failure is not None:
                continue  # a batch failed: the writer fails with its message at `finish`
            try:
                self.job = typeset(
                    self.TEMPLATE,
                    self.workdir / f"{number:05d}.json",
                    self.workdir / f"{number:05d}.pdf",
                    first_page=self.page,
                )
                result = self.job.result()
            except Exception as error:  # handed over to `finish`
                self.failure = error
                continue
            for key, page in result["starts"].items():
                self.starts[key] = self.page + page - 1
            self.page += result["pages"]

    def _wait(self) -> None:
        """Wait for the typesetting thread to typeset every batch given to it."""
        self.batches.put(None)
        self.typesetter.join()
        if self.failure is not None:
            raise self.failure

    def close(self) -> None:
        """Stop typesetting (the compilation failed or was cancelled)."""
        if self.typesetter.is_alive():
            self.batches.put(None)
            if self.job is not None and self.job.process.poll() is None:
                self.job.process.kill()
            self.typesetter.join()

    def _typeset(self) -> None:
        """Hand the items gathered so far to the typesetting thread, as the next batch."""
        if not self.items:
            return
        number = len(self.files) + 1
        data = self._data("body", chapter=self.chapter, items=self.items)
        data_file = self.workdir / f"{number:05d}.json"
        data_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        self.files.append(self.workdir / f"{number:05d}.pdf")
        self.batches.put(number)
        self.items, self.quotes = [], 0

    def finish(self, destination, progress: Callable[[float, str], None]) -> None:
        progress(MEANWHILE_TO, gettext("Typesetting the PDF"))
        self._typeset()
        self._wait()
        context = self.front.context
        report, call, review = context["report"], context["call"], context["review"]
        cover = strip_tags(render_to_string("reviews/report/_cover_lines.html", context))
        subtitle = call.title
        if review:
            subtitle += f" · {review.get_kind_display()} {review.year}"
        data = self._data(
            "front",
            title_rtl=right_to_left(report.title),
            subtitle=xml_safe(subtitle),
            cover=[html.unescape(line.strip()) for line in cover.split("\n") if line.strip()],
            introduction=xml_safe(report.introduction),
            introduction_rtl=right_to_left(report.introduction),
            contents=[
                {
                    "key": entry["anchor"],
                    "title": entry["title"],
                    "page": self.starts.get(entry["anchor"]),
                }
                for entry in context["contents"]
            ],
            figures=[
                {
                    "title": figure["title"],
                    "rows": [
                        [xml_safe(bar["label"]), bar["count"], bar["percent"] / 100]
                        for bar in figure["bars"]
                    ],
                }
                for figure in context["figures"]
            ],
            heat={
                "groups": [str(group) for group in context["heat_map"]["groups"]],
                "rows": [
                    {
                        "objective": row["objective"],
                        "cells": [[cell["count"], cell["shade"]] for cell in row["cells"]],
                    }
                    for row in context["heat_map"]["rows"]
                ],
            },
        )
        data_file = self.workdir / "front.json"
        data_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        front = typeset(self.TEMPLATE, data_file, self.workdir / "front.pdf")
        front_pages = front.result()["pages"]
        progress(MEANWHILE_TO + 0.03, gettext("Binding the PDF"))
        self._bind(destination, front.output, front_pages)

    def _bind(self, destination, front: Path, front_pages: int) -> None:
        """The front matter and the batches in one file, with page labels and an outline."""
        context = self.front.context
        writer = pypdf.PdfWriter()
        for path in [front, *self.files]:
            writer.append(str(path), import_outline=False)
        writer.add_outline_item(title=gettext("Contents"), page_number=0)
        for entry in context["contents"]:
            if entry["anchor"] in self.starts:
                page = front_pages + self.starts[entry["anchor"]] - 1
                writer.add_outline_item(title=entry["title"], page_number=page)
        writer.set_page_label(0, front_pages - 1, style="/r")
        writer.set_page_label(front_pages, len(writer.pages) - 1, style="/D", start=1)
        writer.add_metadata({"/Title": xml_safe(context["report"].title)})
        writer.write(destination)


class DocxWriter:
    """The DOCX, for staff to finish in a word processor: Word's own heading, quote, caption and
    table styles, a table of contents field that the word processor fills in, right-to-left
    paragraphs where the text is.

    Each part is added to a python-docx document (for its styles and tables), then written out
    to a temporary file of the body's XML and taken out of the document, which therefore never
    holds more than one part: `finish` puts the body between the document's head and its final
    section properties in the DOCX's zip, streamed.
    """

    BLUE = RGBColor(0x00, 0x3F, 0x6E)

    def __init__(self, body_file):
        self.document = docx.Document()
        self.bidi = get_language_bidi()
        styles = self.document.styles
        styles["Normal"].font.name = "Noto Sans"
        styles["Normal"].font.size = Pt(10.5)
        for level in (1, 2, 3):
            styles[f"Heading {level}"].font.color.rgb = self.BLUE
        self.style_ids = {
            name: styles[name].style_id
            for name in (
                "Normal",
                "Title",
                "Heading 1",
                "Heading 2",
                "Quote",
                "Caption",
                "List Bullet",
            )
        }
        self.table_style = styles["Table Grid"]
        self.body = self.document.element.body
        # The body's final section properties: new paragraphs go just before them.
        self.end = self.body.get_or_add_sectPr()
        self.body_file = body_file
        # Written out alone, an element declares the namespaces it uses, which the document's
        # root element declares already.
        self.declarations = [
            f' xmlns:{prefix}="{uri}"'.encode()
            for prefix, uri in self.document.element.nsmap.items()
            if prefix
        ]

    def paragraph(self, text: str, style: str = "Normal", *, rtl: bool | None = None) -> None:
        """A paragraph in one of the document's styles (by name), its line breaks kept.

        Written straight to the body file as XML text: a 10,000-input report has hundreds of
        thousands of paragraphs, and building each as python-docx elements first took most of
        the DOCX's time.
        """
        self._write_out()  # what python-docx holds (a table, a section break) comes first
        text = xml_safe(text)
        rtl = rtl if rtl is not None else (self.bidi or right_to_left(text))
        lines = '</w:t><w:br/><w:t xml:space="preserve">'.join(
            xml_escape(line) for line in text.split("\n")
        )
        self.body_file.write(
            (
                f'<w:p><w:pPr><w:pStyle w:val="{self.style_ids[style]}"/>'
                f"{'<w:bidi/>' if rtl else ''}</w:pPr>"
                f"<w:r>{'<w:rPr><w:rtl/></w:rPr>' if rtl else ''}"
                f'<w:t xml:space="preserve">{lines}</w:t></w:r></w:p>'
            ).encode()
        )

    def heading(self, text: str, level: int) -> None:
        self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def table(self, header: list[str], rows, *, shades=None) -> None:
        table = self.document.add_table(rows=1, cols=len(header), style=self.table_style)
        if self.bidi:
            table._tbl.tblPr.append(OxmlElement("w:bidiVisual"))
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = xml_safe(text)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for index, row in enumerate(rows):
            # Row.cells walks the whole table (quadratic over the index of inputs): the new
            # row's own cells are enough.
            cells = [_Cell(tc, table) for tc in table.add_row()._tr.tc_lst]
            for column, (cell, value) in enumerate(zip(cells, row, strict=True)):
                cell.text = xml_safe(value)
                shade = shades[index][column] if shades else None
                if shade:
                    fill = OxmlElement("w:shd")
                    fill.set(qn("w:val"), "clear")
                    fill.set(qn("w:fill"), shade)
                    cell._tc.get_or_add_tcPr().append(fill)

    def add(self, part: Part) -> None:
        getattr(self, f"_add_{part.kind}")(**part.context)
        self._write_out()

    def _write_out(self) -> None:
        """Write the body's elements so far (all but its final section properties) to the body
        file, and take them out of the document."""
        for element in list(self.body.iterchildren()):
            if element is self.end:
                break
            self.body.remove(element)
            xml = etree.tostring(element, encoding="utf-8")
            tag_end = xml.index(b">")
            start_tag = xml[:tag_end]
            for declaration in self.declarations:
                start_tag = start_tag.replace(declaration, b"")
            self.body_file.write(start_tag + xml[tag_end:])

    def _add_front(self, *, report, call, review, version, generated_at, input_count, **context):
        self.heading(report.title, 0)
        self.paragraph(
            f"{call.title} · {review.get_kind_display()} {review.year}" if review else call.title
        )
        cover = strip_tags(
            render_to_string(
                "reviews/report/_cover_lines.html",
                {
                    "call": call,
                    "review": review,
                    "version": version,
                    "generated_at": generated_at,
                    "input_count": input_count,
                    "quoted_count": context["quoted_count"],
                },
            )
        )
        for line in cover.split("\n"):
            if line.strip():
                self.paragraph(html.unescape(line.strip()))
        if report.introduction:
            self.heading(gettext("Introduction"), 1)
            for text in report.introduction.split("\n\n"):
                self.paragraph(text.strip())
        self.heading(gettext("Contents"), 1)
        self._contents_field()
        self.document.add_page_break()
        self.heading(gettext("Summary figures"), 1)
        for figure in context["figures"]:
            self.heading(figure["title"], 2)
            self.table(
                [gettext("Category"), gettext("Inputs")],
                [(label, str(count)) for label, count in figure["rows"]]
                or [(gettext("No inputs."), "")],
            )
        heat = context["heat_map"]
        self.heading(gettext("Objectives by stakeholder group"), 2)
        self.paragraph(
            gettext(
                "Number of inputs addressing each objective, by the author's stakeholder group"
            ),
            "Caption",
        )
        self.table(
            [gettext("Objective"), *(str(group) for group in heat["groups"])],
            [
                [str(row["objective"]), *(str(cell["count"]) for cell in row["cells"])]
                for row in heat["rows"]
            ],
            shades=[
                [None, *(self._shade(cell["shade"]) for cell in row["cells"])]
                for row in heat["rows"]
            ],
        )

    @staticmethod
    def _shade(share: float) -> str | None:
        """The heat map's blue (#1f6fb2) at this strength over white, as Word's hex colour."""
        if not share:
            return None
        return "".join(
            f"{round(255 - (255 - channel) * share):02X}" for channel in (0x1F, 0x6F, 0xB2)
        )

    def _contents_field(self) -> None:
        """Word's TOC field over headings 1-2; the word processor fills it in when updating
        fields (Word asks on opening; LibreOffice: Tools, Update)."""
        paragraph = self.document.add_paragraph()
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), 'TOC \\o "1-2" \\h \\z \\u')
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = gettext("Update this field to see the table of contents.")
        run.append(text)
        field.append(run)
        paragraph._p.append(field)
        settings = self.document.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)

    def _add_chapter(self, *, objective, first, questions, **_context):
        if first:
            self.document.add_section(WD_SECTION.NEW_PAGE)
            self.heading(str(objective), 1)
            if not questions:
                self.paragraph(gettext("No input that may be quoted addresses this objective."))
        for question, answers, continued in questions:
            if not continued:
                self.heading(question.text, 2)
            for answer in answers:
                rtl = right_to_left(answer.text)
                for text in answer.text.split("\n\n"):
                    self.paragraph(text.strip(), "Quote", rtl=rtl)
                self.paragraph(answer.source, "Caption")

    def _add_annex(self, *, organisations, index, attachments):
        self.document.add_section(WD_SECTION.NEW_PAGE)
        self.heading(gettext("Annex"), 1)
        self.heading(gettext("Contributing organisations"), 2)
        self.table(
            [gettext("Stakeholder group"), gettext("Country"), gettext("Organisation")],
            organisations or [(gettext("No organisation is named in the inputs."), "", "")],
        )
        self.heading(gettext("Index of inputs by reference"), 2)
        self.table(
            [gettext("Reference"), gettext("From"), gettext("Objectives")],
            (
                (
                    input.reference,
                    input.public_attribution,
                    ", ".join(str(o.number) for o in input.objectives.all()),
                )
                for input in index
            ),
        )
        self.heading(gettext("Attachments"), 2)
        if not attachments:
            self.paragraph(gettext("No attachments."))
        for attachment in attachments:
            self.paragraph(
                f"{attachment.input.reference}: {attachment.original_name}", "List Bullet"
            )

    def finish(self, destination) -> None:
        self._write_out()
        self.body_file.seek(0)
        skeleton = io.BytesIO()
        self.document.save(skeleton)
        with (
            zipfile.ZipFile(skeleton) as source,
            zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for item in source.infolist():
                if item.filename != "word/document.xml":
                    target.writestr(item, source.read(item.filename))
                    continue
                # The body holds only its final section properties now: the body goes before.
                head, end = source.read(item.filename).split(b"<w:sectPr", 1)
                with target.open(item.filename, "w") as document_xml:
                    document_xml.write(head)
                    shutil.copyfileobj(self.body_file, document_xml)
                    document_xml.write(b"<w:sectPr" + end)


def write_documents(
    *,
    version,
    input_ids: list[int],
    figures: dict,
    html_file,
    pdf_file,
    docx_file,
    progress: Callable[[float, str], None],
    meanwhile: Callable[[], None] = lambda: None,
) -> None:
    """Write the report's HTML (a text file), PDF and DOCX (binary files) from one reading of
    the document; `progress(fraction, step)` is called after each part and at each step of
    finishing the files. `meanwhile` is other work of the job, done while Typst typesets the
    PDF's last batches (its progress is between MEANWHILE_FROM and MEANWHILE_TO)."""
    with (
        tempfile.TemporaryDirectory(prefix="gcm-report-") as workdir,
        tempfile.TemporaryFile() as docx_body,
    ):
        html_writer = HtmlWriter(html_file)
        pdf_writer = PdfWriter(Path(workdir))
        docx_writer = DocxWriter(docx_body)
        try:
            for part in document_parts(version=version, input_ids=input_ids, figures=figures):
                if part.kind == "annex":
                    progress(CHAPTERS_TO, gettext("Annex"))
                for writer in (html_writer, pdf_writer, docx_writer):
                    writer.add(part)
                if part.kind == "chapter":
                    # Half by quotes written, half by chapters: steady for few quotes and many.
                    context = part.context
                    by_quotes = context["done"] / context["total"] if context["total"] else 1
                    by_chapters = context["objective"].number / 23
                    step = gettext("Chapter: %(objective)s") % {"objective": context["objective"]}
                    progress(CHAPTERS_TO * (by_quotes + by_chapters) / 2, step)
            html_writer.finish()
            progress(CHAPTERS_TO + 0.02, gettext("Writing the DOCX"))
            docx_writer.finish(docx_file)
            meanwhile()
            pdf_writer.finish(pdf_file, progress)
        finally:
            pdf_writer.close()

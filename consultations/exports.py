"""Published inputs read for a file, a chunk at a time: the open-data downloads (CSV, JSON
Lines) and the reports' CSV and XLSX share this reading, so memory stays flat whatever the
number of inputs, and attribution is always exactly what the author consented to."""

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy as _

from .models import Answer, Input

CHUNK = 1000


def id_chunks_by_reference(inputs, *, size: int = CHUNK) -> Iterator[list[int]]:
    """The ids of `inputs` (published, so all have a reference) by reference, `size` at a
    time, each chunk read after the one before (keyset pagination: no list of every id)."""
    last = ""
    while True:
        rows = list(
            inputs.filter(reference__gt=last)
            .order_by("reference")
            .values_list("pk", "reference")[:size]
        )
        if not rows:
            return
        yield [pk for pk, _reference in rows]
        last = rows[-1][1]


def published_inputs_with_answers(
    id_chunks: Iterable[list[int]],
) -> Iterator[list[tuple[Input, list[Answer]]]]:
    """For each chunk of ids, its published inputs (by reference) with what a file shows of
    them loaded, each with its non-empty answers in the order of the call's questions."""
    for chunk in id_chunks:
        inputs = (
            Input.objects.published()
            .filter(pk__in=chunk)
            .select_related(
                "call",
                "language",
                "author_group",
                "author_country",
                "organisation",
                "state_country",
                "author__profile",
            )
            .prefetch_related("objectives", "principles", "author_regions")
            .order_by("reference")
        )
        answers: dict[int, list[Answer]] = {}
        for answer in (
            Answer.objects.filter(input__in=chunk)
            .exclude(text="")
            .select_related("question")
            .order_by("input_id", "question__position", "question_id")
        ):
            answers.setdefault(answer.input_id, []).append(answer)
        yield [(input, answers.get(input.pk, [])) for input in inputs]


# The open data's columns, one row per published input and answer: names and values meant for
# programs (codes, not names in one language); each with its type and meaning, which the data
# dictionary page shows.
OPEN_DATA_COLUMNS = {
    "reference": (_("text"), _("The input's reference, e.g. GCM-2026-ECE-000123: cite it.")),
    "call_id": (_("integer"), _("The call's id in the API (/api/v1/calls/).")),
    "call_code": (_("text"), _("The call's code, e.g. ECE or IMRF.")),
    "submitted_at": (_("date and time"), _("When the input was submitted (ISO 8601, UTC).")),
    "published_at": (_("date and time"), _("When it was published (ISO 8601, UTC).")),
    "language": (_("code"), _("The language it is written in (ISO 639-1, e.g. ar, fr).")),
    "stakeholder_group": (
        _("code"),
        _("The author's stakeholder group when they submitted (/api/v1/stakeholder-groups/)."),
    ),
    "country": (
        _("code"),
        _("The author's country when they submitted (ISO 3166-1 alpha-2, e.g. KE)."),
    ),
    "regions": (
        _("list of codes"),
        _("The regional commissions the country belongs to (ECA, ECE, ECLAC, ESCAP, ESCWA)."),
    ),
    "speaking_as": (
        _("code"),
        _("Who the author spoke for: self, organisation or state (a Member State)."),
    ),
    "attribution": (
        _("text"),
        _(
            "Who may be named as its author, exactly as they consented: the organisation, "
            "the Government of a Member State, the person, or “Published without attribution”."
        ),
    ),
    "objectives": (_("list of numbers"), _("The GCM objectives (1-23) it addresses.")),
    "guiding_principles": (
        _("list of codes"),
        _("The guiding principles it relates to (/api/v1/guiding-principles/)."),
    ),
    "question_id": (_("integer"), _("The guiding question answered (its id in the API).")),
    "question": (_("text"), _("The guiding question, in the language of the download.")),
    "answer": (_("text"), _("The answer, as its author wrote it.")),
    "input_url": (_("address"), _("The input's public page on the portal.")),
}


def open_data_records(inputs, *, input_url) -> Iterator[dict]:
    """A record per published input and answer of `inputs`, OPEN_DATA_COLUMNS its keys;
    `input_url(input)` gives the address of the input's public page."""
    for chunk in published_inputs_with_answers(id_chunks_by_reference(inputs.published())):
        for input, answers in chunk:
            metadata = {
                "reference": input.reference,
                "call_id": input.call_id,
                "call_code": input.call.code,
                "submitted_at": input.submitted_at.isoformat() if input.submitted_at else None,
                "published_at": input.published_at.isoformat() if input.published_at else None,
                "language": input.language.code if input.language else None,
                "stakeholder_group": input.author_group.code if input.author_group else None,
                "country": input.author_country.code.code if input.author_country else None,
                "regions": [region.code for region in input.author_regions.all()],
                "speaking_as": input.on_behalf,
                "attribution": input.public_attribution,
                "objectives": [objective.number for objective in input.objectives.all()],
                "guiding_principles": [principle.code for principle in input.principles.all()],
                "input_url": input_url(input),
            }
            for answer in answers:
                values = {
                    **metadata,
                    "question_id": answer.question_id,
                    "question": answer.question.text,
                    "answer": answer.text,
                }
                yield {column: values[column] for column in OPEN_DATA_COLUMNS}

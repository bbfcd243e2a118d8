"""The report's document in HTML: cover, figures with their charts, one chapter per objective
quoting the answers that address it, and the annex; written part by part to a file, so that
memory stays flat whatever the number of inputs. The PDF and DOCX formats build on it."""

from itertools import groupby

from django.db.models import Count, F
from django.template.loader import render_to_string
from django.utils import timezone

from consultations.models import Answer, Attachment, Input, Objective
from stakeholders.models import Country, StakeholderGroup

CHUNK = 1000


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


def write_document(*, destination, version, input_ids: list[int], figures: dict, progress):
    """Write the whole HTML document of a report version to `destination` (a text file).

    `progress(fraction, step)` is called as the chapters are written.
    """
    report = version.report
    call = report.call or report.review.call
    inputs = Input.objects.filter(pk__in=input_ids)
    published = inputs.published()
    objectives = list(Objective.objects.all())
    destination.write(
        render_to_string(
            "reviews/report/document_start.html",
            {
                "report": report,
                "call": call,
                "review": report.review or getattr(call, "review", None),
                "version": version,
                "generated_at": timezone.now(),
                "input_count": len(input_ids),
                "quoted_count": published.count(),
                "figures": [
                    {"title": title, "rows": rows, "bars": bar_chart(rows)}
                    for title, rows in figures.items()
                ],
                "heat_map": heat_map(inputs),
                "objectives": objectives,
            },
        )
    )
    quotes = (
        Answer.objects.filter(input__in=published.values("pk"))
        .exclude(text="")
        .annotate(objective_number=F("input__objectives__number"))
        .filter(objective_number__isnull=False)
        .select_related(
            "question",
            "input__organisation",
            "input__state_country",
            "input__author__profile",
            "input__author_group",
            "input__author_country",
            "input__language",
        )
        .order_by("objective_number", "question__position", "question_id", "input__reference")
    )
    chapters = groupby(quotes.iterator(chunk_size=CHUNK), key=lambda a: a.objective_number)
    pending = next(chapters, None)
    for objective in objectives:
        answers = []
        if pending is not None and pending[0] == objective.number:
            answers = list(pending[1])  # read before the next chapter moves the query on
            pending = next(chapters, None)
        destination.write(
            render_to_string(
                "reviews/report/chapter.html",
                {
                    "objective": objective,
                    "questions": [
                        (question, list(group))
                        for question, group in groupby(answers, key=lambda a: a.question)
                    ],
                },
            )
        )
        progress(objective.number / len(objectives), objective)
    destination.write(
        render_to_string(
            "reviews/report/document_end.html",
            {
                "organisations": contributing_organisations(published),
                "index": published.select_related(
                    "organisation", "state_country", "author__profile"
                )
                .prefetch_related("objectives")
                .order_by("reference")
                .iterator(chunk_size=CHUNK),
                "attachments": Attachment.objects.filter(input__in=published.values("pk"))
                .select_related("input")
                .order_by("input__reference", "uploaded_at"),
            },
        )
    )


def contributing_organisations(published) -> list[tuple[str, str, str]]:
    """(stakeholder group, country, organisation) of every organisation named in the inputs."""
    groups = {g.pk: (g.position, str(g)) for g in StakeholderGroup.objects.all()}
    countries = {c.pk: str(c) for c in Country.objects.all()}
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

"""Open data: the published inputs in one download (CSV, JSON Lines), streamed, attributed as
consented, described column by column on the data dictionary page; the API guide."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations import exports, services
from consultations.exports import OPEN_DATA_COLUMNS
from tests.consultations.factories import CallFactory, submitted_input
from tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


def streamed(response) -> str:
    assert response.status_code == 200, response
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_a_calls_csv_has_a_row_per_published_answer_attributed_as_consented(client, inputs):
    call, made = inputs

    response = client.get("/api/v1/open-data/inputs.csv", {"call": call.pk})

    text = streamed(response)
    assert text.startswith("\ufeff")
    assert response["Content-Disposition"].startswith('attachment; filename="gcm-inputs-call-')
    assert 'rel="describedby"' in response["Link"] and response["X-Licence"] == "CC-BY-4.0"
    header, *rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header == list(OPEN_DATA_COLUMNS)
    records = [dict(zip(header, row, strict=True)) for row in rows]
    assert [record["reference"] for record in records] == [
        made["named"].reference,
        made["anonymous"].reference,
    ]
    named, anonymous = records
    assert named["attribution"] == "Kenya Migrant Workers Network"
    assert named["country"] == "KE" and named["objectives"] == "6"
    assert named["answer"] == "Recruitment fees must be banned."
    assert anonymous["attribution"] == "Published without attribution"
    assert anonymous["objectives"] == "6;7" and anonymous["language"] == "fr"
    assert "Amina Diallo" not in text and "Kept for the staff only." not in text
    assert "Not decided yet." not in text


def test_json_lines_carry_the_same_records_with_lists_as_arrays(client, inputs):
    call, made = inputs

    text = streamed(client.get("/api/v1/open-data/inputs.jsonl", {"call": call.pk}))

    records = [json.loads(line) for line in text.splitlines()]
    assert [list(record) for record in records] == [list(OPEN_DATA_COLUMNS)] * 2
    assert records[1]["objectives"] == [6, 7]
    assert records[0]["input_url"].endswith(f"/inputs/{made['named'].pk}/")


def test_formulas_in_answers_are_not_run_by_spreadsheets(client, reference_data):
    call = CallFactory()
    hostile = submitted_input(call=call, answer='=HYPERLINK("http://evil.example","x")')
    services.input_approve(input=hostile, by=ModeratorFactory())

    text = streamed(client.get("/api/v1/open-data/inputs.csv"))

    assert "'=HYPERLINK(" in text


def test_everything_published_comes_in_one_download_read_in_chunks(
    client,
    inputs,
    monkeypatch,
):
    other = CallFactory(code="ECA")
    moderator = ModeratorFactory()
    for number in range(5):
        services.input_approve(input=submitted_input(call=other, answer=f"A{number}"), by=moderator)
    monkeypatch.setattr(exports, "CHUNK", 2)

    def rows_and_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            text = streamed(client.get("/api/v1/open-data/inputs.jsonl"))
        return len(text.splitlines()), len(queries)

    rows, queries = rows_and_queries()

    assert rows == 2 + 5
    # Each chunk of two inputs: its ids, the inputs, their tags, their answers; never a query
    # per input.
    chunks = 4
    assert queries <= 2 + chunks * 6


def test_a_bad_filter_is_told_in_the_apis_error_shape(client, inputs):
    response = client.get("/api/v1/open-data/inputs.csv", {"call": 99999})

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"call"}


def test_the_data_dictionary_describes_every_column_and_links_each_calls_files(
    client,
    inputs,
):
    call, _made = inputs

    page = client.get("/en/open-data/").content.decode()

    for column in OPEN_DATA_COLUMNS:
        assert f">{column}</code>" in page
    assert "CC-BY-4.0" in page
    assert f"/api/v1/open-data/inputs.csv?call={call.pk}" in page


def test_the_api_guide_shows_examples_on_this_portals_address(client, inputs):
    call, _made = inputs
    question = call.questions.get()

    page = client.get("/fr/api-guide/").content.decode()

    assert f"http://testserver/api/v1/inputs/?call={call.pk}" in page
    # The examples use this portal's own ids: copied, they work.
    assert f'{{ "{question.pk}": "Our answer…" }}' in page
    assert "Idempotency-Key" in page and "Authorization: Bearer" in page
    assert 'lang="fr"' in page

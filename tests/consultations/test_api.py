"""The read API of calls and published inputs, as a researcher's script would use it: what it
shows (attribution exactly as consented), filters shared with the pages, cursor pages in a
constant number of queries, ETags, errors in one shape and in the reader's language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations import services
from tests.consultations.factories import CallFactory, submitted_input
from tests.factories import (
    ModeratorFactory,
)

pytestmark = pytest.mark.django_db


def test_published_inputs_are_attributed_exactly_as_consented(client, inputs):
    call, made = inputs

    response = client.get("/api/v1/inputs/")

    assert response.status_code == 200
    rows = {row["reference"]: row for row in response.json()["results"]}
    assert set(rows) == {made["named"].reference, made["anonymous"].reference}
    named, anonymous = rows[made["named"].reference], rows[made["anonymous"].reference]
    assert named["attribution"] == "Kenya Migrant Workers Network"
    assert named["country"] == "KE"
    assert named["objectives"] == [6]
    assert named["answers"] == [
        {
            "question": call.questions.get().pk,
            "question_text": "What has worked?",
            "text": "Recruitment fees must be banned.",
        }
    ]
    assert anonymous["attribution"] == "Published without attribution"
    assert anonymous["language"] == "fr"
    body = response.content.decode()
    assert "Amina Diallo" not in body and "Wanjiru Kamau" not in body
    assert "Kept for the staff only." not in body and "Not decided yet." not in body


@pytest.mark.parametrize("key", ["private", "waiting"])
def test_an_input_the_public_may_not_read_is_not_found_in_one_error_shape(client, inputs, key):
    _call, made = inputs

    response = client.get(f"/api/v1/inputs/{made[key].pk}/")

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_errors_speak_the_language_the_request_asks_for(client, inputs):
    _call, made = inputs

    response = client.get(f"/api/v1/inputs/{made['private'].pk}/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.json()["error"]["message"] == "Non trouvé."


def test_inputs_are_filtered_as_on_the_inputs_page(client, inputs):
    call, made = inputs
    other_call = CallFactory(code="ECA")
    elsewhere = submitted_input(call=other_call, objectives=(7,))
    services.input_approve(input=elsewhere, by=ModeratorFactory())
    objective_7 = call.inputs.get(pk=made["anonymous"].pk).objectives.get(number=7).pk

    def references(**query) -> set[str]:
        response = client.get("/api/v1/inputs/", query)
        assert response.status_code == 200, response.content
        return {row["reference"] for row in response.json()["results"]}

    assert references(call=call.pk) == {made["named"].reference, made["anonymous"].reference}
    assert references(objective=objective_7) == {
        made["anonymous"].reference,
        elsewhere.reference,
    }
    assert references(language=made["anonymous"].language_id) == {made["anonymous"].reference}
    assert references(q="recruitment fees") == {made["named"].reference}


def test_a_filter_value_that_does_not_exist_says_which_field_is_wrong(client, inputs):
    response = client.get("/api/v1/inputs/", {"objective": 99999, "call": "ECE"})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"objective", "call"}


def test_a_page_of_inputs_costs_the_same_queries_whatever_the_number_of_inputs(client, inputs):
    call, _made = inputs

    def queries_for_a_page() -> int:
        client.get("/api/v1/inputs/")  # the filters' reference lists are cached from here on
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/inputs/", {"page_size": 50})
        assert response.status_code == 200
        return len(queries)

    few = queries_for_a_page()
    moderator = ModeratorFactory()
    for number in range(6):
        more = submitted_input(call=call, answer=f"Input {number}", objectives=(number + 1,))
        services.input_approve(input=more, by=moderator)

    assert queries_for_a_page() == few


def test_cursor_pages_walk_every_published_input_once(client, inputs):
    call, _made = inputs
    moderator = ModeratorFactory()
    for number in range(5):
        services.input_approve(
            input=submitted_input(call=call, answer=f"Input {number}"), by=moderator
        )
    seen, url = [], "/api/v1/inputs/?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [row["reference"] for row in page["results"]]
        url = page["next"]

    assert len(seen) == len(set(seen)) == 7


def test_an_unchanged_page_answers_304_to_its_etag_and_a_changed_one_does_not(client, inputs):
    call, _made = inputs
    first = client.get("/api/v1/inputs/")
    etag = first["ETag"]

    again = client.get("/api/v1/inputs/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    services.input_approve(input=submitted_input(call=call), by=ModeratorFactory())
    changed = client.get("/api/v1/inputs/", HTTP_IF_NONE_MATCH=etag)

    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_calls_come_with_their_questions_status_and_published_count(client, inputs):
    call, _made = inputs

    response = client.get("/api/v1/calls/", {"status": "open"})

    [row] = response.json()["results"]
    assert row["code"] == "ECE" and row["status"] == "open"
    assert row["published_inputs"] == 2
    assert [question["text"] for question in row["questions"]] == ["What has worked?"]
    assert row["web_url"].endswith(f"/calls/{call.pk}/")
    assert client.get("/api/v1/calls/", {"status": "closed"}).json()["results"] == []
    assert client.get(f"/api/v1/calls/{call.pk}/").json()["id"] == call.pk


def test_objectives_are_named_in_the_language_asked_for(client, reference_data):
    response = client.get("/api/v1/objectives/", HTTP_ACCEPT_LANGUAGE="fr")

    objectives = response.json()
    assert [objective["number"] for objective in objectives] == list(range(1, 24))
    assert objectives[0]["title"].startswith("Collecter et utiliser des données")


def test_writing_to_a_read_endpoint_is_refused(client, inputs):
    response = client.post("/api/v1/calls/", {}, content_type="application/json")

    assert response.status_code in (401, 403, 405)
    assert "code" in response.json()["error"]

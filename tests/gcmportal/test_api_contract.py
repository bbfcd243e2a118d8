"""A property-based run of Schemathesis against the schema the live portal serves: requests
generated for every operation, with a personal token so that the writing operations are
reached too; not one answered with a server error, and every answer as the schema says
(status code, content type, headers, body)."""

import subprocess
import sys
from pathlib import Path

import pytest

from consultations import services
from consultations.services import reference_data_load
from gcmportal.throttles import PerIpThrottle
from stakeholders.services import api_token_create
from tests.consultations.factories import AuthorFactory, CallFactory, submitted_input
from tests.factories import ModeratorFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.contract]

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


def test_every_generated_request_is_answered_as_the_schema_says(live_server, monkeypatch, tmp_path):
    reference_data_load()
    call = CallFactory()
    author = AuthorFactory()
    services.input_approve(input=submitted_input(call=call, author=author), by=ModeratorFactory())
    services.input_create_draft(call=call, author=author)
    _token, key = api_token_create(user=author, name="Schemathesis")
    for scope in PerIpThrottle.THROTTLE_RATES:
        monkeypatch.setitem(PerIpThrottle.THROTTLE_RATES, scope, "100000/min")

    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/v1/schema/",
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,"
            "response_headers_conformance,response_schema_conformance",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "10",
            "--seed",
            "20261202",
            "--workers",
            "1",
            "--no-color",
            "--header",
            f"Authorization: Bearer {key}",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )

    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "generated" in run.stdout and " 0 passed" not in run.stdout

"""The load benchmark's users, for locust (run by bench/load.py, never by hand or by pytest).

`Stakeholder` is the mixed workload of people: browse the calls, filter and read the published
inputs, log in, save a draft, submit an input with an attachment, with 1 to 3 seconds between
actions. `Bare` asks for the liveness view only and at once again, the ceiling of what the same
server answers. Every simulated user comes from its own
address, as behind the reverse proxy in production (the server runs with
TRUSTED_PROXY_COUNT=1), so the rate limits count per user as they would there.

What the benchmark reads from the database is in var/bench-load/targets.json (written by
`bench/load.py`); every accepted submission's input id is appended to the file named by
LOAD_ACCEPTED, to be checked against the database afterwards.
"""

import itertools
import json
import os
import random
import re
from pathlib import Path
from urllib.parse import urlencode

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser
from urllib3 import encode_multipart_formdata

TARGETS = json.loads(Path(os.environ["LOAD_TARGETS"]).read_text())
ACCEPTED = Path(os.environ["LOAD_ACCEPTED"])
VERSION = re.compile(r'name="version" value="(\d+)"')
INPUT_ID = re.compile(r"/inputs/(\d+)/")
# A small valid PDF, as a stakeholder's position paper would be (a page of text).
ATTACHMENT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
_addresses = itertools.count(1)
_accounts = itertools.count()


class Portal(FastHttpUser):
    """One person: own connection, own cookies, own address (gevent-based client: cheap enough
    that the client does not take the cores the server needs)."""

    abstract = True
    insecure = True  # the local production run has a self-signed certificate

    def on_start(self):
        number = next(_addresses)
        self.address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"

    def get(self, path, *, name, **options):
        return self.client.get(
            path, headers={"X-Forwarded-For": self.address}, name=name, **options
        )


class Bare(Portal):
    wait_time = constant(0)

    @task
    def alive(self):
        self.get("/health/alive/", name="bare view")


class Stakeholder(Portal):
    wait_time = between(1, 3)

    def on_start(self):
        super().on_start()
        number = next(_accounts)
        self.rng = random.Random(number)
        self.email = TARGETS["accounts"][number % len(TARGETS["accounts"])]
        self.draft = None
        self.version = None

    # --- Reading, no account needed

    @task(5)
    def browse_calls(self):
        self.get("/en/calls/", name="calls")
        self.get(f"/en/calls/{self.rng.choice(TARGETS['calls'])}/", name="call")

    @task(4)
    def filter_inputs(self):
        params = {"objective": self.rng.choice(TARGETS["objectives"])}
        if self.rng.random() < 0.5:
            params["q"] = self.rng.choice(TARGETS["words"])
        self.get(f"/en/inputs/?{urlencode(params)}", name="inputs, filtered")

    @task(4)
    def read_input(self):
        self.get(f"/en/inputs/{self.rng.choice(TARGETS['inputs'])}/", name="input")

    # --- Writing, signed in

    def _cookie(self, name: str) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == name), "")

    def _post(self, path, data, *, name, files=None, headers=None, **options):
        """A form post as the browser sends it: CSRF token, Referer, urlencoded or multipart."""
        fields = {"csrfmiddlewaretoken": self._cookie("csrftoken"), **data}
        if files:
            body, content_type = encode_multipart_formdata({**fields, **files})
        else:
            body = urlencode(fields, doseq=True)
            content_type = "application/x-www-form-urlencoded"
        headers = {
            "X-Forwarded-For": self.address,
            "Referer": f"{self.host}{path}",
            "Content-Type": content_type,
            **(headers or {}),
        }
        return self.client.post(
            path, data=body, headers=headers, name=name, allow_redirects=False, **options
        )

    def _signed_in(self) -> bool:
        if self._cookie("sessionid"):
            return True
        self.get("/en/accounts/login/", name="login page")
        response = self._post(
            "/en/accounts/login/",
            {"login": self.email, "password": TARGETS["password"]},
            name="log in",
        )
        return response.status_code == 302

    def _start(self, call) -> tuple[int, int] | None:
        """A new draft in the call: its id and the version its form carries."""
        response = self._post(f"/en/calls/{call['id']}/inputs/new/", {}, name="start a draft")
        match = INPUT_ID.search(response.headers.get("Location", ""))
        if not match:
            return None
        draft = int(match.group(1))
        page = self.get(f"/en/inputs/{draft}/edit/", name="draft form")
        version = VERSION.search(page.text)
        return (draft, int(version.group(1))) if version else None

    def _fields(self, call, version) -> dict:
        fields = {
            "version": version,
            "language": TARGETS["language"],
            "objectives": self.rng.sample(TARGETS["objectives"], 2),
            "on_behalf": "self",
            "consent": "public_named",
        }
        for question in call["questions"]:
            words = self.rng.choices(TARGETS["words"], k=self.rng.randint(40, 160))
            fields[f"answer_{question}"] = " ".join(words).capitalize() + "."
        return fields

    @task(2)
    def save_draft(self):
        """Type into one's draft; the page saves it as one types (autosave)."""
        if not self._signed_in():
            return
        call = TARGETS["open_calls"][0]
        if self.draft is None:
            started = self._start(call)
            if started is None:
                return
            self.draft, self.version = started
        response = self._post(
            f"/en/inputs/{self.draft}/edit/",
            self._fields(call, self.version),
            name="save a draft",
            headers={"X-Autosave": "1"},
        )
        if response.status_code == 200:
            self.version = response.json()["version"]

    @task(1)
    def submit(self):
        """Write an input, attach a PDF, confirm it on the preview, read the receipt."""
        if not self._signed_in():
            return
        call = self.rng.choice(TARGETS["open_calls"])
        started = self._start(call)
        if started is None:
            return
        draft, version = started
        self._post(f"/en/inputs/{draft}/edit/", self._fields(call, version), name="write")
        self._post(
            f"/en/inputs/{draft}/attachments/",
            {},
            files={"file": ("position-paper.pdf", ATTACHMENT, "application/pdf")},
            name="attach a PDF",
        )
        with self._post(
            f"/en/inputs/{draft}/preview/", {"confirm": "1"}, name="submit", catch_response=True
        ) as response:
            if not response.headers.get("Location", "").endswith(f"/inputs/{draft}/receipt/"):
                # Sent back to the preview: something stopped the submission.
                response.failure(f"not submitted: {response.status_code}")
                return
            with ACCEPTED.open("a") as accepted:
                accepted.write(f"{draft}\n")
        self.get(f"/en/inputs/{draft}/receipt/", name="receipt")

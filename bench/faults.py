"""Fault drills: the production run's real services are broken on purpose while people use it,
and the database is asked afterwards whether anything was lost, sent twice or left "running".

Run on demand (see bench/README.md), with `make production` stopped (the drills start and kill
their own worker):

    make bench-faults                    # every drill, about 25 minutes
    make bench-faults ARGS="redis smtp"  # some of them

The drills use the production settings and services of `ops/production-locally`: PostgreSQL,
Redis, gunicorn over HTTPS (on port 8444), a Celery worker and beat. Mail goes to an SMTP server
of this script's own on 127.0.0.1:2525, which counts every message by its Message-ID (so a
message sent twice is seen) and can refuse mail. People are threads signing in with their own
accounts and addresses and submitting inputs with requests, as browsers would.

    smtp      the mail server refuses everything for 60 s while 50 e-mails are queued
    sending   the worker is killed (SIGKILL, with its children) in the middle of 300 e-mails
    redis     Redis is stopped for 30 s while people submit
    postgres  PostgreSQL restarts while people submit
    disk      the media disk is full (a tmpfs filled up) while people attach files and staff
              compile a report
    compiling the worker is killed in the middle of compiling a report
"""

import argparse
import contextlib
import os
import re
import signal
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import requests
import urllib3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmportal.settings.production")

import django  # noqa: E402

django.setup()

from django.core.mail import EmailMultiAlternatives  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.load import verified_account, verify  # noqa: E402
from consultations.models import Call, Input, Objective  # noqa: E402
from notifications.models import OutgoingEmail  # noqa: E402
from notifications.services import email_queue, message_id  # noqa: E402
from reviews.models import Report, ReportVersion  # noqa: E402
from reviews.services import report_compile_request  # noqa: E402
from stakeholders.models import Language, User  # noqa: E402

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # self-signed, loopback
STATE = ROOT / "var" / "production"
BIN = ROOT / ".venv" / "bin"
PORT = 8444
HOST = f"https://127.0.0.1:{PORT}"
SMTP_PORT = 2525
DOMAIN = "drill.bench.example"
PASSWORD = "drill-" + uuid.uuid4().hex
REDIS = ["redis-server", "--bind", "127.0.0.1", "--port", "6379", "--daemonize", "yes"]
# As ops/production-locally starts it: the broker keeps its queue on disk.
REDIS_PERSISTENT = [*REDIS, "--appendonly", "yes", "--dir", str(STATE / "redis")]
MEDIA = STATE / "media-drill"
# What a person may be shown when something is down: a clear message, never a stack trace.
CLEAR = ("Back in a moment", "cannot reach its database", "cannot store files", "Too many")


def say(text: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {text}", flush=True)


def wait_for(what: str, condition, timeout: float, every: float = 2.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(every)
    raise TimeoutError(f"{what}: not after {timeout:.0f} s")


# --- The mail server ---------------------------------------------------------------------------


class MailServer(socketserver.ThreadingTCPServer):
    """Just enough SMTP to take messages: counts them by Message-ID, or refuses them all.

    A message counts as delivered once the sender has read the server's "250" (it goes on with
    its next command), as the sender knows it: one cut off between its last line and that
    point is the sender's to send again.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", SMTP_PORT), _MailSession)
        self.received = Counter()
        self.cut_off_after_250 = Counter()
        self.refusing = False
        self.delay = 0.0
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def duplicates(self, ids) -> int:
        return sum(1 for id_ in ids if self.received[id_] > 1)


class _MailSession(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        # A worker killed in the middle of a message drops the connection.
        self.taken = None
        with contextlib.suppress(ConnectionError):
            self.converse()
        if self.taken:
            # Answered "250", then the sender vanished before going on: a real server would
            # deliver it, while the sender cannot know it did.
            with self.server.lock:
                self.server.cut_off_after_250[self.taken] += 1

    def converse(self):
        server: MailServer = self.server
        if server.refusing:
            self.reply("421 drill: service not available, try again later")
            return
        self.reply("220 drill mail server")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if self.taken:
                # The sender read the "250" (it sends its next command): the message is its.
                with server.lock:
                    server.received[self.taken] += 1
                self.taken = None
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 drill")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                time.sleep(server.delay)
                found = re.search(rb"^Message-ID:\s*(\S+)", data, re.MULTILINE | re.IGNORECASE)
                self.taken = found.group(1).decode() if found else "?"
                self.reply("250 taken")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not here")


# --- The services ------------------------------------------------------------------------------


class Stack:
    """gunicorn, a Celery worker and beat, each in a process group of its own to kill."""

    def __init__(self, media_root: Path | None = None):
        self.env = {
            **os.environ,
            "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
            "SITE_URL": HOST,
            "TRUSTED_PROXY_COUNT": "1",
        }
        if media_root:
            self.env["MEDIA_ROOT"] = str(media_root)
        self.processes = {}
        self.logs = STATE / "drills"
        self.logs.mkdir(parents=True, exist_ok=True)

    def _start(self, name: str, command: list[str]) -> None:
        log = open(self.logs / f"{name}.log", "a")  # noqa: SIM115 -- kept open by the process
        self.processes[name] = subprocess.Popen(
            command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start(self) -> "Stack":
        self.start_worker()
        self._start(
            "beat",
            [str(BIN / "celery"), "-A", "gcmportal", "beat", "--loglevel=INFO",
             f"--schedule={self.logs / 'celerybeat-schedule'}"],
        )  # fmt: skip
        self._start(
            "web",
            [str(BIN / "gunicorn"), "gcmportal.wsgi", "--bind", f"127.0.0.1:{PORT}",
             "--workers", "3", "--certfile", str(STATE / "tls.pem"),
             "--keyfile", str(STATE / "tls.key")],
        )  # fmt: skip
        wait_for("the portal answering", self.healthy, 60, every=0.5)
        return self

    def start_worker(self) -> None:
        self._start(
            "worker",
            [str(BIN / "celery"), "-A", "gcmportal", "worker", "--loglevel=INFO",
             "--concurrency=2", "-n", f"drill-{uuid.uuid4().hex[:6]}@%h"],
        )  # fmt: skip

    def kill(self, name: str) -> None:
        """SIGKILL, the process and all its children: no chance to finish or hand anything back."""
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()

    def healthy(self) -> bool:
        try:
            return requests.get(f"{HOST}/health/", verify=False, timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        for process in self.processes.values():
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


# --- People ------------------------------------------------------------------------------------


def new_people(count: int, label: str) -> list[str]:
    """Fresh verified accounts: each person's rate limits start from nothing."""
    emails = []
    for number in range(count):
        email = f"{label}-{number}-{uuid.uuid4().hex[:6]}@{DOMAIN}"
        verified_account(email, PASSWORD, f"Drill person {number}")
        emails.append(email)
    return emails


class Person(threading.Thread):
    """Signs in, then writes and submits inputs (with a PDF when asked) until told to stop. A
    step that fails is tried again a second later, as people click again."""

    def __init__(self, email: str, number: int, stop: threading.Event, attach: bool = False):
        super().__init__(daemon=True)
        self.email, self.stop, self.attach = email, stop, attach
        self.session = requests.Session()
        self.session.headers["X-Forwarded-For"] = f"10.77.{number // 256}.{number % 256}"
        self.accepted: list[int] = []
        self.errors = Counter()  # (status, clear message?) of every failed step
        call = next(c for c in Call.objects.prefetch_related("questions") if c.is_open)
        self.call, self.questions = call.pk, [q.pk for q in call.questions.all()]
        self.objective = Objective.objects.first().pk
        self.language = Language.objects.get(code="en").pk
        self.messages: list[str] = []  # what people were shown that was not clear
        self.refused_attachments = 0  # "the portal cannot store files just now"

    def step(self, method: str, path: str, **options) -> requests.Response | None:
        """One click, until it gets an answer that is not an error of the portal."""
        data = options.pop("data", None)
        while not self.stop.is_set():
            if method == "POST":
                data = {**data, "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")}
            try:
                response = self.session.request(
                    method,
                    f"{HOST}{path}",
                    data=data,
                    headers={"Referer": f"{HOST}{path}"},
                    allow_redirects=False,
                    verify=False,  # here, not on the session: a CA bundle in the environment wins
                    timeout=30,
                    **options,
                )
            except requests.RequestException as error:
                self.errors[(type(error).__name__, False)] += 1
                time.sleep(1)
                continue
            if response.status_code < 500 and response.status_code != 429:
                return response
            text = response.text
            clear = any(words in text for words in CLEAR) and "Traceback" not in text
            self.errors[(response.status_code, clear)] += 1
            if not clear:
                self.messages.append(text[:300])
            time.sleep(1)
        return None

    def run(self):
        self.step("GET", "/en/accounts/login/")
        signed_in = self.step(
            "POST", "/en/accounts/login/", data={"login": self.email, "password": PASSWORD}
        )
        if signed_in is None or signed_in.status_code != 302:
            self.errors[("could not sign in", False)] += 1
            return
        while not self.stop.is_set():
            self.submit_one()
            time.sleep(0.5)

    def submit_one(self) -> None:
        started = self.step("POST", f"/en/calls/{self.call}/inputs/new/", data={})
        found = started and re.search(r"/inputs/(\d+)/", started.headers.get("Location", ""))
        if not found:
            return
        draft = int(found.group(1))
        form = self.step("GET", f"/en/inputs/{draft}/edit/")
        version = form and re.search(r'name="version" value="(\d+)"', form.text)
        if not version:
            return
        fields = {
            "version": version.group(1),
            "language": self.language,
            "objectives": [self.objective],
            "on_behalf": "self",
            "consent": "public_named",
            **{f"answer_{q}": f"Drill answer to question {q}." for q in self.questions},
        }
        self.step("POST", f"/en/inputs/{draft}/edit/", data=fields)
        if self.attach:
            attached = self.step(
                "POST",
                f"/en/inputs/{draft}/attachments/",
                data={},
                files={"file": ("evidence.pdf", PDF, "application/pdf")},
            )
            if attached is not None:
                page = self.step("GET", f"/en/inputs/{draft}/edit/")
                if page is not None and "cannot store files" in page.text:
                    self.refused_attachments += 1
        submitted = self.step("POST", f"/en/inputs/{draft}/preview/", data={"confirm": "1"})
        if submitted is not None and submitted.headers.get("Location", "").endswith("/receipt/"):
            self.accepted.append(draft)


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def with_people(count: int, label: str, during, *, attach: bool = False) -> list[Person]:
    """People submit while `during()` breaks something; they stop when it returns."""
    stop = threading.Event()
    people = [
        Person(email, number, stop, attach) for number, email in enumerate(new_people(count, label))
    ]
    for person in people:
        person.start()
    try:
        during()
    finally:
        stop.set()
        for person in people:
            person.join(timeout=60)
    return people


def submissions_and_receipts(people: list[Person], mail: MailServer, since, wait: float) -> dict:
    """What the people saw accepted against what the database holds and each receipt's fate
    (as the load benchmark checks it), the receipts the mail server got twice, and what the
    people were shown when something failed."""
    accepted = [draft for person in people for draft in person.accepted]
    result = verify(accepted, since, domain=DOMAIN, wait=int(wait))
    sent = OutgoingEmail.objects.filter(
        kind="input_receipt", recipient__endswith=f"@{DOMAIN}", created_at__gte=since, status="sent"
    )
    errors = Counter()
    for person in people:
        errors.update(person.errors)
    return {
        **result,
        "received_twice": mail.duplicates(message_id(email) for email in sent),
        "errors_clear": sum(n for (_status, clear), n in errors.items() if clear),
        "errors_unclear": sum(n for (_status, clear), n in errors.items() if not clear),
        "error_kinds": {str(kind): n for kind, n in errors.items()},
        "unclear_samples": [m for person in people for m in person.messages][:3],
    }


# --- The drills --------------------------------------------------------------------------------


def queue_emails(count: int, label: str) -> list[OutgoingEmail]:
    with transaction.atomic():
        rows = [
            email_queue(
                message=EmailMultiAlternatives(
                    subject=f"Drill {label} {number}",
                    body="A fault drill's message.",
                    to=[f"reader{number}@{DOMAIN}"],
                ),
                kind=f"drill_{label}",
            )
            for number in range(count)
        ]
    return rows


def delivery(rows, mail: MailServer, wait: float) -> dict:
    ids = [row.pk for row in rows]
    queryset = OutgoingEmail.objects.filter(pk__in=ids)
    started = time.monotonic()
    try:
        wait_for(
            "every e-mail sent",
            lambda: queryset.filter(status="sent").count() == len(ids),
            wait,
            every=3,
        )
    except TimeoutError as error:
        say(str(error))
    sent = list(queryset.filter(status="sent"))
    return {
        "emails": len(ids),
        "sent": len(sent),
        "received": sum(1 for email in sent if mail.received[message_id(email)] >= 1),
        "received_twice": mail.duplicates(message_id(email) for email in sent),
        "answered_then_cut_off": sum(mail.cut_off_after_250[message_id(e)] for e in sent),
        "attempts": dict(Counter(queryset.values_list("attempts", flat=True))),
        "seconds_to_all_sent": round(time.monotonic() - started),
    }


def drill_smtp(stack: Stack, mail: MailServer) -> dict:
    mail.refusing = True
    say("the mail server refuses everything; 50 e-mails queued")
    rows = queue_emails(50, "smtp")
    time.sleep(60)
    failed = OutgoingEmail.objects.filter(pk__in=[r.pk for r in rows], status="failed").count()
    mail.refusing = False
    say(f"the mail server takes mail again ({failed} e-mails recorded as failed meanwhile)")
    return {"failed_while_refused": failed, **delivery(rows, mail, wait=600)}


def drill_sending(stack: Stack, mail: MailServer) -> dict:
    mail.delay = 0.05
    before = sum(mail.received.values())
    rows = queue_emails(300, "sending")
    say("300 e-mails queued; the worker is killed once 100 are out")
    wait_for("100 e-mails out", lambda: sum(mail.received.values()) - before >= 100, 120, 0.1)
    stack.kill("worker")
    at_kill = sum(mail.received.values()) - before
    say(f"worker killed with {at_kill} e-mails out; a new worker starts")
    stack.start_worker()
    result = delivery(rows, mail, wait=900)
    mail.delay = 0.0
    return {"out_when_killed": at_kill, **result}


def drill_redis(stack: Stack, mail: MailServer) -> dict:
    since = timezone.now()

    def outage():
        time.sleep(10)
        subprocess.run(["redis-cli", "-p", "6379", "shutdown"], check=False)
        say("Redis stopped")
        time.sleep(30)
        (STATE / "redis").mkdir(exist_ok=True)
        subprocess.run(REDIS_PERSISTENT, check=True, stdout=subprocess.DEVNULL)
        wait_for(
            "Redis",
            lambda: subprocess.run(["redis-cli", "ping"], capture_output=True).returncode == 0,
            30,
            0.2,
        )
        say("Redis started again")
        time.sleep(20)

    people = with_people(8, "redis", outage)
    return submissions_and_receipts(people, mail, since, wait=900)


def drill_postgres(stack: Stack, mail: MailServer) -> dict:
    since = timezone.now()
    version = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: int(v))[-1]

    def restart():
        time.sleep(10)
        started = time.monotonic()
        connection.close()
        subprocess.run(["pg_ctlcluster", version, "main", "restart"], check=True)
        say(f"PostgreSQL restarted in {time.monotonic() - started:.1f} s")
        time.sleep(20)

    people = with_people(8, "postgres", restart)
    connection.close()
    return submissions_and_receipts(people, mail, since, wait=900)


def drill_disk(stack: Stack, mail: MailServer) -> dict:
    filler = MEDIA / "filler"
    subprocess.run(
        ["dd", "if=/dev/zero", f"of={filler}", "bs=1M", "count=100"],
        check=False,
        capture_output=True,
    )
    say("the media disk is full")
    health = requests.get(f"{HOST}/health/", verify=False, timeout=10)
    since = timezone.now()
    staff = new_people(1, "disk-staff")[0]
    report = Report.objects.create(
        call=Call.objects.filter(inputs__state="approved").first(), title="Drill: disk full"
    )
    version = report_compile_request(report=report, by=User.objects.get(email=staff))

    def meanwhile():
        time.sleep(20)

    people = with_people(4, "disk", meanwhile, attach=True)
    version = wait_for(
        "the compilation ended",
        lambda: (
            ReportVersion.objects.exclude(state__in=["queued", "running"])
            .filter(pk=version.pk)
            .first()
        ),
        300,
    )
    refused = sum(person.refused_attachments for person in people)
    filler.unlink()
    say("space freed")
    after = with_people(1, "disk-after", lambda: time.sleep(10), attach=True)
    result = submissions_and_receipts(people + after, mail, since, wait=300)
    with_attachment = Input.objects.filter(pk__in=after[0].accepted, attachments__isnull=False)
    return {
        "health_while_full": f"{health.status_code} {health.json().get('storage')}",
        "attachments_refused_clearly": refused,
        "report_while_full": f"{version.state}: {version.error[:80]}",
        "attached_after_freeing": with_attachment.distinct().count(),
        **result,
    }


def drill_compiling(stack: Stack, mail: MailServer) -> dict:
    call = Call.objects.annotate(n=Count("inputs")).order_by("-n").first()
    staff = User.objects.get(email=new_people(1, "compiling-staff")[0])
    report = Report.objects.create(call=call, title="Drill: worker killed while compiling")
    version = report_compile_request(report=report, by=staff)
    running = wait_for(
        "the compilation a third done",
        lambda: ReportVersion.objects.filter(pk=version.pk, progress__gte=33).first(),
        600,
        every=0.5,
    )
    say(f"worker killed at {running.progress} % ({running.step}); a new worker starts")
    killed_at = time.monotonic()
    stack.kill("worker")
    stack.start_worker()
    ended = wait_for(
        "the compilation no longer running",
        lambda: ReportVersion.objects.filter(pk=version.pk).exclude(state="running").first(),
        600,
        every=2,
    )
    stuck_for = round(time.monotonic() - killed_at)
    say(f"{ended.state} after {stuck_for} s: {ended.error}")
    again = report_compile_request(report=report, by=staff)
    done = wait_for(
        "the compilation asked again",
        lambda: (
            ReportVersion.objects.filter(pk=again.pk)
            .exclude(state__in=["queued", "running"])
            .first()
        ),
        900,
        every=3,
    )
    notices = OutgoingEmail.objects.filter(recipient=staff.email)
    return {
        "killed_at": f"{running.progress} % {running.step}",
        "state_after_kill": ended.state,
        "seconds_until_not_running": stuck_for,
        "message": ended.error,
        "compiled_again": f"{done.state}, {done.input_count} inputs",
        "notices_to_staff": dict(Counter(notices.values_list("kind", flat=True))),
        "running_left": ReportVersion.objects.filter(state="running").count(),
    }


DRILLS = {
    "smtp": drill_smtp,
    "sending": drill_sending,
    "redis": drill_redis,
    "postgres": drill_postgres,
    "disk": drill_disk,
    "compiling": drill_compiling,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("drills", nargs="*", help=f"some of {', '.join(DRILLS)} (all by default)")
    arguments = parser.parse_args()
    if unknown := set(arguments.drills) - set(DRILLS):
        parser.error(f"no such drill: {', '.join(sorted(unknown))}")
    others = subprocess.run(["pgrep", "-f", "celery -A gcmportal worker"], capture_output=True)
    if others.stdout.strip():
        sys.exit("A Celery worker is running (make production?): stop it, the drills need theirs.")
    MEDIA.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=100m", "tmpfs", str(MEDIA)], capture_output=True
    )
    if mounted.returncode:
        sys.exit(f"The media disk of the drills is a tmpfs, which needs root: {mounted.stderr}")
    mail = MailServer()
    stack = Stack(media_root=MEDIA).start()
    results = {}
    try:
        for name in arguments.drills or DRILLS:
            print(f"== {name}", flush=True)
            results[name] = DRILLS[name](stack, mail)
            for key, value in results[name].items():
                print(f"  {key}: {value}", flush=True)
    finally:
        stack.stop()
        subprocess.run(["umount", str(MEDIA)], check=False)
    stuck = ReportVersion.objects.filter(state="running").count()
    queued = OutgoingEmail.objects.filter(status="queued", recipient__endswith=f"@{DOMAIN}").count()
    print(f"\nAfter all drills: {stuck} compilations running, {queued} drill e-mails queued.")


if __name__ == "__main__":
    main()

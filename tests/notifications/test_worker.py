"""A real Celery worker on a real Redis delivers an e-mail from the shared database."""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection

from gcmportal.celery import app
from notifications.models import OutgoingEmail
from tests.support import require_program

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"Timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture(scope="module")
def redis_url():
    """The Redis that CI started (GCM_TEST_REDIS_URL), or a private one on a free port."""
    if url := os.environ.get("GCM_TEST_REDIS_URL"):
        redis.Redis.from_url(url).ping()
        yield url
        return
    server = require_program("redis-server", "the worker test needs a real Redis")
    port = free_port()
    process = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"

    def answers() -> bool:
        try:
            return redis.Redis.from_url(url).ping()
        except redis.ConnectionError:
            return False

    wait_until(answers, timeout=20, what="redis-server to answer")
    yield url
    process.terminate()
    process.wait(timeout=10)


def database_url() -> str:
    """The URL of the test database this test is using, for the worker process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{credentials}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(redis_url, transactional_db, django_db_serialized_rollback, tmp_path):
    """A Celery worker process consuming a private queue; yields (queue, mail folder, log)."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gcmportal.settings.local",
        "GCM_VAR_DIR": str(tmp_path),
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_url,
        "EMAIL_URL": f"filemail:///{mail_dir}",
    }
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "gcmportal",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield queue, mail_dir, log_path
    process.terminate()
    process.wait(timeout=20)
    log.close()
    print(log_path.read_text())


def test_worker_on_redis_delivers_a_queued_email_exactly_once(worker, redis_url):
    queue, mail_dir, log_path = worker
    row = OutgoingEmail.objects.create(
        recipient="nairobi.ngo@example.org",
        subject="Your input GCM-2026-ECA-000007 was received",
        body_text="Thank you for your input.",
        kind="receipt",
    )

    with app.connection_for_write(redis_url) as conn:
        for _ in range(2):  # a duplicated task must not send twice
            app.send_task(
                "notifications.deliver_email", args=[row.pk], connection=conn, queue=queue
            )

    def delivered():
        row.refresh_from_db()
        return row.status == OutgoingEmail.Status.SENT

    wait_until(delivered, timeout=90, what="the worker to deliver the e-mail")

    def both_tasks_done():
        return log_path.read_text().count("] succeeded in") >= 2

    wait_until(both_tasks_done, timeout=30, what="the duplicate task to run")
    assert log_path.read_text().count("] succeeded in") == 2
    row.refresh_from_db()
    assert row.attempts == 1
    files = list(mail_dir.glob("*.log"))
    assert len(files) == 1
    assert "Your input GCM-2026-ECA-000007 was received" in files[0].read_text()

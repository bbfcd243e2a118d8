"""Load benchmark: the portal as in production under 50, 100 and 200 concurrent users.

Run on demand (see bench/README.md), with the production run of this machine serving in
another terminal as if behind one reverse proxy:

    TRUSTED_PROXY_COUNT=1 make production
    make bench-load                      # = ops/production-locally python bench/load.py

For each number of users, locust (bench/locustfile.py) runs the mixed workload for the given
time over HTTPS against gunicorn, then the bare liveness view for the same time, the ceiling to
compare with. Afterwards the database is asked whether every submission the users saw accepted
exists exactly once, and whether every receipt was queued exactly once and delivered.
"""

import argparse
import csv
import json
import os
import resource
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmportal.settings.production")

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from consultations.models import Call, Input, Objective  # noqa: E402
from notifications.models import OutgoingEmail  # noqa: E402
from stakeholders import services  # noqa: E402
from stakeholders.models import Country, Language, StakeholderGroup, User  # noqa: E402

STATE = ROOT / "var" / "bench-load"
DOMAIN = "load.bench.example"
LOCUST = ROOT / ".venv-load" / "bin" / "locust"


def verified_account(email: str, password: str, name: str) -> User:
    """A person who signed up, has a profile and confirmed their address."""
    user = User.objects.create_user(email=email, password=password)
    services.profile_save(
        user=user,
        display_name=name,
        stakeholder_group=StakeholderGroup.objects.first(),
        country=Country.objects.member_states().first(),
        preferred_language="en",
        accept_terms=True,
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def prepare(accounts: int, inputs: int) -> dict:
    """Demo calls, synthetic published inputs to read, and verified accounts to write with."""
    STATE.mkdir(parents=True, exist_ok=True)
    with override_settings(GCM_DEMO_CONTENT_ALLOWED=True):
        if not Call.objects.exists():
            call_command("load_demo_content", verbosity=0)
        missing = inputs - Input.objects.filter(reference__startswith="SYN-").count()
        if missing > 0:
            call_command("generate_synthetic_data", inputs=missing, users=500, verbosity=0)
    password_file = STATE / "password"
    if not password_file.exists():
        password_file.write_text(secrets.token_urlsafe(16))
    password = password_file.read_text()
    for number in range(accounts):
        email = f"stakeholder{number}@{DOMAIN}"
        if not User.objects.filter(email=email).exists():
            verified_account(email, password, f"Load test stakeholder {number}")
    open_calls = [
        {"id": call.pk, "questions": [question.pk for question in call.questions.all()]}
        for call in Call.objects.prefetch_related("questions")
        if call.is_open and call.questions.exists()
    ]
    targets = {
        "accounts": [f"stakeholder{number}@{DOMAIN}" for number in range(accounts)],
        "password": password,
        "calls": list(Call.objects.values_list("pk", flat=True)),
        "open_calls": open_calls,
        "objectives": list(Objective.objects.values_list("pk", flat=True)),
        "language": Language.objects.get(code="en").pk,
        "inputs": list(Input.objects.published().values_list("pk", flat=True)[:2000]),
        "words": ["migrants", "remittances", "detention", "children", "labour", "climate"],
    }
    (STATE / "targets.json").write_text(json.dumps(targets))
    return targets


# Who used the machine's cores during a session: processes by what their command line names.
# (The load client is this script's child: its time is counted when it ends.)
ROLES = {"gunicorn": "web", "postgres": "PostgreSQL", "celery": "worker"}
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> dict[str, float]:
    """CPU time used so far by the running processes of each role (from /proc)."""
    used = dict.fromkeys(ROLES.values(), 0.0)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        for word, role in ROLES.items():
            if word in command:
                used[role] += (int(fields[11]) + int(fields[12])) / TICKS
                break
    return used


def locust(user_class: str, users: int, seconds: int, label: str, host: str) -> dict:
    """Run one locust session; the figures of all its requests together."""
    prefix = STATE / label
    accepted = STATE / f"{label}-accepted.txt"
    accepted.unlink(missing_ok=True)
    accepted.touch()
    env = {
        **os.environ,
        "LOAD_TARGETS": str(STATE / "targets.json"),
        "LOAD_ACCEPTED": str(accepted),
    }
    log = open(f"{prefix}.log", "w")  # noqa: SIM115 -- closed below
    cpu_before = cpu_seconds()
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [
            str(LOCUST),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            user_class,
            "--headless",
            "--host",
            host,
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 5)),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "30",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        check=False,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    cpu_after = cpu_seconds()
    client = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_after["load client"] = client.ru_utime + client.ru_stime
    cpu_before["load client"] = client_before.ru_utime + client_before.ru_stime
    with open(f"{prefix}_stats.csv") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    total = rows["Aggregated"]
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "per_second": float(total["Requests/s"]),
        "median_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "accepted": [int(line) for line in accepted.read_text().split()],
        "cpu_seconds": {
            role: round(cpu_after[role] - cpu_before[role], 1)
            for role in cpu_after
            if cpu_after[role] - cpu_before.get(role, 0) > 0
        },
        "by_name": {
            name: (int(row["Request Count"]), int(row["Failure Count"]), row["50%"], row["95%"])
            for name, row in rows.items()
            if name != "Aggregated"
        },
    }


def verify(accepted: list[int], since, *, domain: str = DOMAIN, wait: int = 180) -> dict:
    """Every accepted submission stored once with its reference; every receipt of what the
    accounts of `domain` submitted since then queued once and delivered (waits for the worker
    to empty the outbox). Also used by the fault drills."""
    stored = Input.objects.filter(pk__in=accepted).exclude(reference=None)
    submitted_in_run = Input.objects.filter(
        author__email__endswith=f"@{domain}", submitted_at__gte=since
    )
    references = list(submitted_in_run.values_list("reference", flat=True))
    receipts = OutgoingEmail.objects.filter(
        kind="input_receipt", recipient__endswith=f"@{domain}", created_at__gte=since
    )
    deadline = time.monotonic() + wait
    while receipts.exclude(status=OutgoingEmail.Status.SENT).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(2)
    receipt_count = dict.fromkeys(references, 0)
    for subject in receipts.values_list("subject", flat=True):
        for reference in receipt_count:
            if reference in subject:
                receipt_count[reference] += 1
    duplicates = (
        Input.objects.filter(reference__in=references)
        .values("reference")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    return {
        "accepted": len(accepted),
        "stored": stored.count(),
        "with_attachment": stored.filter(attachments__isnull=False).distinct().count(),
        "submitted_in_run": submitted_in_run.count(),
        "duplicate_references": duplicates,
        "receipts": receipts.count(),
        "receipt_once": sum(1 for n in receipt_count.values() if n == 1),
        "receipt_missing": sum(1 for n in receipt_count.values() if n == 0),
        "receipt_twice": sum(1 for n in receipt_count.values() if n > 1),
        "receipts_sent": receipts.filter(status=OutgoingEmail.Status.SENT).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--inputs", type=int, default=20_000, help="published inputs to read")
    parser.add_argument("--host", default=settings.SITE_URL)
    arguments = parser.parse_args()
    if settings.TRUSTED_PROXY_COUNT != 1:
        sys.exit("Run the server as behind one proxy: TRUSTED_PROXY_COUNT=1 make production")
    prepare(max(arguments.users), arguments.inputs)
    print(f"{Input.objects.published().count()} published inputs; host {arguments.host}")
    print(
        "| users | workload | requests | req/s | median ms | p95 ms | errors | accepted | "
        "stored once | with PDF | receipts queued once / sent |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    results = {}
    for users in arguments.users:
        since = timezone.now()
        mixed = locust("Stakeholder", users, arguments.seconds, f"mixed-{users}", arguments.host)
        check = verify(mixed["accepted"], since)
        bare = locust("Bare", users, arguments.seconds, f"bare-{users}", arguments.host)
        results[users] = {"mixed": mixed, "check": check, "bare": bare}
        stored_once = check["stored"] - check["duplicate_references"]
        print(
            f"| {users} | mixed | {mixed['requests']} | {mixed['per_second']:.1f} | "
            f"{mixed['median_ms']:.0f} | {mixed['p95_ms']:.0f} | {mixed['failures']} | "
            f"{check['accepted']} | {stored_once} (of {check['submitted_in_run']} stored) | "
            f"{check['with_attachment']} | {check['receipt_once']} / {check['receipts_sent']} |"
        )
        print(
            f"| {users} | bare view | {bare['requests']} | {bare['per_second']:.1f} | "
            f"{bare['median_ms']:.0f} | {bare['p95_ms']:.0f} | {bare['failures']} | | | | |",
            flush=True,
        )
    print("\nCPU seconds used during each session (2 cores: at most 2 s per second):")
    for users, result in results.items():
        for workload in ("mixed", "bare"):
            print(f"  {users} {workload}: {result[workload]['cpu_seconds']}")
    (STATE / "results.json").write_text(json.dumps(results, indent=1, default=str))
    print(f"\nPer request kind: {STATE / 'results.json'} and {STATE}/*_stats.csv")


if __name__ == "__main__":
    main()

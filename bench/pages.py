"""Median and 95th-percentile server time of the public pages (run on demand, not in tests).

Usage, on PostgreSQL with synthetic data (see bench/README.md):

    DATABASE_URL=postgres://… .venv/bin/python bench/pages.py --requests 60

Each page is requested through Django's test client in this process: the figure is the
server's own time (URL routing, views, SQL, templates), without network or browser.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmportal.settings.local")

import django

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from consultations.models import Call, Input, Objective  # noqa: E402
from stakeholders.models import Country, StakeholderGroup  # noqa: E402


def measure(client: Client, path: str, requests: int) -> tuple[float, float, int]:
    client.get(path)  # warm caches and connections
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()

    call = Call.objects.order_by("pk").first()
    published = Input.objects.published().order_by("-published_at").first()
    objective = Objective.objects.get(number=8)
    group = StakeholderGroup.objects.get(code="civil_society")
    country = Country.objects.get(code="MX")
    pages = {
        # The same layout with no data at all: how fast this machine is right now.
        "baseline: terms page (no queries)": "/en/terms/",
        "calls list": "/en/calls/",
        "calls list, open, objective 8": f"/en/calls/?status=open&objective={objective.pk}",
        "call detail": f"/en/calls/{call.pk}/",
        "inputs list": "/en/inputs/",
        "inputs list, objective + group": (
            f"/en/inputs/?objective={objective.pk}&stakeholder_group={group.pk}"
        ),
        "inputs list, country + text search": f"/en/inputs/?country={country.pk}&q=migrants+health",
        "inputs of one call": f"/en/calls/{call.pk}/inputs/",
        "input detail": f"/en/inputs/{published.pk}/",
    }
    total = Input.objects.count()
    print(
        f"database: {connection.vendor}; inputs: {total}; published: "
        f"{Input.objects.published().count()}; requests per page: {args.requests}"
    )
    print(f"{'page':40} {'median ms':>10} {'p95 ms':>10} {'queries':>8}")
    client = Client(HTTP_HOST="127.0.0.1")
    for name, path in pages.items():
        reset_queries()
        median, p95, queries = measure(client, path, args.requests)
        print(f"{name:40} {median:10.1f} {p95:10.1f} {queries:8d}")


if __name__ == "__main__":
    main()

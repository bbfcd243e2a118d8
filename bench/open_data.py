"""Time and peak memory of the open-data downloads (run on demand, not in tests).

Usage, on PostgreSQL with synthetic data (see bench/README.md):

    DATABASE_URL=postgres://… .venv/bin/python bench/open_data.py

Downloads the published inputs as CSV and as JSON Lines through the portal's own view (the
test client, DEBUG off), for the call with the fewest published inputs, for the one with the
most, and for everything published, each in a fresh process, and prints the inputs, lines,
bytes, seconds and the process's peak resident memory above what it held before the download
(sampled every 20 ms): flat memory means the same figure whatever the number of inputs.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmportal.settings.local")

from bench.memory import PeakResident


def download(path: str, query: dict) -> dict:
    """One download in this process: its size, lines, time and peak memory above the start."""
    import django

    django.setup()
    from django.test import Client

    from gcmportal.throttles import DownloadThrottle

    DownloadThrottle.THROTTLE_RATES["downloads"] = "100000/min"
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/api/v1/objectives/")  # imports and first queries out of the measure
    with PeakResident() as peak:
        started = time.perf_counter()
        response = client.get(path, query)
        size = rows = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            rows += chunk.count(b"\n")
        seconds = time.perf_counter() - started
    return {
        "status": response.status_code,
        "bytes": size,
        "rows": rows,
        "seconds": round(seconds, 1),
        "peak_above_start_mib": peak.above_start_mib,
    }


def sizes() -> list[tuple[str, dict, int]]:
    """(label, query, published inputs): the smallest call, the largest, everything."""
    import django

    django.setup()
    from django.db.models import Count, Q

    from consultations.models import Call, Input

    calls = list(
        Call.objects.annotate(
            published=Count(
                "inputs",
                filter=Q(inputs__published_at__isnull=False) & ~Q(inputs__consent="private"),
            )
        )
        .filter(published__gt=0)
        .order_by("published")
    )
    everything = Input.objects.published().count()
    return [
        (f"call {calls[0].code}", {"call": calls[0].pk}, calls[0].published),
        (f"call {calls[-1].code}", {"call": calls[-1].pk}, calls[-1].published),
        ("all published", {}, everything),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", help=argparse.SUPPRESS)  # path and query of one download
    args = parser.parse_args()
    if args.one:
        path, query = json.loads(args.one)
        print(json.dumps(download(path, query)))
        return
    print(f"{'download':28} {'inputs':>8} {'lines':>9} {'MiB':>8} {'s':>6} {'peak MiB':>9}")
    for label, query, published in sizes():
        for extension in ("csv", "jsonl"):
            path = f"/api/v1/open-data/inputs.{extension}"
            one = subprocess.run(  # this script, run again
                [sys.executable, __file__, "--one", json.dumps([path, query])],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(one.stdout.strip().splitlines()[-1])
            print(
                f"{label + ' ' + extension:28} {published:8} {figures['rows']:9} "
                f"{figures['bytes'] / 2**20:8.1f} {figures['seconds']:6} "
                f"{figures['peak_above_start_mib']:9}"
            )


if __name__ == "__main__":
    main()

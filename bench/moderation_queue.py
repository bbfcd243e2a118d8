"""Median and 95th-percentile server time of the moderation queue and review page in the admin
(run on demand, not in tests).

Usage, on PostgreSQL with 100,000 synthetic inputs (see bench/README.md):

    DATABASE_URL=postgres://… .venv/bin/python bench/moderation_queue.py --requests 40

Pages are requested through Django's test client in this process, signed in as the demo
moderator (a member of the "Moderator" group, not a superuser): the figure is the server's own
time (middleware, admin, SQL, templates), without network or browser.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmportal.settings.local")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from pages import measure  # noqa: E402 -- bench/pages.py: the same measure for every page

from consultations.models import Call, Input, Objective  # noqa: E402
from stakeholders.models import Region, User  # noqa: E402

QUEUE = "/en/admin/consultations/input/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()

    moderator = User.objects.get(email="moderator@gcm-portal.example")
    call = Call.objects.filter(code="ECE").first() or Call.objects.first()
    objective = Objective.objects.get(number=6)
    region = Region.objects.get(code="ECA")
    waiting = Input.objects.filter(state="submitted").order_by("submitted_at", "pk")
    middle = waiting[waiting.count() // 2]
    pages = {
        "baseline: admin index": "/en/admin/",
        "queue (awaiting decision, oldest first)": QUEUE,
        "queue, page 20": f"{QUEUE}?p=20",
        "queue, all states": f"{QUEUE}?state=all",
        "queue, call + objective": f"{QUEUE}?call__id__exact={call.pk}&objective={objective.pk}",
        "queue, author's region + attachments": f"{QUEUE}?region={region.pk}&attachments=no",
        "queue, search words": f"{QUEUE}?q=recruitment+fees",
        "queue, search reference": f"{QUEUE}?q={middle.reference}",
        "review page (with next/previous)": (
            f"{QUEUE}{middle.pk}/change/?_changelist_filters=state%3Dsubmitted"
        ),
        "decision log": "/en/admin/consultations/inputtransition/",
    }
    print(
        f"database: {connection.vendor}; inputs: {Input.objects.count()}; awaiting decision: "
        f"{waiting.count()}; requests per page: {args.requests}"
    )
    print(f"{'page':42} {'median ms':>10} {'p95 ms':>10} {'queries':>8}")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(moderator)
    for name, path in pages.items():
        median, p95, queries = measure(client, path, args.requests)
        print(f"{name:42} {median:10.1f} {p95:10.1f} {queries:8d}")


if __name__ == "__main__":
    main()

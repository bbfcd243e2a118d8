"""Time and peak memory of a person's "My data" export and of their erasure (run on demand).

Usage (a migrated database with the reference data; PostgreSQL as in production):

    DATABASE_URL=postgres://… .venv/bin/python bench/personal_data.py [--inputs 100 1000 5000]

For each size, a person with that many submitted inputs (three answers of 2,000 characters
each, one 1 MiB PDF attachment per 50 inputs, a notice and an e-mail per input) is made with
bulk inserts; then, each in a fresh process, the export is read to its end through the same
service as the download (bytes, seconds, peak resident memory above the start, sampled every
20 ms: flat memory means the same figure whatever the size), and the account is erased
(seconds). The person and what they wrote are removed afterwards.
"""

import argparse
import io
import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmportal.settings.local")

from bench.memory import PeakResident

EMAIL = "bench-personal-data-{size}@bench.invalid"


def make_person(size: int) -> int:
    """A person with `size` submitted inputs; returns the account's primary key."""
    import pypdf
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from consultations.models import Answer, Attachment, Call, GuidingQuestion, Input
    from notifications.models import Notification, OutgoingEmail
    from stakeholders.models import Profile, User

    now = timezone.now()
    call, _ = Call.objects.get_or_create(
        code="BENCH",
        defaults={
            "kind": Call.Kind.THEMATIC,
            "title": "Benchmark call",
            "summary": "For the personal-data benchmark.",
            "opens_at": now - timedelta(days=60),
            "closes_at": now - timedelta(days=30),
        },
    )
    questions = []
    for position in (1, 2, 3):
        question, _ = GuidingQuestion.objects.get_or_create(
            call=call, position=position, defaults={"text": f"Question {position}"}
        )
        questions.append(question)
    user = User.objects.create_user(email=EMAIL.format(size=size), password=None)
    Profile.objects.create(user=user, display_name=f"Bench person {size}", city="Geneva")
    inputs = Input.objects.bulk_create(
        Input(
            call=call,
            author=user,
            state=Input.State.SUBMITTED,
            reference=f"BENCH-{size}-{number:06d}",
            submitted_at=now,
            consent=Input.Consent.PUBLIC_NAMED,
        )
        for number in range(size)
    )
    text = ("Migrants need access to basic services and to justice. " * 40)[:2000]
    Answer.objects.bulk_create(
        Answer(input=input, question=question, text=text)
        for input in inputs
        for question in questions
    )
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Author": f"Bench person {size}"})
    writer.add_attachment("data.bin", os.urandom(2**20))  # 1 MiB that does not compress
    buffer = io.BytesIO()
    writer.write(buffer)
    pdf = buffer.getvalue()
    for input in inputs[::50]:
        attachment = Attachment(
            input=input, original_name="evidence.pdf", content_type="application/pdf", size=len(pdf)
        )
        attachment.file.save("evidence.pdf", ContentFile(pdf), save=False)
        attachment.save()
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="input_receipt", title="Received", body=text)
        for _ in inputs
    )
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(recipient=user.email, subject="Received", body_text=text, kind="x")
        for _ in inputs
    )
    return user.pk


def measure(user_id: int) -> dict:
    """In this process: read the whole export, then erase the account."""
    from stakeholders import services
    from stakeholders.models import User

    user = User.objects.get(pk=user_id)
    with PeakResident() as peak:
        started = time.perf_counter()
        size = sum(len(chunk) for chunk in services.account_export(user=user))
        export_seconds = time.perf_counter() - started
    started = time.perf_counter()
    services.account_erase(user=user)
    return {
        "bytes": size,
        "export_seconds": round(export_seconds, 1),
        "peak_above_start_mib": peak.above_start_mib,
        "erase_seconds": round(time.perf_counter() - started, 1),
    }


def clean_up(user_id: int) -> None:
    """Remove what the benchmark made (the erased person's submitted inputs stay otherwise)."""
    from consultations.models import Input, InputTransition
    from consultations.services import input_files_delete
    from stakeholders.models import User

    inputs = Input.objects.filter(author_id=user_id)
    for input in inputs:
        for attachment in input.attachments.all():
            input_files_delete(attachment)
    InputTransition.objects.filter(input__in=inputs).delete()
    inputs.delete()
    User.objects.filter(pk=user_id).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # measure this account
    args = parser.parse_args()
    import django

    django.setup()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    print(f"{'inputs':>7} {'export MiB':>11} {'export s':>9} {'peak MiB':>9} {'erase s':>8}")
    for size in args.inputs:
        user_id = make_person(size)
        try:
            one = subprocess.run(  # this script, run again, so that each measure starts afresh
                [sys.executable, __file__, "--one", str(user_id)],
                capture_output=True,
                text=True,
            )
            if one.returncode:
                raise SystemExit(one.stderr)
            figures = json.loads(one.stdout.strip().splitlines()[-1])
        finally:
            clean_up(user_id)
        print(
            f"{size:7} {figures['bytes'] / 2**20:11.1f} {figures['export_seconds']:9} "
            f"{figures['peak_above_start_mib']:9} {figures['erase_seconds']:8}"
        )


if __name__ == "__main__":
    main()

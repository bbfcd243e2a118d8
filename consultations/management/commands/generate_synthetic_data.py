"""Generate realistic synthetic stakeholders and inputs at scale, for benchmarks (never in
production: it refuses where demo content is disabled)."""

import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from consultations.models import Answer, Call, GuidingPrinciple, Input, Objective
from stakeholders.models import Country, Language, Profile, RegionMembership, StakeholderGroup, User

WORDS = [
    "migrants",
    "access",
    "services",
    "health",
    "education",
    "decent",
    "work",
    "regular",
    "pathways",
    "remittances",
    "diaspora",
    "integration",
    "discrimination",
    "data",
    "documentation",
    "consular",
    "protection",
    "return",
    "reintegration",
    "detention",
    "alternatives",
    "children",
    "women",
    "trafficking",
    "smuggling",
    "borders",
    "cooperation",
    "local",
    "authorities",
    "recruitment",
    "skills",
    "recognition",
    "climate",
    "displacement",
    "information",
    "inclusion",
    "labour",
    "rights",
    "wages",
    "housing",
    "language",
    "training",
    "partnership",
    "evidence",
    "policy",
    "national",
    "action",
    "plan",
    "review",
    "progress",
    "gap",
    "recommendation",
    "community",
]


def paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


class Command(BaseCommand):
    help = "Create synthetic users and inputs (e.g. --inputs 100000) across calls and countries."

    def add_arguments(self, parser):
        parser.add_argument("--inputs", type=int, default=10_000)
        parser.add_argument("--users", type=int, default=2_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch", type=int, default=2_000)
        parser.add_argument(
            "--call", help="reference code of the one call to fill (e.g. ECE); default: all calls"
        )

    def handle(self, *args, inputs: int, users: int, seed: int, batch: int, call=None, **options):
        if not settings.GCM_DEMO_CONTENT_ALLOWED:
            raise CommandError("Synthetic data is for local benchmarks only.")
        calls = list(Call.objects.prefetch_related("questions"))
        if call:
            calls = [c for c in calls if c.code == call]
            if not calls:
                raise CommandError(f"No call has the code {call}.")
        if not calls:
            raise CommandError("Load the demo content first: manage.py load_demo_content")
        rng = random.Random(seed)  # noqa: S311 -- reproducible fake data, not a secret
        groups = list(StakeholderGroup.objects.all())
        countries = list(Country.objects.member_states())
        languages = list(Language.objects.all())
        objectives = list(Objective.objects.all())
        principles = list(GuidingPrinciple.objects.all())
        regions_of = {}
        for membership in RegionMembership.objects.filter(within_region=True):
            regions_of.setdefault(membership.country_id, []).append(membership.region_id)

        start = User.objects.count()
        password = make_password(None)
        new_users = [
            User(email=f"synthetic{start + n}@synthetic.example", password=password)
            for n in range(users)
        ]
        User.objects.bulk_create(new_users, batch_size=batch)
        authors = list(User.objects.filter(email__endswith="@synthetic.example"))
        Profile.objects.bulk_create(
            [
                Profile(
                    user=user,
                    display_name=f"Synthetic stakeholder {user.pk}",
                    stakeholder_group=rng.choice(groups),
                    country=rng.choice(countries),
                    preferred_language=rng.choice(["en", "fr", "es", "ar", "ru", "zh-hans"]),
                    terms_version=settings.GCM_TERMS_VERSION,
                )
                for user in authors
                if not hasattr(user, "profile")
            ],
            batch_size=batch,
            ignore_conflicts=True,
        )
        profiles = {p.user_id: p for p in Profile.objects.filter(user__in=authors)}
        self.stdout.write(f"{len(authors)} synthetic authors")

        now = timezone.now()
        made = 0
        serial = Input.objects.count()
        while made < inputs:
            size = min(batch, inputs - made)
            with transaction.atomic():
                rows = []
                for _ in range(size):
                    serial += 1
                    call = rng.choice(calls)
                    author = rng.choice(authors)
                    profile = profiles[author.pk]
                    state = rng.choices(
                        ["approved", "submitted", "rejected", "withdrawn", "draft"],
                        weights=[60, 20, 8, 4, 8],
                    )[0]
                    submitted = now - timedelta(minutes=rng.randint(1, 60 * 24 * 400))
                    rows.append(
                        Input(
                            call=call,
                            author=author,
                            language=rng.choice(languages),
                            consent=rng.choices(
                                ["public_named", "public_anonymous", "private"], [60, 25, 15]
                            )[0],
                            state=state,
                            reference=None if state == "draft" else f"SYN-{call.code}-{serial:07d}",
                            submitted_at=None if state == "draft" else submitted,
                            published_at=submitted if state == "approved" else None,
                            author_group=profile.stakeholder_group,
                            author_country=profile.country,
                        )
                    )
                created = Input.objects.bulk_create(rows, batch_size=batch)
                answers, tags, principle_tags, region_tags = [], [], [], []
                for input in created:
                    for question in input.call.questions.all():
                        if question.required or rng.random() < 0.5:
                            answers.append(
                                Answer(
                                    input=input,
                                    question=question,
                                    text=paragraph(rng, rng.randint(40, 220)),
                                )
                            )
                    for objective in rng.sample(objectives, rng.randint(1, 3)):
                        tags.append(Input.objectives.through(input=input, objective=objective))
                    for principle in rng.sample(principles, rng.randint(0, 2)):
                        principle_tags.append(
                            Input.principles.through(input=input, guidingprinciple=principle)
                        )
                    for region_id in regions_of.get(input.author_country_id, []):
                        region_tags.append(
                            Input.author_regions.through(input=input, region_id=region_id)
                        )
                Answer.objects.bulk_create(answers, batch_size=batch)
                Input.objectives.through.objects.bulk_create(tags, batch_size=batch)
                Input.principles.through.objects.bulk_create(principle_tags, batch_size=batch)
                Input.author_regions.through.objects.bulk_create(region_tags, batch_size=batch)
            made += size
            self.stdout.write(f"  {made} / {inputs} inputs")
        self.stdout.write(self.style.SUCCESS(f"{made} synthetic inputs created."))

"""Demo accounts and organisations for a living local portal; loading them twice adds nothing."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from stakeholders import services
from stakeholders.models import Country, Profile, StakeholderGroup, User

DEMO_PASSWORD = "gcm-demo-2026"  # noqa: S105 -- local demo only; refused where demo content is off

ADMINISTRATOR = "administrator"  # a superuser; other staff roles are the groups of that name

# (e-mail, display name, stakeholder group, country, preferred language, staff role or None)
DEMO_ACCOUNTS = [
    ("staff@gcm-portal.example", "Portal staff", "un_international_org", "CH", "en", ADMINISTRATOR),
    (
        "moderator@gcm-portal.example",
        "Nadia Haddad",
        "un_international_org",
        "CH",
        "en",
        "Moderator",
    ),
    ("stakeholder@gcm-portal.example", "Amina Diallo", "migrants", "SN", "fr", None),
    ("ngo.nairobi@gcm-portal.example", "Wanjiru Kamau", "civil_society", "KE", "en", None),
    ("union.mexico@gcm-portal.example", "Lucía Hernández", "trade_unions", "MX", "es", None),
    ("rabat.city@gcm-portal.example", "Youssef Benali", "local_authorities", "MA", "ar", None),
]

# (name, acronym, group, headquarters, countries of operation, admin e-mail, verified)
DEMO_ORGANISATIONS = [
    (
        "Association des Sénégalais de l'Extérieur",
        "ASE",
        "migrant_diaspora_orgs",
        "SN",
        ["SN", "FR", "IT", "ES"],
        "stakeholder@gcm-portal.example",
        True,
    ),
    (
        "Kenya Migrant Workers Network",
        "KMWN",
        "civil_society",
        "KE",
        ["KE", "SA", "QA", "AE"],
        "ngo.nairobi@gcm-portal.example",
        True,
    ),
    (
        "Red Sindical Migrante de las Américas",
        "RSMA",
        "trade_unions",
        "MX",
        ["MX", "GT", "US", "CO"],
        "union.mexico@gcm-portal.example",
        False,
    ),
]


def demo_stakeholders_load() -> dict:
    """Create the demo accounts (with profiles) and organisations; returns users by e-mail."""
    users = {}
    for email, name, group, country, language, role in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"is_staff": role is not None, "is_superuser": role == ADMINISTRATOR},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if role not in (None, ADMINISTRATOR):
                user.groups.add(Group.objects.get(name=role))
        if not Profile.objects.filter(user=user).exists():
            services.profile_save(
                user=user,
                display_name=name,
                stakeholder_group=StakeholderGroup.objects.get(code=group),
                country=Country.objects.get(code=country),
                preferred_language=language,
                accept_terms=True,
            )
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users[email] = user
    staff = users["staff@gcm-portal.example"]
    for name, acronym, group, hq, operating, admin, verified in DEMO_ORGANISATIONS:
        if services.organisation_find_duplicate(name):
            continue
        organisation = services.organisation_create(
            by=users[admin],
            name=name,
            acronym=acronym,
            stakeholder_group=StakeholderGroup.objects.get(code=group),
            headquarters_country=Country.objects.get(code=hq),
            countries_of_operation=Country.objects.filter(code__in=operating),
            description=f"{name}: a demo organisation of the local portal.",
        )
        if verified:
            services.organisation_verify(organisation=organisation, by=staff)
    return users

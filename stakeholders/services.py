"""Writes for the stakeholders app."""

from django.db import transaction
from django_countries import countries as iso_countries

from . import reference
from .models import Country, Language, Region, RegionMembership, StakeholderGroup


@transaction.atomic
def stakeholder_reference_data_load() -> dict[str, int]:
    """Create or update groups, regions, countries, memberships and languages; safe to re-run.

    Rows are matched on their code, so names edited in the admin are restored to the reference
    text, while memberships added by staff for other countries are left alone.
    """
    for position, (code, name, kind, paragraphs) in enumerate(reference.STAKEHOLDER_GROUPS):
        StakeholderGroup.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "gcm_paragraphs": paragraphs,
                "position": position,
            },
        )
    for position, (code, name, native_name, direction) in enumerate(reference.LANGUAGES):
        Language.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "native_name": native_name,
                "direction": direction,
                "is_un_official": True,
                "position": position,
            },
        )

    regions = {}
    for code, name, commission, headquarters in reference.REGIONS:
        regions[code], _ = Region.objects.update_or_create(
            code=code,
            defaults={"name": name, "commission": commission, "headquarters": headquarters},
        )

    member_states = set()
    for members in reference.REGION_MEMBERS.values():
        member_states.update(members["members"].split())
    member_states -= reference.NON_MEMBER_STATES
    existing = {c.code.code: c for c in Country.objects.all()}
    Country.objects.bulk_create(
        Country(code=iso.code, is_un_member_state=iso.code in member_states)
        for iso in iso_countries
        if iso.code not in existing
    )
    Country.objects.exclude(code__in=member_states).filter(is_un_member_state=True).update(
        is_un_member_state=False
    )
    Country.objects.filter(code__in=member_states, is_un_member_state=False).update(
        is_un_member_state=True
    )
    countries = {c.code.code: c for c in Country.objects.all()}

    memberships = {(m.region_id, m.country_id): m for m in RegionMembership.objects.all()}
    to_create, to_update = [], []
    for region_code, members in reference.REGION_MEMBERS.items():
        region = regions[region_code]
        outside = set(members["outside"].split())
        wanted = {
            code: (RegionMembership.Status.MEMBER, code not in outside)
            for code in members["members"].split()
        }
        wanted.update(
            dict.fromkeys(members["associates"].split(), (RegionMembership.Status.ASSOCIATE, True))
        )
        for code, (status, within) in wanted.items():
            country = countries[code]
            membership = memberships.get((region.pk, country.pk))
            if membership is None:
                to_create.append(
                    RegionMembership(
                        region=region, country=country, status=status, within_region=within
                    )
                )
            elif (membership.status, membership.within_region) != (status, within):
                membership.status, membership.within_region = status, within
                to_update.append(membership)
    RegionMembership.objects.bulk_create(to_create)
    RegionMembership.objects.bulk_update(to_update, ["status", "within_region"])

    return {
        "stakeholder groups": StakeholderGroup.objects.count(),
        "languages": Language.objects.count(),
        "regions": Region.objects.count(),
        "countries": Country.objects.count(),
        "regional commission memberships": RegionMembership.objects.count(),
    }

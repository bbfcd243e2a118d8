"""Staff can edit which countries belong to a regional commission in the admin."""

import pytest

from stakeholders.models import Country, Region, RegionMembership
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_staff_add_a_country_to_a_region_in_the_admin(client, settings, reference_data):
    settings.GCM_STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    region = Region.objects.get(code="ESCWA")
    djibouti = Country.objects.get(code="DJ")
    page = client.get(f"/en/admin/stakeholders/region/{region.pk}/change/")
    assert page.status_code == 200
    memberships = list(region.memberships.all())
    data = {
        "code": region.code,
        "name": region.name,
        "commission": region.commission,
        "headquarters": region.headquarters,
        "memberships-TOTAL_FORMS": str(len(memberships) + 1),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, membership in enumerate(memberships):
        data.update(
            {
                f"memberships-{index}-id": str(membership.pk),
                f"memberships-{index}-region": str(region.pk),
                f"memberships-{index}-country": str(membership.country_id),
                f"memberships-{index}-status": membership.status,
                f"memberships-{index}-within_region": "on" if membership.within_region else "",
            }
        )
    new = len(memberships)
    data.update(
        {
            f"memberships-{new}-region": str(region.pk),
            f"memberships-{new}-country": str(djibouti.pk),
            f"memberships-{new}-status": "member",
            f"memberships-{new}-within_region": "on",
        }
    )

    response = client.post(f"/en/admin/stakeholders/region/{region.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert RegionMembership.objects.filter(region=region, country=djibouti).exists()
    assert region.memberships.count() == len(memberships) + 1


def test_country_changelist_shows_regions_with_a_constant_number_of_queries(
    client, settings, reference_data, django_assert_max_num_queries
):
    settings.GCM_STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())

    with django_assert_max_num_queries(12):
        response = client.get("/en/admin/stakeholders/country/?all=")

    assert response.status_code == 200
    assert "ECE, ECLAC, ESCAP" in response.content.decode()


def test_admin_in_arabic_shows_reference_names_in_arabic(client, settings, reference_data):
    settings.GCM_STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())

    regions = client.get("/ar/admin/stakeholders/region/").content.decode()
    index = client.get("/ar/admin/").content.decode()

    assert 'dir="rtl"' in regions
    assert "Latin America and the Caribbean" not in regions
    assert "أمريكا اللاتينية" in regions
    # allauth's own catalog renders its "MFA" app as "Ministry of Foreign Affairs" in Arabic.
    assert "وزارة الخارجية" not in index

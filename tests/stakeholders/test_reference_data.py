"""The GCM reference data: complete, faithful to the Compact, and safe to load twice."""

import pytest
from django.core.management import call_command

from consultations.models import GuidingPrinciple, Objective, ObjectiveCluster
from stakeholders.models import Country, Language, Region, RegionMembership, StakeholderGroup

pytestmark = pytest.mark.django_db


def test_reference_data_has_the_compacts_objectives_principles_and_clusters(reference_data):
    assert list(Objective.objects.values_list("number", flat=True)) == list(range(1, 24))
    assert Objective.objects.get(number=23).gcm_paragraph == 39
    assert GuidingPrinciple.objects.count() == 10
    assert GuidingPrinciple.objects.get(code="whole_of_society").gcm_paragraph == "15(j)"
    assert ObjectiveCluster.objects.count() == 4
    # Every objective sits in exactly one IMRF roundtable cluster.
    assert not Objective.objects.filter(cluster__isnull=True).exists()
    assert Objective.objects.get(number=2).cluster.number == 1


def test_reference_data_has_stakeholder_groups_regions_and_the_six_un_languages(reference_data):
    assert StakeholderGroup.objects.filter(kind="constituency").count() == 15
    assert (
        StakeholderGroup.objects.filter(code__in=["member_state", "un_international_org"]).count()
        == 2
    )
    assert set(Region.objects.values_list("code", flat=True)) == {
        "ECA",
        "ECE",
        "ECLAC",
        "ESCAP",
        "ESCWA",
    }
    assert list(Language.objects.values_list("code", flat=True)) == [
        "ar",
        "zh",
        "en",
        "fr",
        "ru",
        "es",
    ]
    assert Language.objects.get(code="ar").direction == "rtl"


def test_regional_commission_membership_is_many_to_many(reference_data):
    assert Country.objects.filter(is_un_member_state=True).count() == 193
    counts = {
        region.code: region.memberships.filter(status="member").count()
        for region in Region.objects.all()
    }
    assert counts == {"ECA": 54, "ECE": 56, "ECLAC": 46, "ESCAP": 53, "ESCWA": 20}

    france = Country.objects.get(code="FR")
    assert set(france.regions.values_list("code", flat=True)) == {"ECE", "ECLAC", "ESCAP"}
    # France is a member of ECLAC, but not a country of Latin America and the Caribbean.
    assert not RegionMembership.objects.get(region__code="ECLAC", country=france).within_region
    egypt = Country.objects.get(code="EG")
    assert set(egypt.regions.values_list("code", flat=True)) == {"ECA", "ESCWA"}
    palestine = Country.objects.get(code="PS")
    assert not palestine.is_un_member_state
    assert RegionMembership.objects.filter(region__code="ESCAP", status="associate").count() == 9


def test_loading_the_reference_data_twice_duplicates_nothing(reference_data):
    before = reference_data

    call_command("load_reference_data")

    from consultations.services import reference_data_load

    assert reference_data_load() == before


def test_reloading_restores_reference_text_but_keeps_memberships_added_by_staff(reference_data):
    objective = Objective.objects.get(number=1)
    objective.title = "edited by mistake"
    objective.save(update_fields=["title"])
    chile = Country.objects.get(code="CL")
    RegionMembership.objects.create(region=Region.objects.get(code="ECE"), country=chile)

    call_command("load_reference_data")

    objective.refresh_from_db()
    assert objective.title.startswith("Collect and utilize accurate and disaggregated data")
    assert RegionMembership.objects.filter(region__code="ECE", country=chile).exists()


def test_reference_names_are_shown_in_the_readers_language(reference_data):
    from django.utils import translation

    group = StakeholderGroup.objects.get(code="trade_unions")
    with translation.override("fr"):
        assert str(group) != "Trade unions"
    with translation.override("en"):
        assert str(group) == "Trade unions"
        assert str(Country.objects.get(code="MA")) == "Morocco"
    with translation.override("ar"):
        assert str(Country.objects.get(code="MA")) == "المغرب"

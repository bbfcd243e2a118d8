"""Writes for the consultations app."""

from django.db import transaction

from stakeholders.services import stakeholder_reference_data_load

from . import reference
from .models import GuidingPrinciple, Objective, ObjectiveCluster


@transaction.atomic
def reference_data_load() -> dict[str, int]:
    """Create or update all GCM reference data (objectives, principles, stakeholders)."""
    counts = stakeholder_reference_data_load()
    clusters = {}
    for number, theme, _objectives in reference.OBJECTIVE_CLUSTERS:
        clusters[number], _ = ObjectiveCluster.objects.update_or_create(
            number=number, defaults={"theme": theme}
        )
    cluster_of = {
        objective: clusters[number]
        for number, _theme, objectives in reference.OBJECTIVE_CLUSTERS
        for objective in objectives
    }
    for number, title, paragraph in reference.OBJECTIVES:
        Objective.objects.update_or_create(
            number=number,
            defaults={"title": title, "gcm_paragraph": paragraph, "cluster": cluster_of[number]},
        )
    for number, code, name, paragraph in reference.GUIDING_PRINCIPLES:
        GuidingPrinciple.objects.update_or_create(
            number=number, defaults={"code": code, "name": name, "gcm_paragraph": paragraph}
        )
    counts.update(
        {
            "objective clusters": ObjectiveCluster.objects.count(),
            "objectives": Objective.objects.count(),
            "guiding principles": GuidingPrinciple.objects.count(),
        }
    )
    return counts

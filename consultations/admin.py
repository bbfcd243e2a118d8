"""Admin for the Compact's reference data."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import GuidingPrinciple, Objective, ObjectiveCluster


@admin.register(ObjectiveCluster)
class ObjectiveClusterAdmin(admin.ModelAdmin):
    list_display = ["__str__"]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["number", "title_in_language", "gcm_paragraph", "cluster"]
    list_filter = ["cluster"]
    list_select_related = ["cluster"]
    search_fields = ["title"]

    @admin.display(description=_("title"), ordering="number")
    def title_in_language(self, objective: Objective) -> str:
        return objective.translated_title


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(admin.ModelAdmin):
    list_display = ["number", "__str__", "code", "gcm_paragraph"]
    search_fields = ["name", "code"]

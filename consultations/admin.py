"""Admin for the Compact's reference data."""

from django.contrib import admin

from .models import GuidingPrinciple, Objective, ObjectiveCluster


@admin.register(ObjectiveCluster)
class ObjectiveClusterAdmin(admin.ModelAdmin):
    list_display = ["number", "theme"]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "gcm_paragraph", "cluster"]
    list_filter = ["cluster"]
    list_select_related = ["cluster"]
    search_fields = ["title"]


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "code", "gcm_paragraph"]
    search_fields = ["name", "code"]

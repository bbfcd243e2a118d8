"""Admin of reviews: the regional review or IMRF edition a call belongs to."""

from django.contrib import admin

from .models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "year", "round", "conference_starts_on", "venue"]
    list_filter = ["kind", "year"]
    list_select_related = ["call"]
    autocomplete_fields = ["call"]
    search_fields = ["call__title", "venue"]

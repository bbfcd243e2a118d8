"""Public pages of the consultations app."""

from django.db.models import Prefetch
from django.views.generic import TemplateView

from .models import Objective, ObjectiveCluster


class HomeView(TemplateView):
    """What the portal is for, the open calls for inputs, and the Compact's objectives."""

    template_name = "consultations/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["clusters"] = ObjectiveCluster.objects.prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.order_by("number"))
        )
        # Calls for inputs arrive with the input pipeline; until then there are none to list.
        context["open_calls"] = []
        return context

"""Read endpoints of the reference lists and of the directory of verified organisations."""

from django_filters.rest_framework import DjangoFilterBackend

from gcmportal.api import CursorPage, PublicReadViewSet
from stakeholders.filters import OrganisationFilter
from stakeholders.models import Language, Organisation, Region, StakeholderGroup

from .serializers import (
    LanguageSerializer,
    OrganisationSerializer,
    RegionSerializer,
    StakeholderGroupSerializer,
)


class ReferenceViewSet(PublicReadViewSet):
    pagination_class = None


class StakeholderGroupViewSet(ReferenceViewSet):
    """The constituencies the GCM names (paragraphs 15(j) and 44), Member States and UN bodies."""

    queryset = StakeholderGroup.objects.order_by("position", "pk")
    serializer_class = StakeholderGroupSerializer


class RegionViewSet(ReferenceViewSet):
    """The five UN regional commissions and their member countries."""

    queryset = Region.objects.prefetch_related("countries").order_by("code")
    serializer_class = RegionSerializer


class LanguageViewSet(ReferenceViewSet):
    """The languages inputs are written in."""

    queryset = Language.objects.order_by("position", "pk")
    serializer_class = LanguageSerializer


class OrganisationPage(CursorPage):
    ordering = "name"


class OrganisationViewSet(PublicReadViewSet):
    """Organisations verified by staff (the public directory), filtered as on its page."""

    serializer_class = OrganisationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrganisationFilter
    pagination_class = OrganisationPage

    def get_queryset(self):
        return (
            Organisation.objects.verified()
            .select_related("stakeholder_group", "headquarters_country")
            .prefetch_related("countries_of_operation")
        )

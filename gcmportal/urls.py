"""URL configuration: every page lives under its language prefix (/en/, /ar/, ...)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from consultations.api import opendata
from consultations.api import views as consultations_api
from consultations.api import writing as consultations_writing
from consultations.views import HomeView
from gcmportal.views import alive, health
from reviews.api import views as reviews_api
from stakeholders.api import views as stakeholders_api

# Route names start with "api-": the site's own pages have "call_list" and the like.
api = DefaultRouter()
api.include_root_view = False
for prefix, viewset in {
    "calls": consultations_api.CallViewSet,
    "inputs": consultations_api.PublishedInputViewSet,
    "objectives": consultations_api.ObjectiveViewSet,
    "guiding-principles": consultations_api.GuidingPrincipleViewSet,
    "stakeholder-groups": stakeholders_api.StakeholderGroupViewSet,
    "regions": stakeholders_api.RegionViewSet,
    "languages": stakeholders_api.LanguageViewSet,
    "organisations": stakeholders_api.OrganisationViewSet,
    "reviews": reviews_api.ReviewViewSet,
    "reports": reviews_api.PublishedReportViewSet,
    "my/inputs": consultations_writing.MyInputViewSet,
}.items():
    api.register(prefix, viewset, basename=f"api-{prefix.replace('/', '-')}")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", health, name="health"),
    path("health/alive/", alive, name="alive"),
    path("api/v1/", include(api.urls)),
    path(
        "api/v1/open-data/inputs.csv",
        opendata.OpenDataCsvView.as_view(),
        name="api-open-data-csv",
    ),
    path(
        "api/v1/open-data/inputs.jsonl",
        opendata.OpenDataJsonLinesView.as_view(),
        name="api-open-data-jsonl",
    ),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/v1/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
]

urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("", include("stakeholders.urls")),
    path("", include("notifications.urls")),
    path("", include("consultations.urls")),
    path("", include("reviews.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "gcmportal.views.page_not_found"
handler500 = "gcmportal.views.server_error"

"""URL configuration: every page lives under its language prefix (/en/, /ar/, ...)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from consultations.views import HomeView
from gcmportal.views import health

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", health, name="health"),
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

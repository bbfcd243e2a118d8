"""URLs of the notifications app (under the language prefix)."""

from django.urls import path

from . import views

urlpatterns = [
    path("notices/", views.NotificationListView.as_view(), name="notification_list"),
    path("notices/<int:pk>/open/", views.NotificationOpenView.as_view(), name="notification_open"),
    path(
        "notices/read-all/", views.NotificationReadAllView.as_view(), name="notification_read_all"
    ),
    path(
        "accounts/notifications/",
        views.NotificationPreferencesView.as_view(),
        name="notification_preferences",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.UnsubscribeView.as_view(),
        name="notification_unsubscribe",
    ),
]

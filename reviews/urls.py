from django.urls import path

from . import views

urlpatterns = [
    path(
        "reports/<int:pk>/<str:file_format>/",
        views.PublishedReportFileView.as_view(),
        name="report_download",
    ),
]

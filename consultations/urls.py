"""URLs of calls and inputs (under the language prefix)."""

from django.urls import path

from . import views

urlpatterns = [
    path("calls/", views.CallListView.as_view(), name="call_list"),
    path("calls/<int:pk>/", views.CallDetailView.as_view(), name="call_detail"),
    path("calls/<int:pk>/follow/", views.CallFollowView.as_view(), name="call_follow"),
    path("calls/<int:pk>/inputs/", views.InputListView.as_view(), name="call_inputs"),
    path("calls/<int:pk>/inputs/new/", views.InputStartView.as_view(), name="input_start"),
    path("documents/<int:pk>/", views.BackgroundDocumentView.as_view(), name="document_download"),
    path("inputs/", views.InputListView.as_view(), name="input_list"),
    path("inputs/<int:pk>/", views.InputDetailView.as_view(), name="input_detail"),
    path("inputs/<int:pk>/edit/", views.InputEditView.as_view(), name="input_edit"),
    path("inputs/<int:pk>/preview/", views.InputPreviewView.as_view(), name="input_preview"),
    path("inputs/<int:pk>/receipt/", views.InputReceiptView.as_view(), name="input_receipt"),
    path("inputs/<int:pk>/withdraw/", views.InputWithdrawView.as_view(), name="input_withdraw"),
    path("inputs/<int:pk>/copy.pdf", views.InputCopyView.as_view(), name="input_copy"),
    path("inputs/<int:pk>/delete/", views.InputDeleteView.as_view(), name="input_delete"),
    path(
        "inputs/<int:pk>/attachments/",
        views.AttachmentUploadView.as_view(),
        name="input_attach",
    ),
    path(
        "attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"
    ),
    path(
        "attachments/<int:pk>/delete/",
        views.AttachmentDeleteView.as_view(),
        name="attachment_delete",
    ),
    path("accounts/inputs/", views.MyInputsView.as_view(), name="my_inputs"),
    path("open-data/", views.OpenDataPageView.as_view(), name="open_data"),
    path("api-guide/", views.ApiGuideView.as_view(), name="api_guide"),
]

"""URLs of the stakeholders app (under the language prefix)."""

from django.urls import path

from . import views

urlpatterns = [
    path("terms/", views.TermsView.as_view(), name="terms"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("accounts/profile/", views.ProfileView.as_view(), name="account_profile"),
    path("accounts/organisations/", views.MyOrganisationsView.as_view(), name="my_organisations"),
    path(
        "accounts/focal-point/", views.FocalPointRequestView.as_view(), name="focal_point_request"
    ),
    path("accounts/my-data/", views.AccountDataView.as_view(), name="account_data"),
    path(
        "accounts/my-data/download/",
        views.AccountDataDownloadView.as_view(),
        name="account_data_download",
    ),
    path("accounts/delete/", views.AccountDeleteView.as_view(), name="account_delete"),
    path("accounts/api-tokens/", views.ApiTokensView.as_view(), name="api_tokens"),
    path(
        "accounts/api-tokens/<int:pk>/revoke/",
        views.ApiTokenRevokeView.as_view(),
        name="api_token_revoke",
    ),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/new/", views.OrganisationCreateView.as_view(), name="organisation_create"),
    path(
        "organisations/autocomplete/",
        views.OrganisationAutocompleteView.as_view(),
        name="organisation_autocomplete",
    ),
    path(
        "organisations/invitations/<str:token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path(
        "organisations/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path(
        "organisations/<int:pk>/edit/",
        views.OrganisationEditView.as_view(),
        name="organisation_edit",
    ),
    path(
        "organisations/<int:pk>/members/",
        views.OrganisationManageView.as_view(),
        name="organisation_manage",
    ),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/<slug:action>/",
        views.MembershipActionView.as_view(),
        name="membership_action",
    ),
    path(
        "organisations/<int:pk>/join/",
        views.OrganisationJoinView.as_view(),
        name="organisation_join",
    ),
    path(
        "organisations/<int:pk>/leave/",
        views.OrganisationLeaveView.as_view(),
        name="organisation_leave",
    ),
]

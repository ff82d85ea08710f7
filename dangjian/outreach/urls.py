from django.urls import path

from . import case_views, views

app_name = "outreach"
url_prefix = "outreach/"
urlpatterns = [
    path("", views.summary, name="summary"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/export/", views.visit_export, name="visit_export"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("beneficiaries/", views.beneficiary_list, name="beneficiary_list"),
    path("beneficiaries/new/", views.beneficiary_create, name="beneficiary_create"),
    path("beneficiaries/export/", views.beneficiary_export, name="beneficiary_export"),
    path("beneficiaries/<int:pk>/", views.beneficiary_detail, name="beneficiary_detail"),
    path("beneficiaries/<int:pk>/edit/", views.beneficiary_edit, name="beneficiary_edit"),
    path("beneficiaries/<int:pk>/reveal/<str:field>/", views.beneficiary_reveal, name="beneficiary_reveal"),
    path("cases/", case_views.case_list, name="case_list"),
    path("cases/new/", case_views.case_create, name="case_create"),
    path("cases/export/", case_views.case_export, name="case_export"),
    path("cases/<int:pk>/", case_views.case_detail, name="case_detail"),
    path("cases/<int:pk>/resolve/", case_views.case_resolve, name="case_resolve"),
    path("cases/<int:pk>/return-visit/", case_views.case_return_visit, name="case_return_visit"),
    path("cases/<int:pk>/reopen/", case_views.case_reopen, name="case_reopen"),
    path("cases/<int:pk>/progress/", case_views.case_progress, name="case_progress"),
    path("cases/<int:pk>/helpers/", case_views.case_assign, name="case_assign"),
]

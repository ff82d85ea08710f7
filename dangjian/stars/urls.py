from django.urls import path

from . import views

app_name = "stars"
url_prefix = "stars/"
urlpatterns = [
    path("schemes/", views.scheme_list, name="scheme_list"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/edit/", views.scheme_update, name="scheme_update"),
    path("schemes/<int:pk>/indicators/new/", views.indicator_form, name="indicator_create"),
    path("schemes/<int:pk>/indicators/<int:indicator>/", views.indicator_form, name="indicator_update"),
    path("schemes/<int:pk>/indicators/<int:indicator>/delete/", views.indicator_delete, name="indicator_delete"),
    path("schemes/<int:pk>/<str:step>/", views.scheme_action, name="scheme_action"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/events/", views.score_event_create, name="score_event_create"),
    path("assessments/<int:pk>/<str:step>/", views.assessment_step, name="assessment_step"),
    path("map/", views.star_map, name="map"),
    path("awards/<int:pk>/certificate/", views.certificate, name="certificate"),
]

from django.urls import path

from . import views

app_name = "secretaries"
url_prefix = "secretaries/"
urlpatterns = [
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/new/", views.topic_create, name="topic_create"),
    path("topics/<int:pk>/", views.topic_detail, name="topic_detail"),
    path("topics/<int:pk>/<str:step>/", views.topic_step, name="topic_step"),
    path("undertakings/<int:pk>/", views.undertaking_detail, name="undertaking_detail"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("contact-points/", views.point_list, name="point_list"),
    path("contact-points/new/", views.point_create, name="point_create"),
    path("contact-points/<int:pk>/", views.point_detail, name="point_detail"),
    path("contact-visits/<int:pk>/pass-on/", views.visit_pass_on, name="visit_pass_on"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/new/", views.review_create, name="review_create"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("overview/", views.overview, name="overview"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/export/", views.export, name="export"),
]

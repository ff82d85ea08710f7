from django.urls import include, path

from . import views

app_name = "orgs"
urlpatterns = [
    path("people/", include("dangjian.orgs.people_urls")),
]

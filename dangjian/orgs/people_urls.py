# People pages (names in the "orgs" namespace: orgs:person_list, ...).
from django.urls import path

from . import people_views as views

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("export/", views.person_export, name="person_export"),
    path("new/", views.person_create, name="person_create"),
    path("org-picker/", views.person_org_picker, name="person_org_picker"),
    path("person-picker/", views.person_picker, name="person_picker"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/edit/", views.person_update, name="person_update"),
    path("<int:pk>/transfer/", views.person_transfer, name="person_transfer"),
    path("<int:pk>/reveal/<str:field>/", views.person_reveal, name="person_reveal"),
    path("positions/new/", views.position_create, name="position_create"),
    path("positions/<int:pk>/end/", views.position_end, name="position_end"),
]

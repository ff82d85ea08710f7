# People pages (names in the "orgs" namespace: orgs:person_list, ...).
from django.urls import path

from .views import people as views
from .views import transfers as transfer_views

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("export/", views.person_export, name="person_export"),
    path("new/", views.person_create, name="person_create"),
    path("person-picker/", views.person_picker, name="person_picker"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/edit/", views.person_update, name="person_update"),
    path("<int:pk>/transfer/", views.person_transfer, name="person_transfer"),
    path("<int:pk>/reveal/<str:field>/", views.person_reveal, name="person_reveal"),
    path("positions/new/", views.position_create, name="position_create"),
    path("positions/<int:pk>/end/", views.position_end, name="position_end"),
    # 组织关系转接 (orgs.views.transfers)
    path("transfers/", transfer_views.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/", transfer_views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/accept/", transfer_views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/return/", transfer_views.transfer_return, name="transfer_return"),
    path("transfers/<int:pk>/withdraw/", transfer_views.transfer_withdraw, name="transfer_withdraw"),
    path("transfers/<int:pk>/letter/", transfer_views.transfer_letter, name="transfer_letter"),
]

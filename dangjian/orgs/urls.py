from django.urls import include, path

from .views import orgs as views
from .views import pickers

app_name = "orgs"
urlpatterns = [
    path("people/", include("dangjian.orgs.people_urls")),
    path("orgs/", views.org_list, name="list"),
    path("orgs/export/", views.org_export, name="export"),
    path("orgs/tree/", views.org_tree, name="tree"),
    path("orgs/tree/<int:pk>/children/", views.tree_children, name="tree_children"),
    path("orgs/search/", views.org_search, name="search"),
    path("orgs/picker/", pickers.org_picker, name="org_picker"),
    path("orgs/new/", views.org_create, name="create"),
    path("orgs/<int:pk>/", views.org_detail, name="detail"),
    path("orgs/<int:pk>/children/", views.org_children, name="children"),
    path("orgs/<int:pk>/edit/", views.org_update, name="update"),
    path("orgs/<int:pk>/move/", views.org_move, name="move"),
    path("orgs/<int:pk>/deactivate/", views.org_deactivate, name="deactivate"),
    path("orgs/<int:pk>/reactivate/", views.org_reactivate, name="reactivate"),
    path("orgs/<int:pk>/delete/", views.org_delete, name="delete"),
]

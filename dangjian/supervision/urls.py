from django.urls import path

from . import views

app_name = "supervision"
url_prefix = "supervision/"
urlpatterns = [
    path("issued/", views.issued_list, name="issued"),
    path("assigned/", views.assigned_list, name="assigned"),
    path("assigned/export/", views.assigned_export, name="assigned_export"),
    path("new/", views.task_create, name="create"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("assignments/<int:pk>/report/", views.assignment_report, name="report"),
    path("assignments/<int:pk>/close/", views.assignment_close, name="close"),
    path("assignments/<int:pk>/return/", views.assignment_return, name="return"),
]

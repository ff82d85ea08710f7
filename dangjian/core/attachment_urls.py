from django.urls import path

from . import attachment_views as views

app_name = "attachments"

urlpatterns = [
    path("upload/<str:owner_type>/<int:owner_id>/", views.upload, name="upload"),
    path("<uuid:uuid>/", views.download, name="download"),
    path("<uuid:uuid>/stream/", views.stream, name="stream"),
    path("<uuid:uuid>/delete/", views.delete, name="delete"),
]

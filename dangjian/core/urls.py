"""Core's own pages: attachments (core.attachments) and background jobs (core.jobs)."""

from django.urls import include, path

urlpatterns = [
    path("attachments/", include("dangjian.core.attachment_urls")),
    path("jobs/", include("dangjian.core.job_urls")),
]

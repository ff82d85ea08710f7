"""The project's URLs plus one test-only page showing an organization's attachments: the include is not on any
product page yet (the pillar apps will put it on theirs), so the browser journey uses this one."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from dangjian.core.scoping import get_visible_or_404
from dangjian.orgs.models import Org
from dangjian.urls import urlpatterns as project_urlpatterns

PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% load attachment_tags %}'
    "{% block title %}{{ org.name }}{% endblock %}{% block page_title %}{{ org.name }}{% endblock %}"
    '{% block content %}{% attachments org "minutes" %}{% endblock %}'
)


def org_attachments(request, pk):
    org = get_visible_or_404(Org.objects.visible_to(request.user), pk=pk)
    return HttpResponse(PAGE.render({"org": org}, request))


urlpatterns = [
    path("test-attachments/<int:pk>/", org_attachments, name="test-attachments"),
    *project_urlpatterns,
]

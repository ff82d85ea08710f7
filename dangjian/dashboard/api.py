"""/api/v1/home/: the home page's figures for the caller, each with the API list whose `count` equals it."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.core import workbench

HomeSerializer = inline_serializer("Home", {
    "cards": inline_serializer("HomeCard", {
        "key": serializers.CharField(),
        "label": serializers.CharField(),
        "figures": inline_serializer("HomeFigure", {
            "key": serializers.CharField(),
            "label": serializers.CharField(),
            "value": serializers.IntegerField(),
            "url": serializers.CharField(help_text=_("The API list whose count equals the value for the caller.")),
        }, many=True),
    }, many=True),
    "todos": inline_serializer("HomeTodo", {
        "label": serializers.CharField(),
        "url": serializers.CharField(),
        "due": serializers.DateField(allow_null=True),
    }, many=True),
})


@extend_schema(tags=["home"])
class HomeView(APIView):
    @extend_schema(responses=HomeSerializer, summary=_("Home page figures and to-dos of the caller"))
    def get(self, request):
        cards = [
            {"key": card.key, "label": str(card.label), "figures": [f.as_api() for f in data.figures]}
            for card, data in workbench.cards(request.user)
        ]
        todos = [{"label": str(t["label"]), "url": t["url"], "due": t.get("due")}
                 for t in workbench.user_todos(request.user)]
        return Response({"cards": cards, "todos": todos})


api_urlpatterns = [path("home/", HomeView.as_view(), name="api-home")]

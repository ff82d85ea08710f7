from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from dangjian.accounts import api as accounts_api
from dangjian.accounts.apidocs import ApiDocsView
from dangjian.orgs import api as orgs_api

router = DefaultRouter()
orgs_api.register(router)
accounts_api.register(router)

urlpatterns = [
    path("", include("dangjian.dashboard.urls")),
    path("", include("dangjian.orgs.urls")),
    path("accounts/", include("dangjian.accounts.urls")),
    path("api/v1/", include(accounts_api.auth_urlpatterns)),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
]

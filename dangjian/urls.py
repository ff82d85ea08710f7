"""The project's URLs, assembled from the apps: each platform app's `urls.py` (mounted at its `url_prefix`, ""
by default) and its `api.py` (`register(router)` for viewsets, `api_urlpatterns` for plain API views under
/api/v1/). Adding an app adds its pages and endpoints; nothing here names one."""

import importlib
import importlib.util

from django.apps import apps
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from dangjian.core.apidocs import ApiDocsView, CachedSchemaView


def _platform_module(config, name):
    module = f"{config.name}.{name}"
    return importlib.import_module(module) if importlib.util.find_spec(module) else None


router = DefaultRouter()
api_paths, page_paths = [], []
for config in apps.get_app_configs():
    if not config.name.startswith("dangjian."):
        continue
    if api := _platform_module(config, "api"):
        if hasattr(api, "register"):
            api.register(router)
        api_paths.extend(getattr(api, "api_urlpatterns", []))
    if pages := _platform_module(config, "urls"):
        page_paths.append(path(getattr(pages, "url_prefix", ""), include(pages)))

urlpatterns = [
    *page_paths,
    path("api/v1/", include(api_paths)),
    path("api/v1/", include(router.urls)),
    path("api/schema/", CachedSchemaView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
]

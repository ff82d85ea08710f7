"""The API documentation inside the platform's frame: Swagger UI (from drf-spectacular-sidecar, served by the
application itself, no CDN) in a page that extends base.html, so the sidebar and the account menu lead back.

drf-spectacular's split view serves the page and, at the same URL with `?script`, the start-up script as a file
of its own: the Content-Security-Policy (script-src 'self', no inline script) holds unchanged."""

from django.http import HttpResponse
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "core/api_docs.html"


class CachedSchemaView(SpectacularAPIView):
    """The OpenAPI schema, generated and rendered once per process, API version, language and format (it describes
    the code, not the data, and is served public: the same for every user). Generating and rendering it walks
    every view and serializer: about 0.4 s a request, the one page of the every-page bench over 100 ms (issue
    11)."""

    _cache = {}

    @extend_schema(exclude=True)  # as drf-spectacular's own view: the schema does not describe itself
    def get(self, request, *args, **kwargs):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, get_language(), self.serve_public, self.urlconf, request.accepted_renderer.format)
        cached = self._cache.get(key)
        if cached is None:
            response = self._get_schema_response(request)
            response.accepted_renderer = request.accepted_renderer
            response.accepted_media_type = request.accepted_media_type
            response.renderer_context = self.get_renderer_context()
            response.render()
            cached = self._cache[key] = (response.content, response["Content-Type"],
                                         response["Content-Disposition"])
        content, content_type, disposition = cached
        return HttpResponse(content, content_type=content_type, headers={"Content-Disposition": disposition})

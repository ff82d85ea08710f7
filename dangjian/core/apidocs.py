"""The API documentation inside the platform's frame: Swagger UI (from drf-spectacular-sidecar, served by the
application itself, no CDN) in a page that extends base.html, so the sidebar and the account menu lead back.

drf-spectacular's split view serves the page and, at the same URL with `?script`, the start-up script as a file
of its own: the Content-Security-Policy (script-src 'self', no inline script) holds unchanged."""

from django.utils.translation import get_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.response import Response


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "core/api_docs.html"


class CachedSchemaView(SpectacularAPIView):
    """The OpenAPI schema, generated once per process, API version and language (it describes the code, not the
    data, and is served public: the same for every user). Generating it walks every view and serializer: about
    0.4 s a request, the one page of the every-page bench over 100 ms (issue 11)."""

    _cache = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, get_language(), self.serve_public, self.urlconf)
        if key not in self._cache:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            self._cache[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=self._cache[key],
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )

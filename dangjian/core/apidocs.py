"""The API documentation inside the platform's frame: Swagger UI (from drf-spectacular-sidecar, served by the
application itself, no CDN) in a page that extends base.html, so the sidebar and the account menu lead back.

drf-spectacular's split view serves the page and, at the same URL with `?script`, the start-up script as a file
of its own: the Content-Security-Policy (script-src 'self', no inline script) holds unchanged."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "core/api_docs.html"

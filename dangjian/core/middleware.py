"""Request context (id, client IP, user) for the audit log, and a hard limit on request size."""

import contextvars
import re
import uuid

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

_current_request = contextvars.ContextVar("current_request", default=None)
_UNSAFE = re.compile(r"[^A-Za-z0-9._:-]")
CLIENT_REQUEST_ID_LENGTH = 64


def current_request():
    return _current_request.get()


def client_ip(request):
    """The client address. Behind a reverse proxy set DANGJIAN_TRUSTED_PROXY_HEADER (e.g. HTTP_X_REAL_IP)."""
    header = getattr(settings, "DANGJIAN_TRUSTED_PROXY_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def client_ip_for_axes(request):
    return client_ip(request)


def sanitize_client_request_id(value):
    return _UNSAFE.sub("", value[:4 * CLIENT_REQUEST_ID_LENGTH])[:CLIENT_REQUEST_ID_LENGTH]


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The request id the audit log records is always the server's own; a client's X-Request-ID is kept
        # apart (client_request_id), stripped to safe characters and cut to 64, for correlating with its logs.
        request.request_id = uuid.uuid4().hex
        request.client_request_id = sanitize_client_request_id(request.headers.get("X-Request-ID", ""))
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


def request_size_limit(limit):
    """Let one view accept a multipart body larger than DATA_UPLOAD_MAX_MEMORY_SIZE (the attachment upload).

    `limit` is a number of bytes or a callable returning it (read at request time, so settings may change).
    Every other view, and any other content type on this one, keeps the global limit."""

    def decorator(view):
        view.request_size_limit = limit
        return view

    return decorator


class RequestSizeLimitMiddleware:
    """Refuse bodies above DATA_UPLOAD_MAX_MEMORY_SIZE up front, whatever the content type (JSON included).

    The check runs in process_view, once the URL is resolved and before any view or CSRF check reads the body,
    so a view marked with `request_size_limit` can allow larger multipart uploads on its own URL only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        allowance = getattr(view_func, "request_size_limit", None)
        if allowance is not None and request.content_type == "multipart/form-data":
            limit = max(limit, allowance() if callable(allowance) else allowance)
        if length < 0 or length > limit:
            return HttpResponse(
                _("The request is too large or malformed."), status=413, content_type="text/plain; charset=utf-8"
            )
        return None


class DomainExceptionMiddleware:
    """The one place where pages turn the services' domain exceptions (core.exceptions) into HTTP answers:
    NotInScope → 404; a ValidationError no form caught → 400 with its messages. PermissionDenied is Django's
    own 403 already. (The API's counterpart is core.drf.exception_handler.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import ValidationError
        from django.http import Http404
        from django.shortcuts import render

        from .exceptions import NotInScope

        if isinstance(exception, NotInScope):
            raise Http404 from exception
        if isinstance(exception, ValidationError):
            return render(request, "400.html", {"errors": exception.messages}, status=400)
        return None

"""View helpers shared by every app's pages: the capability check, and form-less actions (a POST button)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError


def require_capability(user, capability):
    """403 unless the user's role holds `capability`. On object pages call it after the scoped lookup, so that
    an object outside the user's subtree still answers 404."""
    if not user.has_capability(capability):
        raise PermissionDenied


def capability_required(capability):
    """Signed in (else the login page) and holding `capability` (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            require_capability(request.user, capability)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def perform_action(request, service, done_message, **kwargs):
    """Run a form-less action (`service(actor=request.user, **kwargs)`) and say how it went in a message: the
    service's refusal (ValidationError), or `done_message`. The caller redirects either way."""
    try:
        service(actor=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done_message)

"""DRF settings hooks (default permission, pagination, error format). Kept apart from core.api: DRF imports these
while loading, so this module must not import rest_framework.views (or anything that does) at the top."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, permissions
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings


class IsAuthenticatedAccount(permissions.IsAuthenticated):
    """Authenticated, and not held back by a forced password change (token auth refuses those itself;
    this covers session-authenticated API calls, which the page middleware lets through under /api/).
    The default permission of every API view (settings.REST_FRAMEWORK)."""

    message = gettext_lazy("You must change your password before using the API.")

    def has_permission(self, request, view):
        # password_change_due: forced (new account, reset) or older than PASSWORD_MAX_AGE.
        return super().has_permission(request, view) and not getattr(request.user, "password_change_due", False)


def capability_required(capability):
    """Permission class for a viewset that only one role's capability may use at all (403 for the others,
    as on the pages); objects outside the caller's scope still answer 404 through visible_to()."""

    class HasCapability(IsAuthenticatedAccount):
        def has_permission(self, request, view):
            if not super().has_permission(request, view):
                return False
            self.message = gettext_lazy("Your role does not allow this action.")
            return request.user.has_capability(capability)

    return HasCapability


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def exception_handler(exc, context):
    """The API's one place for the services' domain exceptions (core.exceptions): NotInScope becomes 404, and
    ValidationErrors become 400 with field messages, like a form would show them (PermissionDenied is DRF's 403).

    Errors that are not tied to one field (Django's "__all__") use DRF's "non_field_errors" key, and a body
    that is not JSON gets a clear, translated message instead of the parser's English text.
    """
    from .exceptions import NotInScope

    if isinstance(exc, NotInScope):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = exc.message_dict
            if NON_FIELD_ERRORS in detail:
                detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
        else:
            detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith("JSON parse error"):
        exc = exceptions.ParseError(_("The request body is not valid JSON."))
    from rest_framework.views import exception_handler as drf_exception_handler  # see the module docstring

    return drf_exception_handler(exc, context)

"""A locked account gets the very same answer as a wrong password, so lockout reveals nothing."""

from django.http import HttpResponse
from django.utils.translation import gettext as _


def login_failed_message():
    return _("Incorrect username or password.")


def lockout_response(request, original_response=None, credentials=None):
    if original_response is not None:
        return original_response
    return HttpResponse(login_failed_message(), status=400, content_type="text/plain; charset=utf-8")

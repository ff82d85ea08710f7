"""Login failure and lockout messages, the same on the login page and the token endpoint.

Before the lockout, a wrong password, an unknown user and a disabled account get one and the same message.
Once the username is locked (django-axes, AXES_LOCKOUT_PARAMETERS = ["username"]), the answer says so and
when to retry. django-axes counts attempts per username whether an account of that name exists or not, so an
unknown username is locked after as many attempts as a real one, and the lockout message reveals no account.
"""

import datetime
import math

from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _


def login_failed_message():
    return _("Incorrect username or password.")


def retry_time(until):
    """The local time from which a retry succeeds, to the minute and never before `until` (14:34:10 → 14:35);
    with the date when that is not today."""
    local = timezone.localtime(until)
    seconds = local.second + local.microsecond / 1e6
    if seconds:
        local += datetime.timedelta(seconds=60 * math.ceil(seconds / 60) - seconds)
    local = local.replace(second=0, microsecond=0)
    if local.date() != timezone.localdate():
        return date_format(local, "Y-m-d H:i")
    return date_format(local, "H:i")


def lockout_message(username):
    """What a locked username is told; the failure message when it is not (or no longer) locked."""
    from .selectors import lockout_until

    until = lockout_until(str(username or ""))
    if until is None:
        return login_failed_message()
    return _("This account is temporarily locked. Please try again after %(time)s.") % {"time": retry_time(until)}


def is_locked_out(request):
    """Whether django-axes flagged this (Django) request as a locked-out login attempt."""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page and the token endpoint already answer with the lockout message
    themselves (LoginForm, ObtainTokenView); any other path gets it as plain text."""
    if original_response is not None:
        return original_response
    username = (credentials or {}).get("username", "")
    return HttpResponse(lockout_message(username), status=400, content_type="text/plain; charset=utf-8")

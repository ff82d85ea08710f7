"""Per-address limit on failed logins, the login page and the token endpoint together (password spraying).

django-axes locks an account after a few failures on it; an attacker trying one password on many accounts
never trips it. So failures are also counted per client address (core.middleware.client_ip, the address the
audit log records) in the shared cache (settings.CACHES: every worker process sees one count): after
LOGIN_IP_FAILURE_LIMIT failures within LOGIN_IP_FAILURE_WINDOW, further logins from that address are refused
without checking the password, and each refusal is audited ("auth.ip_throttled").
"""

import math

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.middleware import client_ip
from dangjian.core.models import AuditEntry


def _key(request):
    return f"dangjian:login-failures:{client_ip(request) or '-'}"


def note_failure(request):
    """Count one failed login from the request's address (the window starts at the first failure)."""
    if request is None:
        return
    key = _key(request)
    window = int(settings.LOGIN_IP_FAILURE_WINDOW.total_seconds())
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired in between
        cache.add(key, 1, timeout=window)


def is_throttled(request):
    return request is not None and (cache.get(_key(request)) or 0) >= settings.LOGIN_IP_FAILURE_LIMIT


def throttled_message():
    minutes = math.ceil(settings.LOGIN_IP_FAILURE_WINDOW.total_seconds() / 60)
    return _("Too many failed logins from your network address. Please try again in %(minutes)d minutes.") % {
        "minutes": minutes}


def refuse(request, username):
    """Audit a login refused by the address limit; returns the message to show."""
    audit.record("auth.ip_throttled", actor=None, outcome=AuditEntry.Outcome.DENIED,
                 object_type="accounts.user", object_repr=str(username or "")[:150],
                 after={"failures_from_address": cache.get(_key(request)) or 0})
    return throttled_message()

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

# Paths a user who must change their password can still reach.
_OPEN_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/static/", "/api/")

# Session key holding when the login that opened the session happened (a POSIX timestamp).
SESSION_STARTED_KEY = "dangjian_auth_at"


def mark_session_start(request, user):
    """Called on login (signals.user_logged_in): the session's absolute lifetime counts from now. Token logins
    send the same signal without opening a session; they are left alone."""
    session = getattr(request, "session", None)
    if session is not None and session.get("_auth_user_id") == str(user.pk):
        session[SESSION_STARTED_KEY] = timezone.now().timestamp()


class SessionLifetimeMiddleware:
    """A signed-in session ends SESSION_ABSOLUTE_LIFETIME after its login, however active it has been (the idle
    timeout is SESSION_COOKIE_AGE). A session without a start time (opened before this rule) ends too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            started = request.session.get(SESSION_STARTED_KEY)
            limit = settings.SESSION_ABSOLUTE_LIFETIME.total_seconds()
            if not isinstance(started, (int, float)) or timezone.now().timestamp() - started > limit:
                logout(request)  # flushes the session, sends user_logged_out (audited), user becomes anonymous
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """A user whose password change is due (forced: new account or reset; or older than PASSWORD_MAX_AGE) sees
    only the password change page (API: see api_auth and core.drf.IsAuthenticatedAccount)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None and user.is_authenticated and user.password_change_due
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)

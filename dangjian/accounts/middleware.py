from urllib.parse import quote

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


# Paths an account that still owes its second factor can reach (a password change comes first when due).
_SECOND_FACTOR_OPEN = ("/accounts/otp/", "/accounts/password/", "/accounts/logout/", "/static/",
                       "/api/v1/auth/")


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a signed-in account with a confirmed device whose session has not
    given a code is sent to the code page; an account that must have a device and has none (OTP_REQUIRED, a role
    that reveals personal data) is sent to enrolment. Session calls to the API get 403 until then; token clients
    are held back by api_auth. Reads only the user row (`otp_enrolled`): no query per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import otp

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(_SECOND_FACTOR_OPEN):
            return self.get_response(request)
        if user.otp_enrolled and not user.is_verified():
            target = "accounts:otp_verify"
        elif otp.must_enrol(user):
            target = "accounts:otp_enrol"
        else:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse({"detail": str(otp.second_factor_due_message())}, status=403)
        return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")

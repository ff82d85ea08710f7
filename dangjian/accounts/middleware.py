from django.shortcuts import redirect
from django.urls import reverse

# Paths a user who must change their password can still reach.
_OPEN_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/static/", "/api/")


class PasswordChangeRequiredMiddleware:
    """A user flagged must_change_password sees only the password change page (API: see api_auth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None and user.is_authenticated and user.must_change_password
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)

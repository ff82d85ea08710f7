"""API token authentication with the same idle timeout and absolute lifetime as a page session."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


class ExpiringTokenAuthentication(TokenAuthentication):
    """A token unused for API_TOKEN_IDLE_TIMEOUT is deleted; each use slides the window. Whatever its use, a
    token ends API_TOKEN_MAX_AGE after it was issued (User.token_issued_at; unknown = ended)."""

    keyword = "Token"

    def authenticate(self, request):
        """An account that must enrol a second factor (accounts.otp.must_enrol) reaches only /api/v1/auth/ (the
        enrolment, logout) with its token until it has. Tokens of enrolled accounts were issued after a code."""
        from .otp import must_enrol, second_factor_due_message

        result = super().authenticate(request)
        if result is not None and must_enrol(result[0]) and not request.path.startswith("/api/v1/auth/"):
            raise exceptions.PermissionDenied(second_factor_due_message())
        return result

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        now = timezone.now()
        issued = user.token_issued_at
        if (now - token.created > settings.API_TOKEN_IDLE_TIMEOUT or issued is None
                or now - issued > settings.API_TOKEN_MAX_AGE):
            token.delete()
            raise exceptions.AuthenticationFailed(_("The token has expired; please log in again."))
        # Token.created doubles as "last used": sliding idle timeout without an extra table.
        Token.objects.filter(pk=token.pk).update(created=now)
        if user.password_change_due:
            raise exceptions.PermissionDenied(_("You must change your password before using the API."))
        return user, token

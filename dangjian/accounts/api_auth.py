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

"""API token authentication with the same idle timeout as a page session."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


class ExpiringTokenAuthentication(TokenAuthentication):
    """A token unused for API_TOKEN_IDLE_TIMEOUT is deleted; each use slides the window."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        now = timezone.now()
        if now - token.created > settings.API_TOKEN_IDLE_TIMEOUT:
            token.delete()
            raise exceptions.AuthenticationFailed(_("The token has expired; please log in again."))
        # Token.created doubles as "last used": sliding idle timeout without an extra table.
        Token.objects.filter(pk=token.pk).update(created=now)
        if user.must_change_password:
            raise exceptions.PermissionDenied(_("You must change your password before using the API."))
        return user, token

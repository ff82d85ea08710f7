"""API building blocks shared by every app."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, viewsets


class ScopedViewSetMixin:
    """Every API queryset goes through visible_to(); objects outside scope answer 404."""

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user)

    def base_queryset(self):
        raise NotImplementedError

    def get_object(self):
        try:
            return super().get_object()
        except (ValueError, TypeError):
            raise Http404 from None


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class IsAuthenticatedAccount(permissions.IsAuthenticated):
    """Authenticated, and not held back by a forced password change (token auth refuses those itself;
    this covers session-authenticated API calls, which the page middleware lets through under /api/)."""

    message = _("You must change your password before using the API.")

    def has_permission(self, request, view):
        return super().has_permission(request, view) and not getattr(request.user, "must_change_password", False)

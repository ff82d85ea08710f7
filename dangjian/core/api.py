"""API building blocks shared by every app."""

from django.http import Http404
from rest_framework import viewsets


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

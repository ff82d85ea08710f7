"""API building blocks shared by every app: scoped viewsets and FilterSets given the caller.

The default permission of every API view, IsAuthenticatedAccount, is in core.drf (DRF imports it while loading).
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response

from .scoping import get_visible_or_404


class UserFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that hands the caller to FilterSets taking `user=` (their choices are scoped)."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "user": request.user}


class ScopedAPIViewSet(viewsets.GenericViewSet):
    """Every queryset goes through visible_to(); objects outside scope answer 404.

    Subclasses give `base_queryset()` (or override get_queryset()) and `write_capability`; writes call
    `require_write()` after get_object(), and take their input through the service layer.
    """

    write_capability = None

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user)

    def get_object(self):
        """The object of the URL inside the caller's scope, else 404 ("未找到。", the same for a hidden and a missing
        id). List filters in the query string do not apply here."""
        obj = get_visible_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, obj)
        return obj

    def require_write(self, capability=None):
        """403 for a role that may not write (checked after get_object(), so hidden objects still answer 404)."""
        if not self.request.user.has_capability(capability or self.write_capability):
            raise exceptions.PermissionDenied

    def input(self, serializer_class, **kwargs):
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def visible(self, model, pk):
        return get_visible_or_404(model.objects.visible_to(self.request.user), pk=pk)

    def output(self, instance, status_code=status.HTTP_200_OK, serializer_class=None):
        serializer_class = serializer_class or self.get_serializer_class()
        return Response(serializer_class(instance, context=self.get_serializer_context()).data, status=status_code)

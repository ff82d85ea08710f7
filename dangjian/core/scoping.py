"""The one entry point for scope: `Model.objects.visible_to(user)` for reads, `editable_by(user)` for writes.

A scoped model declares how it reaches the organization tree:
  - `scope_field = "org"`: a foreign key to the Org whose subtree decides visibility (path range join), or
    `scope_field = ""` for the Org model itself;
  - `scope_ancestry = True`: a fact row carrying its org's ancestor columns (orgs.OrgFact), scoped by one
    equality test on the column of the user's level;
and which capabilities (accounts.roles) allow reading and writing it: `view_capability`, `edit_capability`.
The user supplies `scope_org` (the root of their subtree) and `has_capability(name)`.
Outside the subtree an object does not exist: callers turn a miss into 404, never 403.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404


class ScopedQuerySet(models.QuerySet):
    def _scoped(self, user, capability):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        org = user.scope_org
        if org is None or not capability or not user.has_capability(capability):
            return self.none()
        return self.filter(scope_q(self.model, org))

    def visible_to(self, user):
        return self._scoped(user, getattr(self.model, "view_capability", None))

    def editable_by(self, user):
        return self._scoped(user, getattr(self.model, "edit_capability", None))


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def scope_q(model, org):
    if getattr(model, "scope_ancestry", False):
        return org.ancestry_q()
    prefix = f"{model.scope_field}__" if model.scope_field else ""
    return org.subtree_q(prefix)


def get_visible_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def require(queryset, obj):
    """Raise 404 unless `obj` is in the (scoped) queryset: what a service does before touching an object."""
    if obj is None or obj.pk is None or not queryset.filter(pk=obj.pk).exists():
        raise Http404
    return obj


def require_editable(user, obj):
    """404 when `obj` is outside the user's scope; 403 (PermissionDenied) when inside but read-only for them."""
    model = type(obj)
    require(model._default_manager.visible_to(user), obj)
    if not user.has_capability(model.edit_capability):
        raise PermissionDenied
    return obj

"""The one entry point for scope: `Model.objects.visible_to(user)` for reads, `editable_by(user)` for writes,
and `allowed(user, action)` for any other action a model declares.

A scoped model declares how it reaches the organization tree:
  - `scope_field = "org"`: a foreign key to the Org whose subtree decides visibility (path range join), or
    `scope_field = ""` for the Org model itself;
  - `scope_ancestry = True`: a fact row carrying its org's ancestor columns (orgs.OrgFact), scoped by one
    equality test on the column of the user's level;
  - or a classmethod `in_subtree(org) -> Q` for a row reached in more than one way (a transfer: both sides);
which capabilities (core.permissions) allow each action on that subtree:
  - `view_capability`, `edit_capability`, and `scope_actions = {"unlock": SECURITY_MANAGE, ...}` for others;
and, optionally, an own-records rule for members' self-service:
  - `owner_field = "person"` (or "pk" on the member record itself): a row whose owner is the user's own member
    record (`user.person_id`) is in scope for the actions listed in `owner_actions` (default view and edit),
    for roles holding core.permissions.SELF_SERVICE that have no subtree rule for that action (a member; staff
    reach their own records through their subtree).
The user supplies `scope_org` (the root of their subtree), `person_id` and `has_capability(name)`.
Outside scope an object does not exist: services raise NotInScope and callers answer 404, never 403.
"""

from django.db import models
from django.db.models import Q
from django.http import Http404

from . import permissions
from .exceptions import NotInScope, PermissionDenied

VIEW, EDIT = "view", "edit"


def action_capability(model, action):
    """The capability that opens `action` on `model`'s subtree rule, or None."""
    if action == VIEW:
        return getattr(model, "view_capability", None)
    if action == EDIT:
        return getattr(model, "edit_capability", None)
    return getattr(model, "scope_actions", {}).get(action)


def scope_filter(model, user, action):
    """The Q selecting the rows of `model` on which `user` may do `action`, or None when there are none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    condition = None
    capability = action_capability(model, action)
    org = user.scope_org
    if capability and org is not None and user.has_capability(capability):
        condition = scope_q(model, org)
    if condition is not None:
        # The subtree already holds the user's own records (their member record sits in their organization);
        # adding "OR own" would only cost the big lists their index.
        return condition
    owner_field = getattr(model, "owner_field", None)
    person_id = getattr(user, "person_id", None)
    if (owner_field and person_id and action in getattr(model, "owner_actions", (VIEW, EDIT))
            and user.has_capability(permissions.SELF_SERVICE)):
        return Q(**{owner_field: person_id})
    return None


class ScopedQuerySet(models.QuerySet):
    def allowed(self, user, action):
        condition = scope_filter(self.model, user, action)
        return self.none() if condition is None else self.filter(condition)

    def visible_to(self, user):
        return self.allowed(user, VIEW)

    def editable_by(self, user):
        return self.allowed(user, EDIT)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def scope_q(model, org):
    """Rows of `model` inside `org`'s subtree (no capability check: the callers above make it). A model reached
    from the tree in more than one way says so with a classmethod `in_subtree(org) -> Q`."""
    if hasattr(model, "in_subtree"):
        return model.in_subtree(org)
    if getattr(model, "scope_ancestry", False):
        return org.ancestry_q()
    prefix = f"{model.scope_field}__" if model.scope_field else ""
    return org.subtree_q(prefix)


def get_visible_or_404(queryset, **lookup):
    """For views: the object of the URL inside the (scoped) queryset, else 404."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def require(queryset, obj):
    """NotInScope unless `obj` is in the (scoped) queryset: what a service does before touching an object."""
    if obj is None or obj.pk is None or not queryset.filter(pk=obj.pk).exists():
        raise NotInScope
    return obj


def require_editable(user, obj):
    """NotInScope when `obj` is outside the user's view scope; PermissionDenied when they may see it but not
    edit it."""
    manager = type(obj)._default_manager
    if obj is not None and obj.pk is not None and manager.editable_by(user).filter(pk=obj.pk).exists():
        return obj
    require(manager.visible_to(user), obj)
    raise PermissionDenied

"""The organization picker's sources: which organizations a picker may offer, decided from the user alone.

Every organization picker of the platform (a form field, the people list's filter, the new-member page) asks the
one endpoint `orgs:org_picker` with a source name; the source turns the signed-in user into the queryset of
organizations it may offer, so the endpoint never takes the scope from the client. A form field
(orgs.forms.fields.OrgChoiceField) validates against the same queryset.

A source is registered here, in one dict: `name → Source(queryset=fn(user, request, arg), ...)`. A name may carry
an argument after a colon (`move:<org id>`). A source function refuses with PermissionDenied (a role that may not)
or NotInScope (an object outside the user's scope), as services do.
"""

from dataclasses import dataclass

from dangjian.core.exceptions import NotInScope
from dangjian.core.views import require_capability

from ..capabilities import ORG_EDIT, PERSON_EDIT
from ..models import Org
from .orgs import SEARCH_LIMIT, move_targets, org_search
from .transfers import DIRECTORY_MIN_LENGTH


@dataclass(frozen=True)
class Source:
    queryset: object  # (user, request, arg) -> Org queryset
    # Where the upper organizations' names come from: "visible" (the user's scope) or "all" (the directory).
    path_names: str = "visible"
    min_length: int = 1


def _visible(user, request, arg):
    return Org.objects.visible_to(user).filter(is_active=True)


def _new_member(user, request, arg):
    require_capability(user, PERSON_EDIT)
    return Org.objects.visible_to(user).filter(is_active=True)


def _move(user, request, arg):
    """Where the organization `arg` may be moved: 404 outside scope, 403 for a role that may not move it."""
    try:
        org = Org.objects.visible_to(user).get(pk=int(arg))
    except (Org.DoesNotExist, TypeError, ValueError):
        raise NotInScope from None
    require_capability(user, ORG_EDIT)
    return move_targets(user, org)


def _directory(user, request, arg):
    """The destination of a transfer: any active organization of the installation (names only are shown)."""
    require_capability(user, PERSON_EDIT)
    return Org.objects.filter(is_active=True)


SOURCES = {
    "visible": Source(_visible),
    "new_member": Source(_new_member),
    "move": Source(_move),
    "directory": Source(_directory, path_names="all", min_length=DIRECTORY_MIN_LENGTH),
}


def parse(name):
    """(Source, argument) for a source name such as `visible` or `move:12`; NotInScope for an unknown one."""
    key, _sep, arg = (name or "").partition(":")
    source = SOURCES.get(key)
    if source is None:
        raise NotInScope
    return source, arg or None


def queryset(name, user, request=None):
    """The organizations the source `name` offers to `user` (what a field picked from it accepts)."""
    source, arg = parse(name)
    return source.queryset(user, request, arg)


def search(name, user, text, request=None, limit=SEARCH_LIMIT):
    """Up to `limit` organizations of the source matching `text`, most relevant first, each with
    `ancestor_names` (its upper organizations' names, root first): two queries whatever the number of results.
    Fewer characters than the source asks for find nothing."""
    source, arg = parse(name)
    offered = source.queryset(user, request, arg)
    text = (text or "").strip()[:50]
    if len(text) < source.min_length:
        return []
    names = Org.objects.all() if source.path_names == "all" else Org.objects.visible_to(user)
    return org_search(offered.only("id", "name", "path", "depth"), text, limit=limit, names_from=names)


def too_short(name, text):
    source, _arg = parse(name)
    return 0 < len((text or "").strip()) < source.min_length

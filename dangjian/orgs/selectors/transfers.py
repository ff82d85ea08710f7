"""Reads of the transfer workflow: the installation-wide organization directory and the transfers in progress.

The directory is the one read that crosses the user's scope, on purpose: a sender must be able to name any
organization of the installation as the destination. It answers only organization names and the names of their
upper organizations — never people, never counts — for active organizations, a bounded number at a time.
"""


from dangjian.core.exceptions import NotInScope

from ..models import Org, Transfer
from .orgs import org_search

DIRECTORY_LIMIT = 20
DIRECTORY_MIN_LENGTH = 2
RECENT_LIMIT = 20


def org_directory(text, limit=DIRECTORY_LIMIT):
    """Up to `limit` active organizations of the whole installation matching `text` (name, pinyin, initials,
    code), the most relevant first, each with `path_names` (its upper organizations' names, root first). Two
    queries; fewer than DIRECTORY_MIN_LENGTH characters find nothing. The page's picker reads the same through
    the "directory" source (orgs.selectors.pickers)."""
    text = (text or "").strip()
    if len(text) < DIRECTORY_MIN_LENGTH:
        return []
    results = org_search(Org.objects.filter(is_active=True).only("id", "name", "path", "depth"), text,
                         limit=limit, names_from=Org.objects.all())
    for org in results:
        org.path_names = org.ancestor_names
    return results


def directory_org(pk):
    """An organization a transfer may be sent to: any active one of the installation, else 404 (a missing, an
    inactive and a mistyped id look the same, as in the directory)."""
    try:
        return Org.objects.get(pk=pk, is_active=True)
    except (Org.DoesNotExist, ValueError, TypeError):
        raise NotInScope from None


def _with_refs(queryset):
    return queryset.select_related("person", "from_org", "org")


def visible_transfers(user):
    return _with_refs(Transfer.objects.visible_to(user))


def in_transit(user):
    """Pending transfers out of and into the user's scope, plus the latest decided ones of both sides."""
    pending = Transfer.Status.PENDING
    return {
        "outgoing": list(_with_refs(Transfer.objects.outgoing_for(user)).filter(status=pending)
                         .order_by("-created_at", "-id")),
        "incoming": list(_with_refs(Transfer.objects.incoming_for(user)).filter(status=pending)
                         .order_by("-created_at", "-id")),
        "recent": list(visible_transfers(user).exclude(status=pending).order_by("-created_at", "-id")
                       [:RECENT_LIMIT]),
    }


def is_incoming(user, transfer):
    """Whether the user sees `transfer` as its receiving side (not as its sender)."""
    return Transfer.objects.incoming_for(user).filter(pk=transfer.pk).exists()


def pending_transfer(person):
    return _with_refs(Transfer.objects.filter(person=person, status=Transfer.Status.PENDING)).first()


def get_transfer_or_404(user, pk):
    try:
        return visible_transfers(user).get(pk=pk)
    except (Transfer.DoesNotExist, ValueError, TypeError):
        raise NotInScope from None

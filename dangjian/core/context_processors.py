"""The sidebar, assembled from the menu entries the apps declare (core.workbench)."""

from . import workbench


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = workbench.menu(user)
    _mark_active(groups, request.path)
    return {"nav_groups": groups}


def _mark_active(groups, path):
    """The entry whose URL is the longest prefix of the current path (/orgs/tree/ beats /orgs/)."""
    items = [item for group in groups for item in group["items"]]
    matches = [i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True

"""The sidebar: groups as the product will have them, entries only for what exists and what the role may use."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (group, [(label, url name, icon, capability or None for any signed-in user)])
MENU = [
    (_("Workbench"), [(_("Home"), "home", "ti-home", None)]),
    (_("Organizations and people"), [
        (_("Organization tree"), "orgs:tree", "ti-sitemap", "org.view"),
        (_("Organizations"), "orgs:list", "ti-building-community", "org.view"),
        (_("People"), "orgs:person_list", "ti-users", "person.view"),
    ]),
    (_("System"), [
        (_("Users"), "accounts:user_list", "ti-user-cog", "user.manage"),
        (_("Security policy"), "accounts:security", "ti-shield-lock", "security.manage"),
        (_("Audit log"), "accounts:audit_list", "ti-file-search", "audit.view"),
    ]),
]


def links(user, entries):
    """The entries [(label, url name, icon, capability or None)] the user may use, as {label, url, icon, active}:
    an entry needing a capability the role lacks, or naming a page not installed, is left out."""
    items = []
    for label, name, icon, capability in entries:
        if capability and not user.has_capability(capability):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "icon": icon, "active": False})
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = [{"label": group, "items": items} for group, entries in MENU if (items := links(user, entries))]
    _mark_active(groups, request.path)
    return {"nav_groups": groups}


def _mark_active(groups, path):
    """The entry whose URL is the longest prefix of the current path (/orgs/tree/ beats /orgs/)."""
    items = [item for group in groups for item in group["items"]]
    matches = [i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True

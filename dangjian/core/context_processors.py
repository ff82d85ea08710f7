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
        (_("API documentation"), "api-docs", "ti-api", None),
    ]),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = []
    for group, entries in MENU:
        items = []
        for label, name, icon, capability in entries:
            if capability and not user.has_capability(capability):
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            items.append({"label": label, "url": url, "icon": icon,
                          "active": request.path == url or (url != "/" and request.path.startswith(url))})
        if items:
            groups.append({"label": group, "items": items})
    return {"nav_groups": groups}

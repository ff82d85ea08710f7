"""The home page (工作台): figures of the user's organization, or links for roles that do not see the tree."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from dangjian.core.context_processors import links

from . import selectors

# Pages for roles without org.view: (label, url name, icon, capability or None for everyone).
SHORTCUTS = [
    (_("Audit log"), "accounts:audit_list", "ti-file-search", "audit.view"),
    (_("Security policy"), "accounts:security", "ti-shield-lock", "security.manage"),
    (_("Users"), "accounts:user_list", "ti-user-cog", "user.manage"),
    (_("My account"), "accounts:profile", "ti-user-circle", None),
    (_("Change password"), "accounts:password_change", "ti-key", None),
]


@login_required
@require_GET
def home(request):
    user = request.user
    if not user.has_capability("org.view"):
        return render(request, "dashboard/home_links.html", {"shortcuts": links(user, SHORTCUTS)})
    return render(request, "dashboard/home.html", {
        "figures": selectors.home_figures(user),
        "can_see_people": user.has_capability("person.view"),
    })

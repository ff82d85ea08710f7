"""The home page (工作台): the cards and to-dos the apps declare (core.workbench) for the user's organization, or
the pages of their role for roles that have none (the three administrators)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from dangjian.core import workbench

# Pages every signed-in user has, shown beside the menu's pages to roles without cards.
ACCOUNT_LINKS = [
    {"label": _("My account"), "url_name": "accounts:profile", "icon": "ti-user-circle"},
    {"label": _("Change password"), "url_name": "accounts:password_change", "icon": "ti-key"},
]


@login_required
@require_GET
def home(request):
    user = request.user
    cards = workbench.cards(user)
    if not cards:
        pages = [item for group in workbench.menu(user) for item in group["items"] if item["url"] != "/"]
        return render(request, "dashboard/home_links.html", {"pages": pages, "account_links": ACCOUNT_LINKS})
    return render(request, "dashboard/home.html", {
        "cards": cards,
        "lists": [(card, data) for card, data in cards if data.items_title],
        "todos": workbench.user_todos(user),
        "today": timezone.localdate(),
    })

"""What the apps contribute to the frame and the workbench (工作台): menu entries, home-page cards and to-dos.

Each app declares them in its `workbench.py` (read at start-up by core's AppConfig.ready()):

    menu_group("orgs", _("Organizations and people"), order=20)
    menu_entry("orgs", _("People"), "orgs:person_list", "ti-users", capability=PERSON_VIEW, order=30)
    card("orgs.members", _("Members"), members_card, capability=PERSON_VIEW, icon="ti-users", order=20)
    todos(_("Election reminders"), term_todos, capability=ORG_VIEW)

A card function takes the user and returns `CardData`: its figures, each a value with the page that lists its
records and the API list whose `count` equals it — every number on the home page leads to its records — and
optionally a short list (the first items, with "另有 N 个" linking to the rest). A to-do provider returns
`[{label, url, due}]` for the user (bounded: the workbench shows the soonest). Nothing here imports an app: the
home page, the menu and /api/v1/home/ are assembled from these registries.
"""

import datetime
import sys
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse

TODO_LIMIT = 20


@dataclass
class MenuEntry:
    group: str
    label: str
    url_name: str
    icon: str
    capability: str | None
    order: int


@dataclass
class Figure:
    key: str
    label: str
    value: int
    url: str  # the page listing the records behind the value
    api: str  # the API list whose `count` equals the value, for this user

    def as_api(self):
        return {"key": self.key, "label": str(self.label), "value": self.value, "url": self.api}


@dataclass
class ListItem:
    label: str
    url: str
    note: str = ""
    badge: str = ""


@dataclass
class CardData:
    figures: list
    items: list = field(default_factory=list)
    items_title: str = ""
    more: int = 0
    more_url: str = ""
    empty: str = ""  # what an empty list says


@dataclass
class Card:
    key: str
    label: str
    function: object
    capability: str | None
    icon: str
    order: int
    module: str = ""


@dataclass
class TodoProvider:
    label: str
    function: object
    capability: str | None
    module: str = ""


_GROUPS: dict[str, tuple] = {}
_MENU: dict[str, MenuEntry] = {}  # by URL name: a page has one entry
_CARDS: dict[str, Card] = {}
_TODOS: list[TodoProvider] = []


def _caller():
    return sys._getframe(2).f_globals.get("__name__", "")


def menu_group(key, label, *, order):
    _GROUPS[key] = (label, order)


def menu_entry(group, label, url_name, icon, *, capability=None, order=0):
    _MENU[url_name] = MenuEntry(group, label, url_name, icon, capability, order)


def card(key, label, function, *, capability=None, icon="ti-chart-bar", order=0):
    known = _CARDS.get(key)
    module = _caller()
    if known is not None and known.module != module:
        raise ImproperlyConfigured(f"Card {key!r} is registered twice.")
    _CARDS[key] = Card(key, label, function, capability, icon, order, module)


def todos(label, function, *, capability=None):
    module = _caller()
    if any(p.function.__qualname__ == function.__qualname__ and p.module == module for p in _TODOS):
        return
    _TODOS.append(TodoProvider(label, function, capability, module))


def declared_capabilities():
    """(where, capability) of every declaration, for the system check (core.checks)."""
    yield from ((f"menu entry {e.url_name}", e.capability) for e in _MENU.values())
    yield from ((f"card {c.key}", c.capability) for c in _CARDS.values())
    yield from ((f"to-dos {p.module}", p.capability) for p in _TODOS)


def undeclared_groups():
    """Menu groups that entries name but no app declared (core.checks)."""
    return {e.group for e in _MENU.values()} - set(_GROUPS)


def _may(user, capability):
    return capability is None or user.has_capability(capability)


# --- assembled for a user ---------------------------------------------------------------------------------


def menu(user):
    """[{label, items: [{label, url, icon}]}] the user may use, groups and entries in their declared order; an
    entry naming a page that is not installed is left out."""
    groups = {}
    for entry in sorted(_MENU.values(), key=lambda e: (e.order, str(e.url_name))):
        if not _may(user, entry.capability):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        groups.setdefault(entry.group, []).append(
            {"label": entry.label, "url": url, "icon": entry.icon, "active": False})
    ordered = sorted(groups, key=lambda key: (_GROUPS.get(key, ("", 999))[1], key))
    return [{"label": _GROUPS.get(key, (key,))[0], "items": groups[key]} for key in ordered]


def cards(user):
    """[(Card, CardData)] of the cards the user may see, in order; a card with no figures is left out."""
    result = []
    for declared in sorted(_CARDS.values(), key=lambda c: (c.order, c.key)):
        if not _may(user, declared.capability):
            continue
        data = declared.function(user)
        if data is not None and data.figures:
            result.append((declared, data))
    return result


def user_todos(user, limit=TODO_LIMIT):
    """The user's to-dos from every provider they may use, soonest due first (undated last)."""
    items = []
    for provider in _TODOS:
        if _may(user, provider.capability):
            items.extend(dict(item, source=provider.label) for item in provider.function(user))
    far = datetime.date.max
    items.sort(key=lambda item: (item.get("due") or far, str(item["label"])))
    return items[:limit]

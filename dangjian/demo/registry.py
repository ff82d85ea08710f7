"""Each app contributes its own demo records (the app contract's "its demo data"), from `<app>/demo.py`:

    AFTER = ("supervision",)   # optional: apps whose demo records this one reads, built first

    def build(world):
        '''A realistic year of the app's records, and the report's year (world.report_year, 2012) where the
        report names figures. Returns {label: count} for the command's summary.'''

`build` runs inside the demo's one transaction, after the tree, the people and the accounts exist, and before
the summary table is rebuilt. It writes through the app's services (their rules, their audit entries), or, where
the bench scale (`world.scale.name == "bench"`) makes a service call per row too slow, in bulk with the same
validation functions the services call. Figures the report states come out of these records; nothing stores a
total. The accounts every app needs are listed once, in `data.DEMO_ACCOUNTS` (the README's table).
"""

import datetime
import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps

from . import data

REPORT_YEAR = 2012  # the year of the Enshi report the product implements (../seed): its figures are rebuilt


@dataclass
class World:
    """What an app's demo `build` gets: the day, the scale, named organizations and accounts, and a random source
    of its own (seeded from the demo seed and the app label, so one app's draws never shift another's)."""

    scale: data.Scale
    seed: int
    today: datetime.date
    named: dict
    log: Callable[[str], None]
    report_year: int = REPORT_YEAR
    _users: dict = field(default_factory=dict)

    def rng(self, label):
        return random.Random(f"{self.seed}:{label}")

    def org(self, where):
        """An organization by its `data.Account.where` name, re-read so that it is a fresh, complete row."""
        from dangjian.orgs.models import Org

        return Org.objects.get(pk=self.named[where].pk)

    def user(self, username):
        from dangjian.accounts.models import User

        if username not in self._users:
            self._users[username] = User.objects.select_related("org", "person").get(username=username)
        return self._users[username]


def contributions():
    """(label, module) of every installed app with a `demo` module, each after the apps its AFTER names."""
    found = {}
    for config in apps.get_app_configs():
        if config.name == __package__:
            continue
        try:
            found[config.label] = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
    ordered, placed = [], set()

    def place(label, stack=()):
        if label in placed or label not in found:
            return
        if label in stack:
            raise ValueError(f"demo AFTER cycle: {' → '.join((*stack, label))}")
        for before in getattr(found[label], "AFTER", ()):
            place(before, (*stack, label))
        placed.add(label)
        ordered.append((label, found[label]))

    for label in found:
        place(label)
    return ordered


def build_all(world):
    """Run every app's demo build in order; returns {label: count} over all of them."""
    counts = {}
    for label, module in contributions():
        world.log(f"  {label}")
        counts.update(module.build(world) or {})
    return counts

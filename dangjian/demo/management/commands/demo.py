"""`manage.py demo`: load the demo prefecture (中共恩施州委 → 8 counties → townships → villages → branches)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts.models import User
from dangjian.demo import builder as demo_builder
from dangjian.demo import data as demo_data
from dangjian.orgs.models import Org


class Command(BaseCommand):
    help = (
        "Load the demo prefecture: organizations, synthetic members with positions, and the demo accounts "
        f"(password {demo_data.DEMO_PASSWORD}). Deterministic for a given seed and day."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--force", action="store_true",
                           help="Wipe all data except the audit log, then load the demo.")
        group.add_argument("--if-empty", action="store_true",
                           help="Load only when there is no organization yet; otherwise do nothing (make run).")
        parser.add_argument("--scale", choices=sorted(demo_data.SCALES), default="demo",
                            help="demo (default, ~1,000 orgs / ~5,000 people), small (tests) or bench "
                                 "(~15,000 orgs / ~250,000 people).")
        parser.add_argument("--seed", type=int, default=4228, help="Random seed (default 4228).")

    def handle(self, *args, force=False, if_empty=False, scale="demo", seed=4228, verbosity=1, **options):
        if settings.PRODUCTION:  # its accounts share a published password (docs/security.md)
            raise CommandError(
                "The demo never runs in production (DANGJIAN_ENV=production): its accounts share a published "
                "password. 生产环境（DANGJIAN_ENV=production）不能加载演示数据：演示账号的密码是公开的。"
            )
        if Org.objects.exists() and not force:
            if if_empty:  # `make run` on an existing database: keep the data, remind the accounts
                first = demo_data.DEMO_ACCOUNTS[0].username
                if verbosity >= 1 and User.objects.filter(username=first).exists():
                    self._print_accounts()
                return
            raise CommandError(
                "The database already holds organizations; the demo only loads into an empty database. "
                "Run `manage.py demo --force` to wipe everything except the audit log and reload. "
                "数据库中已有组织数据：如需清空（审计日志除外）并重新加载演示数据，请使用 --force。"
            )
        log = self.stdout.write if verbosity >= 2 else None
        counts = demo_builder.load(scale, seed=seed, force=force, log=log)
        if verbosity < 1:
            return
        self.stdout.write(self.style.SUCCESS(
            f"Demo prefecture loaded in {counts['seconds']} s: {counts['orgs']} organizations, "
            f"{counts['people']} people, {counts['positions']} positions, {counts['transfers']} transfers, "
            f"{counts['users']} accounts."
        ))
        apps_counts = {k: v for k, v in counts.items()
                       if k not in ("seconds", "orgs", "people", "positions", "transfers", "users")}
        if apps_counts:  # what each app's demo contributed (demo.registry)
            self.stdout.write("  " + ", ".join(f"{label}: {n}" for label, n in apps_counts.items()))
        self._print_accounts()

    def _print_accounts(self):
        self.stdout.write("演示账号 / demo accounts:")
        for account in demo_data.DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<16} {account.label}")
        self.stdout.write(f"密码 / password: {demo_data.DEMO_PASSWORD}")

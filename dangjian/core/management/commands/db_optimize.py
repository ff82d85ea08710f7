"""`manage.py db_optimize [--full]`: refresh the database's planner statistics (core.dbtuning.optimize).

Run it daily from cron (SQLite: `PRAGMA optimize`, which re-analyses only the tables that changed much) and with
--full after a bulk import (a sampled ANALYZE of every table).
"""

from django.core.management.base import BaseCommand

from dangjian.core.dbtuning import optimize


class Command(BaseCommand):
    help = "Refresh the query planner's statistics (SQLite PRAGMA optimize / ANALYZE, PostgreSQL ANALYZE)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="analyse every table (after a bulk import)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, full=False, database="default", **options):
        ran = optimize(using=database, full=full)
        if options["verbosity"]:
            self.stdout.write(ran or "nothing to do")

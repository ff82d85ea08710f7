from django.core.management.base import BaseCommand

from dangjian.core import attachments


class Command(BaseCommand):
    help = "Remove attachment files that no attachment row names (left behind by rolled-back transactions)."

    def add_arguments(self, parser):
        parser.add_argument("--min-age", type=int, default=3600,
                            help="only files older than this many seconds (default: one hour)")

    def handle(self, *args, min_age, **options):
        removed = attachments.sweep(min_age_seconds=min_age)
        self.stdout.write(f"{removed} orphaned file(s) removed")

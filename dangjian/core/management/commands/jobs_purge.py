from django.core.management.base import BaseCommand

from dangjian.core import jobs


class Command(BaseCommand):
    help = "Delete expired background jobs and their result files (run it from cron, e.g. hourly)."

    def handle(self, *args, **options):
        count = jobs.purge()
        self.stdout.write(f"{count} expired job(s) purged")

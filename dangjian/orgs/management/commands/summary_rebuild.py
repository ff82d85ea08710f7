"""`manage.py summary_rebuild`: recompute the summary table of the upper levels from the facts."""

from django.core.management.base import BaseCommand
from django.db import transaction

from dangjian.core import audit
from dangjian.core.models import Summary
from dangjian.orgs import summary


class Command(BaseCommand):
    help = "Recompute the summary table (home-page figures of province, prefecture and county) from the facts."

    def handle(self, *args, **options):
        with transaction.atomic():
            summary.rebuild()
            rows = Summary.objects.count()
            audit.record("summary.rebuild", object_type="core.summary", after={"rows": rows})
        self.stdout.write(self.style.SUCCESS(f"Summary table rebuilt: {rows} rows."))

"""`manage.py summary_rebuild`: recompute the summary table from the facts, for every metric an app keeps in it."""

from django.core.management.base import BaseCommand
from django.db import transaction

from dangjian.core import audit, metrics
from dangjian.core.models import Summary


class Command(BaseCommand):
    help = "Recompute the summary table (figures of the upper levels of the tree) from the facts."

    def handle(self, *args, **options):
        with transaction.atomic():
            metrics.rebuild()
            rows = Summary.objects.count()
            audit.record("summary.rebuild", object_type="core.summary", after={"rows": rows})
        self.stdout.write(self.style.SUCCESS(f"Summary table rebuilt: {rows} rows."))

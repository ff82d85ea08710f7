from django.db.models import Q

from dangjian.core.metrics import Metric, register

from .models import Sample

DONE = "contract.samples_done"

register(Metric(DONE, "Samples done", "samples", model=Sample, where=Q(done_on__isnull=False),
                date_field="done_on", kept=True))

from django.db.models import Q

from dangjian.core.metrics import Metric, register

from .models import Sample

DONE = "contract.samples_done"

register(Metric(DONE, "Samples done", "samples", model=Sample, where=Q(done_on__isnull=False),
                date_field="done_on", kept=True))
# A kept stock with no condition: every row counts (the tracker must accept an empty `where`).
ALL = "contract.samples"
register(Metric(ALL, "Samples", "samples", model=Sample, kept=True))

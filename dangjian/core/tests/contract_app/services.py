from django.db import transaction

from dangjian.core import audit, metrics
from dangjian.core.scoping import require, require_editable
from dangjian.orgs.models import Org

from .models import Sample


@transaction.atomic
def sample_create(*, actor, org, person, title, due_on, done_on=None):
    require(Org.objects.editable_by(actor), org)
    sample = Sample(person=person, title=title, due_on=due_on, done_on=done_on)
    sample.set_org(org)
    sample.full_clean()
    with metrics.track(sample):
        sample.save()
    audit.record("sample.create", actor=actor, obj=sample)
    return sample


@transaction.atomic
def sample_done(*, actor, sample, done_on):
    require_editable(actor, sample)
    with metrics.track(sample):
        sample.done_on = done_on
        sample.save(update_fields=["done_on"])
    audit.record("sample.done", actor=actor, obj=sample)
    return sample


@transaction.atomic
def sample_delete(*, actor, sample):
    require_editable(actor, sample)
    with metrics.track(sample):
        sample.delete()

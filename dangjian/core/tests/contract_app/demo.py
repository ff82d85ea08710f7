"""The test app's demo records: one sample per county, through the service, by the county's administrator."""

import datetime

from dangjian.orgs.models import Person

from . import services


def build(world):
    rng = world.rng("contract_app")
    actor = world.user("badong")
    org = world.org("county:巴东县")
    person = Person.objects.visible_to(actor).order_by("pk").first()
    day = datetime.date(world.report_year, rng.randint(1, 12), 1)
    services.sample_create(actor=actor, org=org, person=person, title="演示样例", due_on=day, done_on=day)
    return {"samples": 1}

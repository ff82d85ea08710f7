"""三进三帮 at bench scale: 1,000,000 help cases over the prefecture's villages and branches (2010–2013, about
250,000 a year), for the outreach summary and its drill-down list (issue 9).

The demo build writes a report year of records at every scale; this adds synthetic volume on top, straight into
the tables (one executemany per 50,000 rows, explicit ids), with the same rule for people helped as the services
(`services.first_solved_per_year`), then rebuilds the summary table. Beneficiaries carry no ID or phone number
here (encryption is not what is measured). Called by run.py and generate.py after the prefecture dataset.
"""

import datetime
import random

import common

TOTAL = 1_000_000
CASES_PER_BENEFICIARY = 3
YEARS = (2010, 2011, 2012, 2013)
BATCH = 50_000


def ensure_help_cases(total=TOTAL, log=print):
    from django.db import transaction

    from dangjian.core import metrics
    from dangjian.outreach.models import HelpCase

    have = HelpCase.objects.count()
    if have >= total:
        return have
    log(f"adding {total - have:,} help cases ...")
    with transaction.atomic():
        _fill(total - have, log)
        log("rebuilding the summary table ...")
        metrics.rebuild()
    common.analyze()
    return HelpCase.objects.count()


def _next_id(model):
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def _insert(model, fields, rows):
    from django.db import connection

    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f) for f in fields)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _fill(count, log):
    from django.core.management.color import no_style
    from django.db import connection
    from django.utils import timezone

    from dangjian.orgs.models import Level, Org
    from dangjian.outreach.models import Beneficiary, HelpCase
    from dangjian.outreach.services import first_solved_per_year

    rng = random.Random(2012)
    orgs = list(Org.objects.filter(level__in=[Level.VILLAGE, Level.BRANCH]).values_list(
        "pk", "province_id", "prefecture_id", "county_id", "township_id", "village_id"))
    created = connection.ops.adapt_datetimefield_value(timezone.now())
    ancestry = ["org_id", "province_id", "prefecture_id", "county_id", "township_id", "village_id"]
    b_fields = ["id", *ancestry, "kind", "name", "id_number", "id_number_index", "phone", "phone_index",
                "household_size", "address", "sensitivity", "sensitive_details", "people", "created_at"]
    c_fields = ["id", *ancestry, "kind", "beneficiary_id", "visit_id", "problem", "status", "opened_on",
                "resolution", "resolved_on", "satisfaction", "return_note", "returned_on", "reopen_reason",
                "people_helped", "created_at"]
    b_id, c_id = _next_id(Beneficiary), _next_id(HelpCase)
    beneficiaries, cases, written = [], [], 0
    while written + len(cases) < count:
        org = rng.choice(orgs)
        kind = rng.choices(["household", "person", "enterprise"], [55, 35, 10])[0]
        size = rng.randint(2, 6) if kind == "household" else 1
        people = size if kind == "household" else (0 if kind == "enterprise" else 1)
        beneficiaries.append((b_id, *org, kind, f"对象{b_id}", "", "", "", "", size, "", "", "", people, created))
        help_kind = "business" if kind == "enterprise" else "hardship"
        mine = []
        for _ in range(rng.randint(1, 2 * CASES_PER_BENEFICIARY - 1)):
            year = rng.choice(YEARS)
            opened = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(330))
            solved = rng.random() < 0.9
            resolved = opened + datetime.timedelta(days=rng.randint(1, 30)) if solved else None
            closed = solved and rng.random() < 0.8
            satisfaction = rng.choices(["satisfied", "basically", "unsatisfied"], [80, 17, 3])[0] if closed else ""
            returned = resolved + datetime.timedelta(days=rng.randint(1, 10)) if closed else None
            status = "closed" if closed else "resolved" if solved else "open"
            mine.append([c_id, *org, help_kind, b_id, None, "困难问题", status, opened, "已解决" if solved else "",
                         resolved, satisfaction, "", returned, "", 0, created])
            c_id += 1
        counted = first_solved_per_year([(row[0], row[14]) for row in mine if row[14]])
        for row in mine:
            row[19] = people if row[0] in counted else 0
        cases.extend(mine)
        b_id += 1
        if len(cases) >= BATCH:
            _insert(Beneficiary, b_fields, beneficiaries)
            _insert(HelpCase, c_fields, cases)
            written += len(cases)
            beneficiaries, cases = [], []
            log(f"  {written:,} help cases")
    _insert(Beneficiary, b_fields, beneficiaries)
    _insert(HelpCase, c_fields, cases)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Beneficiary, HelpCase]):
            cursor.execute(statement)


def cases():
    """The bench cases of the outreach summary and its drill-down (run.py adds them to its list)."""
    from dangjian.orgs.models import Org

    zhou = Org.objects.get(level=2)
    period = "from=2012-01-01&to=2012-12-31"
    drill = f"org={zhou.pk}&stage=solved&resolved_from=2012-01-01&resolved_to=2012-12-31"
    return [
        ("outreach summary API, 1 M help cases (州 user)", "zhou", ("get", f"/api/v1/outreach/summary/?{period}")),
        ("outreach summary page, with the 8 counties (州 user)", "zhou", ("get", f"/outreach/?{period}")),
        ("outreach drill-down: problems solved 2012, first page (州 user)", "zhou",
         ("get", f"/outreach/cases/?{drill}")),
        ("outreach drill-down API: problems solved 2012, first page (州 user)", "zhou",
         ("get", f"/api/v1/help-cases/?{drill}")),
        ("outreach summary API, a county (县 user)", "badong", ("get", f"/api/v1/outreach/summary/?{period}")),
    ]

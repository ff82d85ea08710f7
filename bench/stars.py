"""Star-rating benchmarks at prefecture scale: the yearly scoring of every organization of the prefecture
(townships, villages and branches: ~15,000) under a scheme of 30 indicators, half of them automatic, run as the
background job the page starts (core.jobs, immediate backend so that it runs here, progress included) — target
under 30 s — and the star map of the prefecture (page and API), target under 100 ms median.

    .venv/bin/python bench/stars.py                       # SQLite (var/bench.sqlite3)
    DATABASE_URL=postgres://…/db .venv/bin/python bench/stars.py

The dataset is the one bench/generate.py builds (generated when missing). The scheme is created once (by the
prefecture's organization department, through the services) with 15 manual indicators whose points are filled
in bulk, so that the scoring reads 30 items per organization; its automatic indicators read the metrics the
installation registers (the tree's own until the other pillars are installed; each computed once for all
~15,000 organizations).
"""

import datetime
import os
import random
import statistics
import sys
import time

import common

YEAR = 2026
RUNS = 30


def prepare():
    from dangjian.accounts.models import User
    from dangjian.core import metrics
    from dangjian.orgs.models import Level
    from dangjian.stars import services
    from dangjian.stars.models import Assessment, AssessmentItem, Indicator, Scheme

    zhou = User.objects.get(username="zhou")
    scheme = Scheme.objects.filter(org=zhou.org, year=YEAR).first()
    if scheme and scheme.assessments.exists():
        return zhou, scheme, {}
    started = time.perf_counter()
    name = f"恩施州{YEAR}年度星级评定（基准）"
    scheme = scheme or services.scheme_create(actor=zhou, org=zhou.org, year=YEAR, name=name,
                                              levels=[Level.TOWNSHIP, Level.VILLAGE, Level.BRANCH])
    keys = [m.key for m in metrics.registered() if not m.key.startswith("stars.")]
    for n in range(15):
        key = keys[n % len(keys)]
        services.indicator_create(actor=zhou, scheme=scheme, category="自动", name=f"自动指标{n + 1}", max_points=4,
                                  method="metric", metric=key,
                                  table=[{"at_least": 0, "points": 1}, {"at_least": 1, "points": 2},
                                         {"at_least": 5, "points": 4}])
    for n in range(15):
        services.indicator_create(actor=zhou, scheme=scheme, category="人工", name=f"人工指标{n + 1}", max_points=2.6)
    scheme = services.scheme_publish(actor=zhou, scheme=scheme)
    published = time.perf_counter() - started
    rng = random.Random(YEAR)
    manual = list(Indicator.objects.filter(scheme=scheme, method="manual"))
    ids = list(Assessment.objects.filter(scheme=scheme).values_list("pk", flat=True))
    AssessmentItem.objects.bulk_create(
        [AssessmentItem(assessment_id=pk, indicator=i, points=round(rng.uniform(1.5, 2.6), 1), source="manual")
         for pk in ids for i in manual], batch_size=5000)
    common.analyze()
    return zhou, scheme, {"publish (assessments created)": published}


def main():
    url = os.environ.get("DATABASE_URL") or common.SQLITE_URL
    common.setup(url)
    common.ensure_data()
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from dangjian.core.models import Job
    from dangjian.stars import jobs
    from dangjian.stars.models import Assessment, AssessmentItem

    setup_test_environment()
    override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
                      STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                                "staticfiles": {"BACKEND":
                                                "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
    zhou, scheme, timings = prepare()
    n = Assessment.objects.filter(scheme=scheme).count()
    items = AssessmentItem.objects.filter(assessment__scheme=scheme).count()
    print(f"{common.engine_label()}: {n:,} assessments, {items:,} items before scoring", file=sys.stderr)
    for label in ("scoring job, first run (every automatic point new)", "scoring job, again (nothing changed)"):
        started = time.perf_counter()
        job = jobs.start_scoring(actor=zhou, scheme=scheme)
        timings[label] = time.perf_counter() - started
        job = Job.objects.get(pk=job.pk)
        assert job.status == "done", (job.status, job.message)
        print(f"  {label}: {timings[label]:.1f} s (job {job.done}/{job.total})", file=sys.stderr)
    client = Client()
    client.force_login(zhou)
    for label, target in (("star map page, prefecture (州 user)", f"/stars/map/?year={YEAR}"),
                          ("star map API, prefecture (州 user)", f"/api/v1/stars/map/?year={YEAR}")):
        for _ in range(5):
            assert client.get(target).status_code == 200
        runs = []
        for _ in range(RUNS):
            started = time.perf_counter()
            client.get(target)
            runs.append((time.perf_counter() - started) * 1000)
        timings[label] = statistics.median(runs) / 1000
        print(f"  {label}: {statistics.median(runs):.1f} ms median", file=sys.stderr)
    print(f"\n### {common.engine_label()} — {n:,} organizations, 30 indicators (15 automatic), "
          f"{datetime.date.today()}\n")
    print("| case | time |\n|---|---:|")
    for label, seconds in timings.items():
        print(f"| {label} | {seconds * 1000:.1f} ms |" if seconds < 1 else f"| {label} | {seconds:.1f} s |")


if __name__ == "__main__":
    main()

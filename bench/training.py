"""抓培训 at prefecture scale: the training summary over 500,000 attendance rows, and check-in throughput.

    .venv/bin/python bench/training.py                   # SQLite and PostgreSQL (when reachable)
    .venv/bin/python bench/training.py --only sqlite     # one database
    .venv/bin/python bench/training.py --rows 20000 --db sqlite:////tmp/t.sqlite3 --scale small   # a dry run

Each database in its own process, on the benchmark dataset (bench/common.py; generated when missing). Training
facts are added in bulk until there are `--rows` attendance rows (classes of four lessons, fifty trainees each,
dated over the report's year and the current one; the ancestry columns copied from the trainee as the services
do), then the summary table is rebuilt. Measured:
- /api/v1/training/summary/ for the prefecture (州 user) and a county (县 user), and the statistics page, through
  django.test.Client: warm-up, then N timed runs (median, p95) and the query count. Target: median < 100 ms.
- check-in throughput: one lesson, 200 enrolled trainees (accounts linked to their member records) checking in
  with the lesson's token at once from 16 threads, each with its own database connection, through
  training.checkin.check_in (the whole service: token, locks, attendance, summary deltas, audit entry).
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import common

WARMUP = 5
PER_CLASS, LESSONS = 50, 4
TRAINEES = 200
THREADS = 4  # the application's workers: 200 arrivals at once queue at the server, 4 at a time


def ensure_training_rows(target, log):
    """Bulk training facts until `target` attendance rows exist (idempotent: counts what is there)."""
    import random

    from django.db import transaction
    from django.utils import timezone

    from dangjian.core import metrics
    from dangjian.orgs.models import ANCESTRY_COLUMNS, Org, Person
    from dangjian.training.models import (
        Attendance,
        Audience,
        Enrollment,
        Lesson,
        Level,
        Method,
        Topic,
        TrainingClass,
    )

    have = Attendance.objects.count()
    if have >= target:
        if backfill_trainee_years(log):
            log("rebuilding the summary table ...")
            with transaction.atomic():
                metrics.rebuild()
            common.analyze()
        return have
    log(f"adding training facts: {have:,} → {target:,} attendance rows ...")
    rng = random.Random(10)
    columns = [f"{c}_id" for c in ANCESTRY_COLUMNS.values()]
    people = list(Person.objects.values_list("pk", "org_id", *columns)[:300_000])
    organizers = list(Org.objects.filter(name__contains="党校").order_by("pk"))
    methods, levels, topics = Method.values, Level.values, Topic.values
    this_year = timezone.localdate().year
    started = time.perf_counter()
    classes_needed = (target - have) // (PER_CLASS * LESSONS) + 1
    batch = 200
    for first in range(0, classes_needed, batch):
        with transaction.atomic():
            klasses = []
            for i in range(first, min(first + batch, classes_needed)):
                year = this_year if i % 2 else 2012
                start = datetime.date(year, 1 + i % 11, 1 + i % 25)
                organizer = organizers[i % len(organizers)]
                klass = TrainingClass(level=levels[i % 3], title=f"bench 培训班 {i}", audience=Audience.MEMBERS,
                                      topic=topics[i % len(topics)], start_date=start,
                                      end_date=start + datetime.timedelta(days=1), capacity=PER_CLASS, hours=8,
                                      place="党校", status=TrainingClass.Status.FINISHED)
                klass.set_org(organizer)
                klasses.append(klass)
            TrainingClass.objects.bulk_create(klasses)
            lessons, enrollments = [], []
            for klass in klasses:
                for n in range(LESSONS):
                    begin = timezone.make_aware(datetime.datetime.combine(
                        klass.start_date + datetime.timedelta(days=n // 2), datetime.time(9 + 4 * (n % 2))))
                    lessons.append(Lesson(training_class=klass, starts_at=begin,
                                          ends_at=begin + datetime.timedelta(hours=2), topic="bench",
                                          lecturer="bench", method=methods[(klass.pk + n) % len(methods)]))
                for pk, org_id, *ancestry in rng.sample(people, PER_CLASS):
                    enrollment = Enrollment(training_class=klass, person_id=pk, org_id=org_id, attended=LESSONS,
                                            first_attended_on=klass.start_date, status=Enrollment.Status.COMPLETED,
                                            completed_on=klass.end_date, hours=klass.hours,
                                            class_level=klass.level, class_topic=klass.topic,
                                            class_end=klass.end_date, class_finished=True)
                    for column, value in zip(columns, ancestry, strict=True):
                        setattr(enrollment, column, value)
                    enrollments.append(enrollment)
            Lesson.objects.bulk_create(lessons)
            Enrollment.objects.bulk_create(enrollments, batch_size=2000)
            by_class = {}
            for lesson in lessons:
                by_class.setdefault(lesson.training_class_id, []).append(lesson)
            attendance = []
            for e in enrollments:
                klass_lessons = by_class[e.training_class_id]
                klass = klass_lessons[0].training_class
                for lesson in klass_lessons:
                    row = Attendance(lesson=lesson, enrollment=e, person_id=e.person_id, training_class=klass,
                                     on=timezone.localdate(lesson.starts_at), at=lesson.starts_at, method=lesson.method,
                                     level=klass.level, organizer_id=klass.org_id, way=Attendance.Way.QR,
                                     org_id=e.org_id)
                    for column in columns:
                        setattr(row, column, getattr(e, column))
                    attendance.append(row)
            Attendance.objects.bulk_create(attendance, batch_size=5000)
        done = first + batch
        if done % 1000 == 0:
            log(f"  {min(done, classes_needed):,} of {classes_needed:,} classes "
                f"({time.perf_counter() - started:.0f} s)")
    backfill_trainee_years(log)
    log("rebuilding the summary table ...")
    with transaction.atomic():
        metrics.rebuild()
    common.analyze()
    log(f"training facts added in {time.perf_counter() - started:.0f} s")
    return Attendance.objects.count()


def backfill_trainee_years(log):
    """TraineeYear rows (a person's first training of a year) for the bulk facts that have none."""
    from django.db import transaction
    from django.db.models import Min
    from django.db.models.functions import ExtractYear

    from dangjian.orgs.models import ANCESTRY_COLUMNS, Person
    from dangjian.training.models import Enrollment, TraineeYear

    have = set(TraineeYear.objects.values_list("person_id", "year"))
    firsts = (Enrollment.objects.filter(first_attended_on__isnull=False)
              .values_list("person_id", ExtractYear("first_attended_on")).annotate(first=Min("first_attended_on"))
              .order_by())
    missing = [(pk, year, first) for pk, year, first in firsts if (pk, year) not in have]
    if not missing:
        return 0
    log(f"adding {len(missing):,} trainee-year rows ...")
    columns = ["org_id", *(f"{c}_id" for c in ANCESTRY_COLUMNS.values())]
    ancestry = {row[0]: row[1:] for row in Person.objects.filter(pk__in={m[0] for m in missing})
                .values_list("pk", *columns)}
    rows = []
    for pk, year, first in missing:
        row = TraineeYear(person_id=pk, year=year, first_on=first)
        for column, value in zip(columns, ancestry[pk], strict=True):
            setattr(row, column, value)
        rows.append(row)
    with transaction.atomic():
        TraineeYear.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def timed(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    status = client.get(url).status_code
    for _ in range(WARMUP - 1):
        client.get(url)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    ordered = sorted(timings)
    return {"status": status, "median": statistics.median(timings),
            "p95": ordered[int(0.95 * (len(ordered) - 1))], "queries": len(captured.captured_queries)}


def check_in_throughput(log):
    """200 trainees of one lesson check in at once (16 threads, one connection each)."""
    from django.db import connection, connections
    from django.utils import timezone

    from dangjian.accounts.models import User
    from dangjian.orgs.models import Org, Person
    from dangjian.training import checkin, services
    from dangjian.training.models import Attendance

    trainer = User.objects.get(username="zhou_dangxiao")
    school = Org.objects.get(name="州委党校机关党支部")
    now = timezone.now()
    today = timezone.localdate()
    klass = services.class_create(actor=trainer, org=school, level="prefecture", title=f"bench 签到 {now:%H%M%S}",
                                  audience="members", topic="theory", start_date=today, end_date=today,
                                  capacity=TRAINEES, hours=2, place="州委党校")
    lesson = services.lesson_create(actor=trainer, training_class=klass,
                                    starts_at=now - datetime.timedelta(minutes=5),
                                    ends_at=now + datetime.timedelta(hours=1), topic="bench", lecturer="bench",
                                    method="lecture")
    busy = set(Attendance.objects.filter(on=today).values_list("person_id", flat=True))
    people = [p for p in Person.objects.filter(status="normal").exclude(pk__in=busy).order_by("-pk")[:TRAINEES * 3]
              if not User.objects.filter(person=p).exists()][:TRAINEES]
    services.enroll(actor=trainer, training_class=klass, people=people)
    users = User.objects.bulk_create([User(username=f"bench_{lesson.pk}_{p.pk}", name=p.name, org_id=p.org_id,
                                           role="member", person=p, password="!") for p in people])
    token = checkin.token_for(lesson)
    connection.close()

    def one(user):
        try:
            checkin.check_in(actor=user, lesson=lesson, token=token)
            return True
        finally:
            connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(one, users))
    seconds = time.perf_counter() - started
    count = Attendance.objects.filter(lesson=lesson).count()
    log(f"  check-in: {count} in {seconds:.2f} s")
    return {"check_ins": count, "ok": sum(results), "seconds": seconds, "per_second": count / seconds}


def measure_one(url, runs, rows, scale, out_path):
    common.setup(url)
    if scale == "bench":
        counts = common.ensure_data(log=lambda m: print(m, file=sys.stderr))
    else:
        from dangjian.demo import builder
        from dangjian.orgs.models import Org, Person

        if Org.objects.count() < 20:
            builder.load(scale, force=True, log=lambda m: None)
        counts = {"orgs": Org.objects.count(), "people": Person.objects.count()}
    counts["attendance"] = ensure_training_rows(rows, log=lambda m: print(m, file=sys.stderr))
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django.urls import reverse

    from dangjian.accounts.models import User
    from dangjian.orgs.models import Org

    setup_test_environment()
    override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()
    prefecture = Org.objects.get(level=2)
    county = Org.objects.get(code="422823")
    results = {}
    for label, username, url_ in (
        ("summary API, prefecture, this year (州 user)", "zhou", f"/api/v1/training/summary/?org={prefecture.pk}"),
        ("summary API, prefecture, 2012 (州 user)", "zhou",
         f"/api/v1/training/summary/?org={prefecture.pk}&from=2012-01-01&to=2012-12-31"),
        ("summary API, county (县 user)", "badong", f"/api/v1/training/summary/?org={county.pk}"),
        ("statistics page, prefecture (州 user)", "zhou", reverse("training:statistics")),
        ("attendance list, prefecture (州 user)", "zhou", reverse("training:attendance_list")),
    ):
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        results[label] = timed(client, url_, runs)
        print(f"  {label}: {results[label]['median']:.1f} ms median, {results[label]['queries']} queries",
              file=sys.stderr)
    throughput = check_in_throughput(log=lambda m: print(m, file=sys.stderr))
    Path(out_path).write_text(json.dumps({"engine": common.engine_label(), "counts": counts, "results": results,
                                          "throughput": throughput}, ensure_ascii=False))


def render(reports, runs):
    lines = ["# Training benchmark", "", f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} CPUs, "
             f"load average {os.getloadavg()[0]:.1f}; {runs} timed runs per case", ""]
    for report in reports:
        c, t = report["counts"], report["throughput"]
        lines += [f"## {report['engine']}", "", f"{c['orgs']:,} organizations, {c['people']:,} people, "
                  f"{c['attendance']:,} attendance rows.", "", "| case | median ms | p95 ms | queries |",
                  "|---|---:|---:|---:|"]
        for label, r in report["results"].items():
            lines.append(f"| {label} | {r['median']:.1f} | {r['p95']:.1f} | {r['queries']} |"
                         if r["status"] == 200 else f"| {label} | HTTP {r['status']} | | |")
        lines += ["", f"Check-in: {t['check_ins']} trainees of one lesson, {THREADS} threads at once: "
                      f"{t['seconds']:.2f} s, **{t['per_second']:.0f} check-ins/s**.", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--db", help="one database URL instead of the benchmark databases")
    parser.add_argument("--scale", default="bench", help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure_one(args.measure, args.runs, args.rows, args.scale, args.out)
        return
    if args.db:
        targets = [args.db]
    else:
        targets = [] if args.only == "postgresql" else [common.SQLITE_URL]
        if args.only != "sqlite" and common.pg_reachable():
            targets.append(common.PG_URL)
    reports = []
    for url in targets:
        print(url, file=sys.stderr)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            command = [sys.executable, __file__, "--measure", url, "--out", out.name, "--runs", str(args.runs),
                       "--rows", str(args.rows), "--scale", args.scale]
            subprocess.run(command, check=True, env=env)  # noqa: S603 -- our own interpreter and script
            reports.append(json.loads(Path(out.name).read_text()))
    text = render(reports, args.runs)
    print(text)
    if not args.db and args.only is None:
        (Path(__file__).parent / "TRAINING.md").write_text(text + "\n")


if __name__ == "__main__":
    main()

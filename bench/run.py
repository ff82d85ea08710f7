"""Prefecture-scale benchmarks of the pages that read the most rows, on SQLite and PostgreSQL.

    .venv/bin/python bench/run.py                 # both databases (PostgreSQL when reachable), writes RESULTS.md
    .venv/bin/python bench/run.py --runs 50       # more timed runs per case
    .venv/bin/python bench/run.py --only sqlite   # one database
    .venv/bin/python bench/run.py --explain       # add the query plan of each case's slowest query

Each database is measured in its own process (Django reads DATABASE_URL once): the dataset is generated when
missing (bench/generate.py), then every case runs through django.test.Client — the whole middleware stack,
session included — logged in as the prefecture (zhou) or county (badong) organization-department user:
warm-up runs, then N timed runs (median, p95) and one run under CaptureQueriesContext (query count, slowest
query). Target: each median under 100 ms, with a query count that does not depend on the size of the subtree.
"""

import argparse
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import common

TARGET_MS = 100
WARMUP = 5


def percentile(values, p):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


# --- one database (child process) ---------------------------------------------------------------------------


def cases():
    """(label, username, request) where request is ("get", url) or ("call", function)."""
    from django.urls import reverse

    from dangjian.accounts.models import User
    from dangjian.core.workbench import cards
    from dangjian.orgs.models import Org

    badong = Org.objects.get(code="422823")
    xinling = Org.objects.get(name="中共信陵镇委员会")
    people = reverse("orgs:person_list")
    zhou_user, badong_user = User.objects.get(username="zhou"), User.objects.get(username="badong")
    return [
        ("people list, county filter (州 user)", "zhou", ("get", f"{people}?org={badong.pk}")),
        ("people list, county filter (县 user)", "badong", ("get", f"{people}?org={badong.pk}")),
        ("people list, township filter (州 user)", "zhou", ("get", f"{people}?org={xinling.pk}")),
        ("people list, whole prefecture (州 user)", "zhou", ("get", people)),
        ("org children: county (州 user)", "zhou", ("get", reverse("orgs:children", args=[badong.pk]))),
        ("org children: township (州 user)", "zhou", ("get", reverse("orgs:children", args=[xinling.pk]))),
        ("home page (州 user)", "zhou", ("get", reverse("home"))),
        ("home page (县 user)", "badong", ("get", reverse("home"))),
        ("home cards (州 user)", "zhou", ("call", lambda: cards(zhou_user))),
        ("home cards (县 user)", "badong", ("call", lambda: cards(badong_user))),
        ("home API (州 user)", "zhou", ("get", reverse("api-home"))),
        ("API people, county filter (州 user)", "zhou", ("get", f"/api/v1/people/?org={badong.pk}")),
        ("supervised tasks issued (州 user)", "zhou", ("get", reverse("supervision:issued"))),
        ("supervised tasks issued (县 user)", "badong", ("get", reverse("supervision:issued"))),
        ("supervised tasks assigned (州 user)", "zhou", ("get", reverse("supervision:assigned"))),
        ("supervised tasks overdue (州 user)", "zhou", ("get", reverse("supervision:assigned") + "?light=red")),
        ("API task assignments (州 user)", "zhou", ("get", "/api/v1/task-assignments/")),
        # The yearly scoring of the prefecture (a job, seconds) is measured by bench/stars.py, which also creates
        # the prefecture's assessments this map counts.
        ("star map, prefecture (州 user)", "zhou", ("get", reverse("stars:map"))),
        ("star map, county (县 user)", "badong", ("get", reverse("stars:map"))),
    ]


def explain(sql):
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    return "\n".join(" | ".join(str(c) for c in row) if connection.vendor == "sqlite" else row[0] for row in rows)


def measure_one(url, runs, want_explain, out_path):
    common.setup(url)
    counts = common.ensure_data()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment

    from dangjian.accounts.models import User

    setup_test_environment()  # 'testserver' host; nothing else changes
    # No collectstatic for the benchmark database: serve static URLs without the manifest.
    override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()
    clients = {}
    for username in ("zhou", "badong"):
        clients[username] = Client(raise_request_exception=False)
        clients[username].force_login(User.objects.get(username=username))

    results = []
    for label, username, (how, target) in cases():
        client = clients[username]

        def once(client=client, how=how, target=target):
            if how == "call":
                target()
                return 200
            return client.get(target).status_code

        status = once()
        row = {"case": label, "status": status}
        if status == 200:
            for _ in range(WARMUP - 1):
                once()
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                once()
                timings.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as captured:
                once()
            queries = captured.captured_queries
            # Only a SELECT can be explained (a COMMIT or a session UPDATE cannot, and is not what we tune).
            selects = [q for q in queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
            slowest = max(selects, key=lambda q: float(q["time"])) if selects else None
            row.update(
                median=statistics.median(timings), p95=percentile(timings, 95), best=min(timings),
                queries=len(queries),
                slowest_ms=float(slowest["time"]) * 1000 if slowest else 0,
            )
            if slowest and (want_explain or row["median"] > TARGET_MS):
                row["slowest_sql"] = slowest["sql"]
                row["plan"] = explain(slowest["sql"])
        results.append(row)
        print(f"  {label}: {row.get('median', 0):.1f} ms median, {row.get('queries', '-')} queries"
              f" (HTTP {status})", file=sys.stderr)
    Path(out_path).write_text(json.dumps({
        "engine": common.engine_label(), "counts": counts, "runs": runs, "results": results,
    }, ensure_ascii=False))


# --- all databases (parent process) ---------------------------------------------------------------------------


def machine_info(engines):
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
        f"- machine: {os.cpu_count()} CPUs ({cpu or platform.machine()}), {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; " + "; ".join(engines),
        f"- load average when the run ended: {os.getloadavg()[0]:.1f} (other jobs on the machine inflate the figures)",
    ]


def table(report):
    lines = [
        "| case | median ms | p95 ms | min ms | queries | slowest query ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in report["results"]:
        if row["status"] != 200:
            lines.append(f"| {row['case']} | HTTP {row['status']} | | | | |")
            continue
        flag = "" if row["median"] < TARGET_MS else " ⚠"
        lines.append(f"| {row['case']} | {row['median']:.1f}{flag} | {row['p95']:.1f} | {row['best']:.1f} "
                     f"| {row['queries']} | {row['slowest_ms']:.1f} |")
    return lines


def render(reports):
    lines = ["# Benchmark results", "", *machine_info([r["engine"] for r in reports]), ""]
    for report in reports:
        c = report["counts"]
        lines += [
            f"## {report['engine']}", "",
            f"{c['orgs']:,} organizations, {c['people']:,} people, {c['positions']:,} positions; "
            f"{report['runs']} timed runs per case after {WARMUP} warm-up runs.", "",
            *table(report), "",
        ]
    plans = [(r["engine"], row) for r in reports for row in r["results"] if row.get("plan")]
    if plans:
        lines += ["## Query plans of the slowest queries", ""]
        for engine, row in plans:
            lines += [f"### {engine}: {row['case']}", "", "```sql", row["slowest_sql"], "```", "", "```",
                      row["plan"], "```", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--explain", action="store_true", help="show the plan of every case's slowest query")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # child process: one database URL
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        warnings.simplefilter("ignore")
        logging.getLogger("django.request").setLevel(logging.CRITICAL)  # a 500 shows in the table
        measure_one(args.measure, args.runs, args.explain, args.out)
        return

    targets = []
    if args.only in (None, "sqlite"):
        targets.append(("sqlite", common.SQLITE_URL))
    if args.only in (None, "postgresql"):
        if common.pg_reachable():
            targets.append(("postgresql", common.PG_URL))
        else:
            print(f"PostgreSQL not reachable at {common.PG_SERVER}: skipped", file=sys.stderr)
    reports = []
    for name, url in targets:
        print(f"{name}:", file=sys.stderr)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, __file__, "--measure", url, "--out", out.name, "--runs", str(args.runs)]
            if args.explain:
                command.append("--explain")
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            subprocess.run(command, check=True, env=env)  # noqa: S603 -- our own interpreter and script
            reports.append(json.loads(Path(out.name).read_text()))
    text = render(reports)
    print(text)
    if args.only is None:
        (Path(__file__).parent / "RESULTS.md").write_text(text + "\n")


if __name__ == "__main__":
    main()

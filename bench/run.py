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
import outreach

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
        *outreach.cases(),
        # 抓示范 (showcase): the lists the home card leads to, for the prefecture.
        ("showcase: demonstration sites (州 user)", "zhou", ("get", reverse("showcase:site_list"))),
        ("showcase: meetings (州 user)", "zhou", ("get", reverse("showcase:meeting_list"))),
        ("showcase: model posts, published (州 user)", "zhou",
         ("get", reverse("showcase:post_list") + "?status=published")),
        ("API nominations, named (州 user)", "zhou", ("get", "/api/v1/nominations/?status=named")),
        *secretaries_cases(badong),
    ]


def secretaries_cases(badong):
    """抓书记: the compliance view and the accountability overview for the prefecture and for one county (this
    year's records), page and API."""
    from django.urls import reverse

    compliance, overview = reverse("secretaries:compliance"), reverse("secretaries:overview")
    api = reverse("secretaries-compliance")
    return [
        ("secretaries compliance: prefecture (州 user)", "zhou", ("get", compliance)),
        ("secretaries compliance: county (县 user)", "badong", ("get", compliance)),
        ("secretaries overview: prefecture (州 user)", "zhou", ("get", overview)),
        ("secretaries overview: county (州 user)", "zhou", ("get", f"{overview}?org={badong.pk}")),
        ("API secretaries compliance: prefecture (州 user)", "zhou", ("get", api)),
        ("API secretaries compliance: county (县 user)", "badong", ("get", api)),
    ]


def explain(sql):
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    return "\n".join(" | ".join(str(c) for c in row) if connection.vendor == "sqlite" else row[0] for row in rows)


def measure_one(url, runs, want_explain, out_path, suite="all", page_runs=10):
    common.setup(url)
    counts = common.ensure_data()
    counts["help_cases"] = outreach.ensure_help_cases()
    load_before = os.getloadavg()[0]
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
    for label, username, (how, target) in (cases() if suite in ("all", "cases") else []):
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
    report = {"engine": common.engine_label(), "counts": counts, "runs": runs, "results": results,
              "load_before": load_before}
    if suite in ("all", "pages"):
        report.update(measure_pages(clients, page_runs, want_explain))
    report["load_after"] = os.getloadavg()[0]
    Path(out_path).write_text(json.dumps(report, ensure_ascii=False))


def measure_pages(clients, runs, want_explain):
    """The every-page bench (bench/pages.py) and the export throughput."""
    import pages

    from dangjian.accounts.models import User
    from dangjian.orgs.models import Org

    users = {name: User.objects.get(username=name) for name in clients}
    page_cases, skipped = pages.build_cases(users)
    print(f"  every page: {len(page_cases)} cases ({len(skipped)} skipped)", file=sys.stderr)
    page_results = pages.measure(page_cases, clients, runs, want_explain, explain)
    exports = pages.export_throughput(users["zhou"], Org.objects.get(code="422823"))
    for fmt, figure in exports.items():
        print(f"  export {fmt}: {figure['rows']} rows in {figure['seconds']:.2f} s", file=sys.stderr)
    return {"pages": page_results, "skipped": skipped, "exports": exports, "page_runs": runs,
            "failures": pages.failures(page_results) + export_failures(exports)}


EXPORT_TARGET = 10_000  # rows per second, xlsx (issue 11)


def export_failures(exports):
    xlsx = exports["xlsx"]
    if xlsx["rows_per_s"] < EXPORT_TARGET:
        return [f"xlsx export: {xlsx['rows_per_s']:,.0f} rows/s < {EXPORT_TARGET:,} rows/s"]
    return []


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


def page_table(report):
    lines = [
        "| page | user | median ms | p95 ms | queries | slowest query ms | HTTP |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in report["pages"]:
        flag = " (file)" if row.get("download") else "" if row["median"] <= TARGET_MS else " ⚠"
        lines.append(f"| {row['case']} | {row['user']} | {row['median']:.1f}{flag} | {row['p95']:.1f} "
                     f"| {row['queries']} | {row['slowest_ms']:.1f} | {row['status']} |")
    return lines


def render_pages(report):
    exports = report["exports"]
    lines = [
        f"### Every page of the permission matrix ({len(report['pages'])} cases, {report['page_runs']} timed runs "
        "each)", "",
        f"Load average: {report['load_before']:.1f} when this database's run started, {report['load_after']:.1f} "
        "when it ended.", "",
        *page_table(report), "",
        "Export of 巴东县's people (as the job builds it): " + "; ".join(
            f"{fmt} {f['rows']:,} rows in {f['seconds']:.2f} s ({f['rows_per_s']:,.0f} rows/s)"
            for fmt, f in exports.items()) + ".", "",
    ]
    if report["skipped"]:
        lines += ["Skipped (no object of the dataset for the matrix row):", "",
                  *[f"- {s}" for s in report["skipped"]], ""]
    lines += ["**Failures**: " + ("none" if not report["failures"] else ""), "",
              *[f"- {f}" for f in report["failures"]], ""]
    return lines


def render(reports):
    lines = ["# Benchmark results", "", *machine_info([r["engine"] for r in reports]), ""]
    for report in reports:
        c = report["counts"]
        lines += [
            f"## {report['engine']}", "",
            f"{c['orgs']:,} organizations, {c['people']:,} people, {c['positions']:,} positions; "
            f"{report['runs']} timed runs per case after {WARMUP} warm-up runs.", "",
        ]
        if report["results"]:
            lines += [*table(report), ""]
        if "pages" in report:
            lines += render_pages(report)
    plans = [(r["engine"], row) for r in reports for row in [*r["results"], *r.get("pages", [])]
             if row.get("plan")]
    if plans:
        lines += ["## Query plans of the slowest queries", ""]
        for engine, row in plans:
            who = f" ({row['user']})" if "user" in row else ""
            lines += [f"### {engine}: {row['case']}{who}", "", "```sql", row["slowest_sql"], "```", "", "```",
                      row["plan"], "```", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--explain", action="store_true", help="show the plan of every case's slowest query")
    parser.add_argument("--suite", choices=["all", "cases", "pages"], default="all",
                        help="cases: the chosen pages; pages: every page of the permission matrix (bench/pages.py)")
    parser.add_argument("--page-runs", type=int, default=10, help="timed runs per page of the every-page bench")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # child process: one database URL
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        warnings.simplefilter("ignore")
        logging.getLogger("django.request").setLevel(logging.CRITICAL)  # a 500 shows in the table
        measure_one(args.measure, args.runs, args.explain, args.out, args.suite, args.page_runs)
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
            command = [sys.executable, __file__, "--measure", url, "--out", out.name, "--runs", str(args.runs),
                       "--suite", args.suite, "--page-runs", str(args.page_runs)]
            if args.explain:
                command.append("--explain")
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            subprocess.run(command, check=True, env=env)  # noqa: S603 -- our own interpreter and script
            reports.append(json.loads(Path(out.name).read_text()))
    text = render(reports)
    print(text)
    if args.only is None and args.suite == "all":
        path = Path(__file__).parent / "RESULTS.md"
        # The load benchmark's section (bench/load.py) is kept: the two are run separately.
        kept = path.read_text().partition("## Load benchmark") if path.exists() else ("", "", "")
        path.write_text(text + "\n" + (f"\n{kept[1]}{kept[2]}" if kept[1] else ""))
    failed = [f"{r['engine']}: {f}" for r in reports for f in r.get("failures", [])]
    if failed:
        print("\nBENCH FAILED:\n" + "\n".join(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

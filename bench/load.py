"""Load benchmark: gunicorn as `make run` starts it, 8 signed-in users at once, each page for 20–30 s (issue 11).

    make bench-load                                   # = .venv/bin/python bench/load.py (both databases)
    .venv/bin/python bench/load.py --only sqlite --seconds 30

For each database (the prefecture-scale dataset of bench/generate.py, generated when missing): collectstatic,
then gunicorn with the project's gunicorn.conf.py and `make run`'s options (2 workers x 4 threads), then each
page in turn is requested by CONCURRENCY client threads, each with its own keep-alive connection and its own
session of the prefecture user (zhou), for --seconds. Reported per page: requests per second, p50/p95/p99
latency, errors (any status but 200), and the share of the login page's throughput measured in the same run.
Targets: home page >= 25 % of the login page, every other page >= 10 %, no errors; the run exits 1 otherwise.
The client is pure Python (threads, http.client) so that a fresh clone runs it; it shares the machine's CPUs
with gunicorn, like the load average printed beside the figures.
"""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import common

ROOT = common.ROOT
CONCURRENCY = 8
WORKERS, THREADS = 2, 4  # as `make run` starts gunicorn (Makefile)
HOME_SHARE, PAGE_SHARE = 0.25, 0.10
SECTION = "## Load benchmark"


def prepare(url, out):
    """Child process: dataset, static files, CONCURRENCY sessions of zhou, and the page paths."""
    common.setup(url)
    common.ensure_data()
    from django.core.management import call_command
    from django.test import Client

    from dangjian.accounts.models import User
    from dangjian.orgs.models import Org

    call_command("collectstatic", interactive=False, verbosity=0)
    zhou = User.objects.get(username="zhou")
    cookies = []
    for _ in range(CONCURRENCY):
        client = Client()
        client.force_login(zhou)
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")
    prefecture = Org.objects.filter(level=2).order_by("pk").first()
    badong = Org.objects.get(code="422823")
    xinling = Org.objects.get(name="中共信陵镇委员会")
    pages = [
        ("login page (baseline)", "/accounts/login/", False),
        ("home / (州 user)", "/", True),
        ("people of 巴东县", f"/people/?org={badong.pk}", True),
        ("people, whole prefecture", "/people/", True),
        ("people search ?q=张", "/people/?q=%E5%BC%A0", True),
        ("person picker ?q=张", "/people/person-picker/?q=%E5%BC%A0", True),
        ("organization page of the prefecture", f"/orgs/{prefecture.pk}/", True),
        ("organization page of 巴东县", f"/orgs/{badong.pk}/", True),
        ("organization page of 信陵镇", f"/orgs/{xinling.pk}/", True),
        ("children of the prefecture", f"/orgs/{prefecture.pk}/children/", True),
    ]
    Path(out).write_text(json.dumps({"engine": common.engine_label(), "cookies": cookies, "pages": pages},
                                    ensure_ascii=False))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url, port):
    env = {**os.environ, "DATABASE_URL": url}
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "dangjian.wsgi", "-c", "gunicorn.conf.py",
               "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--threads", str(THREADS)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,  # noqa: S603
                               stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn did not start")


def stop(process):
    """Stop the gunicorn this script started (its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def hammer(port, path, cookies, seconds):
    """CONCURRENCY threads, one keep-alive connection and one session each, for `seconds`: latencies (ms), errors."""
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(cookie):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": cookie} if cookie else {}
        mine, bad = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    threads = [threading.Thread(target=worker, args=(cookie,)) for cookie in cookies]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return latencies, sum(errors), elapsed


def quantile(values, q):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_database(name, url, seconds):
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        subprocess.run([sys.executable, __file__, "--prepare", url, "--out", out.name],  # noqa: S603
                       check=True, env=env)
        setup = json.loads(Path(out.name).read_text())
    port = free_port()
    process = start_gunicorn(url, port)
    rows = []
    load_before = os.getloadavg()[0]
    try:
        for label, path, signed_in in setup["pages"]:
            cookies = setup["cookies"] if signed_in else [""] * CONCURRENCY
            hammer(port, path, cookies, min(2, seconds))  # warm-up: every worker and connection opened
            latencies, errors, elapsed = hammer(port, path, cookies, seconds)
            rows.append({"page": label, "path": path, "rps": len(latencies) / elapsed, "errors": errors,
                         "p50": quantile(latencies, 0.50), "p95": quantile(latencies, 0.95),
                         "p99": quantile(latencies, 0.99), "requests": len(latencies),
                         "mean": statistics.fmean(latencies) if latencies else 0})
            print(f"  {label}: {rows[-1]['rps']:.1f} req/s, p50 {rows[-1]['p50']:.0f} ms, {errors} errors",
                  file=sys.stderr)
    finally:
        stop(process)
    baseline = rows[0]["rps"] or 1
    for row in rows:
        row["share"] = row["rps"] / baseline
    return {"engine": setup["engine"], "rows": rows, "seconds": seconds, "load_before": load_before,
            "load_after": os.getloadavg()[0]}


def failures(report):
    problems = []
    for i, row in enumerate(report["rows"]):
        if row["errors"]:
            problems.append(f"{row['page']}: {row['errors']} errors")
        if i == 0:
            continue
        wanted = HOME_SHARE if row["path"] == "/" else PAGE_SHARE
        if row["share"] < wanted:
            problems.append(f"{row['page']}: {row['share']:.1%} of the login page < {wanted:.0%}")
    return problems


def render(reports):
    lines = [SECTION, "",
             f"gunicorn as `make run` starts it ({WORKERS} workers x {THREADS} threads, gunicorn.conf.py), "
             f"{CONCURRENCY} concurrent sessions of the prefecture user, each page for {reports[0]['seconds']} s "
             "after a 2 s warm-up; the client (Python threads) runs on the same machine. Targets: home >= 25 % of "
             "the login page's throughput, every other page >= 10 %, no errors.", ""]
    for report in reports:
        lines += [f"### {report['engine']}", "",
                  f"Load average {report['load_before']:.1f} before, {report['load_after']:.1f} after "
                  f"({time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} CPUs).", "",
                  "| page | req/s | share of login | p50 ms | p95 ms | p99 ms | errors |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for row in report["rows"]:
            lines.append(f"| {row['page']} | {row['rps']:.1f} | {row['share']:.1%} | {row['p50']:.0f} "
                         f"| {row['p95']:.0f} | {row['p99']:.0f} | {row['errors']} |")
        problems = failures(report)
        lines += ["", "**Failures**: " + ("none" if not problems else "; ".join(problems)), ""]
    return "\n".join(lines)


def write_section(text):
    """Replace the load section of RESULTS.md (run.py keeps it when it rewrites the file)."""
    path = Path(__file__).parent / "RESULTS.md"
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    head = current.split(SECTION)[0].rstrip() + "\n\n"
    path.write_text(head + text + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args.out)
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
        reports.append(run_database(name, url, args.seconds))
    text = render(reports)
    print(text)
    if args.only is None:
        write_section(text)
    problems = [f"{r['engine']}: {p}" for r in reports for p in failures(r)]
    if problems:
        print("\nLOAD BENCH FAILED:\n" + "\n".join(problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Shared set-up of the benchmark scripts: pick the benchmark database, start Django, load the dataset.

The benchmark never touches the development database: SQLite uses var/bench.sqlite3, PostgreSQL a database
`dangjian_bench` (created when missing). DATABASE_URL, when set, wins.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE_URL = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_URL = f"{PG_SERVER}/dangjian_bench"
MIN_ORGS = 10_000  # below this the dataset is (re)generated


def pg_reachable():
    import psycopg

    try:
        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def ensure_pg_database(url):
    """CREATE DATABASE when the benchmark database does not exist yet."""
    import psycopg
    from psycopg import sql

    server, _, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup(url):
    """Point Django at `url`, start it and migrate. Must run before anything imports the settings."""
    if url.startswith("postgres"):
        ensure_pg_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def ensure_data(force=False, log=print):
    """Generate the prefecture-scale dataset unless it is already there; returns the row counts."""
    from django.db import transaction

    from dangjian.core import metrics
    from dangjian.core.models import Summary
    from dangjian.demo import builder as demo_builder
    from dangjian.orgs.models import Org, Person, Position

    if force or Org.objects.count() < MIN_ORGS:
        log("generating the prefecture-scale dataset ...")
        counts = demo_builder.load("bench", force=True, log=log)
        log(f"generated in {counts['seconds']} s")
        analyze()
    elif not Summary.objects.filter(metric__in=[m.key for m in metrics.kept_metrics()]).exists():
        log("rebuilding the summary table (dataset generated before its metrics existed) ...")
        with transaction.atomic():
            metrics.rebuild()
        analyze()
    return {"orgs": Org.objects.count(), "people": Person.objects.count(), "positions": Position.objects.count()}


def analyze():
    """Planner statistics after a bulk load, as a deployment gets them (core.dbtuning: the demo load, post_migrate
    and `manage.py db_optimize` run it). PostgreSQL: VACUUM ANALYZE, what autovacuum does shortly after a bulk
    load (statistics, and the visibility map for index-only scans)."""
    from django.db import connection

    from dangjian.core.dbtuning import optimize

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        optimize(full=True)


def engine_label():
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"

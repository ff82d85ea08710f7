"""The database as a server database: SQLite's per-connection settings and fresh planner statistics on both engines.

SQLite keeps no statistics unless told to: without `ANALYZE` its planner guesses, and after migration 0003 of orgs it
guessed `position_prefecture_date` over `position_org_title` for the secretary lookup (21 ms instead of 0.1 ms at
prefecture scale, issue 11). `optimize()` runs after every `migrate` (post_migrate), after the demo and bulk loads,
and from `manage.py db_optimize` (a daily cron entry, docs/deployment notes in docs/decisions.md).
PostgreSQL's autovacuum analyses on its own; `optimize()` runs `ANALYZE` there too so that a bulk load is planned
well at once. The per-connection PRAGMAs (WAL, busy timeout, mmap_size, cache_size) are in settings.DATABASES.
"""

from django.db import connections


def has_statistics(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return False
        cursor.execute("SELECT 1 FROM sqlite_stat1 LIMIT 1")
        return cursor.fetchone() is not None


def optimize(using="default", full=False):
    """Refresh the planner's statistics. SQLite: a full `ANALYZE` (0.7 s at prefecture scale; a sampled one,
    PRAGMA analysis_limit, misjudged the people table's indexes and made the name search scan the table) when
    there are none yet or `full` (after a bulk load), else `PRAGMA optimize` (re-analyses only the tables whose
    size changed much). PostgreSQL: `ANALYZE`. Returns what was run."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if full or not has_statistics(connection):
                cursor.execute("ANALYZE")
                return "ANALYZE"
            cursor.execute("PRAGMA optimize")
            return "PRAGMA optimize"
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
            return "ANALYZE"
    return ""


def after_migrate(sender, using="default", **kwargs):
    """post_migrate (sent once per app; connected for core only): new tables and indexes get statistics."""
    optimize(using=using)

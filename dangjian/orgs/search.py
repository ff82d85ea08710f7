"""People by name, served by indexes on both databases (issue 11): the people list's search and the person picker.

A person matches when the name contains the text, or (lower-case ASCII text) when a pinyin key starts with it:
the usual reading's initials or full pinyin (`zhm`, `zhanghuaming`: btree ranges on indexed columns) or another
reading (`pinyin_alt` holds " key key …": a substring " zeng"). The matching ids are found first, from narrow
indexes only, then the scope, the filters, the relevance order and the page apply to those ids:

- substring of three characters or more: SQLite's FTS5 table `orgs_person_search` (trigram tokenizer, kept by
  triggers) or PostgreSQL's `pg_trgm` GIN indexes, which serve `LIKE '%…%'` directly;
- shorter text (one or two characters: 张, 华明): a scan of the narrow index on `name` (SQLite reads it as a
  covering index, about 10 ms for 250,000 names) — no trigram exists for it on either database;
- where neither the FTS5 trigram tokenizer (SQLite before 3.34, or built without FTS5) nor `pg_trgm` (no
  permission to CREATE EXTENSION) is available, the same `LIKE` runs unindexed: correct, slower (docs/decisions.md).

Up to MATERIALIZE_LIMIT ids are read once into the query (`id IN (…)`), so the page and the paginator's count both
start from them and the name is scanned once per request; a text matching more people (a single letter) keeps
the id lookup as a subquery.
"""

import json

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

FTS_TABLE = "orgs_person_search"
MATERIALIZE_LIMIT = 30_000  # ids (a pinyin prefix such as 'zh' matches 20,000 of 250,000 people)
_ASCII_TOP = "\x7f"  # above every lower-case letter and digit: [key, key + _ASCII_TOP) is "starts with key"

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS orgs_person_search USING fts5(name, pinyin_alt, content='orgs_person', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS orgs_person_search_ai AFTER INSERT ON orgs_person BEGIN "
    "INSERT INTO orgs_person_search(rowid, name, pinyin_alt) VALUES (new.id, new.name, new.pinyin_alt); END",
    "CREATE TRIGGER IF NOT EXISTS orgs_person_search_ad AFTER DELETE ON orgs_person BEGIN "
    "INSERT INTO orgs_person_search(orgs_person_search, rowid, name, pinyin_alt) VALUES ('delete', old.id, "
    "old.name, old.pinyin_alt); END",
    "CREATE TRIGGER IF NOT EXISTS orgs_person_search_au AFTER UPDATE OF name, pinyin_alt ON orgs_person BEGIN "
    "INSERT INTO orgs_person_search(orgs_person_search, rowid, name, pinyin_alt) VALUES ('delete', old.id, "
    "old.name, old.pinyin_alt); INSERT INTO orgs_person_search(rowid, name, pinyin_alt) VALUES (new.id, "
    "new.name, new.pinyin_alt); END",
]
SQLITE_REBUILD = "INSERT INTO orgs_person_search(orgs_person_search) VALUES ('rebuild')"
# The two columns a substring is looked up in (a fixed choice: no identifier ever comes from input). No ESCAPE
# clause: FTS5 (3.40) answers LIKE from the index only without one; text holding % or _ is not looked up here.
FTS_LOOKUPS = {
    "name": "SELECT rowid FROM orgs_person_search WHERE name LIKE %s",
    "pinyin_alt": "SELECT rowid FROM orgs_person_search WHERE pinyin_alt LIKE %s",
}
SQLITE_TRIGGERS = {f"{FTS_TABLE}_ai", f"{FTS_TABLE}_ad", f"{FTS_TABLE}_au"}
PG_INDEXES = {
    "person_name_trgm": "CREATE INDEX IF NOT EXISTS person_name_trgm ON orgs_person USING gin (name gin_trgm_ops)",
    "person_pinyin_alt_trgm": "CREATE INDEX IF NOT EXISTS person_pinyin_alt_trgm ON orgs_person "
                              "USING gin (pinyin_alt gin_trgm_ops)",
}


# --- creating the indexes (migration orgs 0007, and again after every migrate) ----------------------------------


def sqlite_fts_supported(conn):
    """Whether this SQLite has FTS5 with the trigram tokenizer (3.34+, compiled with FTS5)."""
    with conn.cursor() as cursor:
        try:
            cursor.execute("CREATE VIRTUAL TABLE temp._trigram_probe USING fts5(x, tokenize='trigram')")
            cursor.execute("DROP TABLE temp._trigram_probe")
        except Exception:  # any refusal means "not supported": the search falls back to LIKE
            return False
    return True


def ensure_index(conn=None):
    """Create the substring index where the database supports it; returns what exists afterwards ("fts5",
    "pg_trgm" or ""). Idempotent. On SQLite it also repairs what a table rebuild dropped: Django's SQLite schema
    editor remakes orgs_person (copy, drop, rename) on some later migrations, which drops the triggers; the
    index is then rebuilt from the table."""
    conn = conn or connection
    if conn.vendor == "sqlite":
        if not sqlite_fts_supported(conn):
            return ""
        with conn.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'orgs_person'")
            complete = SQLITE_TRIGGERS <= {row[0] for row in cursor.fetchall()}
            for statement in SQLITE_CREATE:
                cursor.execute(statement)
            if not complete:
                cursor.execute(SQLITE_REBUILD)
        _available.clear()
        return "fts5"
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            if cursor.fetchone() is None:
                try:
                    with _savepoint(conn):
                        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                except Exception:  # no permission: the documented fallback, LIKE without the index
                    return ""
            for statement in PG_INDEXES.values():
                cursor.execute(statement)
        _available.clear()
        return "pg_trgm"
    return ""


def drop_index(conn=None):
    conn = conn or connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            for trigger in sorted(SQLITE_TRIGGERS):
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute("DROP TABLE IF EXISTS orgs_person_search")
        elif conn.vendor == "postgresql":
            for name in PG_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
    _available.clear()


def _savepoint(conn):
    from django.db import transaction

    return transaction.atomic(using=conn.alias)


_available = {}


def substring_index(conn=None):
    """"fts5", "pg_trgm" or "" for the current database (looked up once per database)."""
    conn = conn or connection
    key = (conn.alias, conn.settings_dict["NAME"])
    if key not in _available:
        with conn.cursor() as cursor:
            if conn.vendor == "sqlite":
                cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
                _available[key] = "fts5" if cursor.fetchone() else ""
            elif conn.vendor == "postgresql":
                cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'person_name_trgm'")
                _available[key] = "pg_trgm" if cursor.fetchone() else ""
            else:
                _available[key] = ""
    return _available[key]


def after_migrate(sender, using="default", **kwargs):
    from django.db import connections

    ensure_index(connections[using])


# --- matching --------------------------------------------------------------------------------------------------


def ascii_key(value):
    """The typed text as a pinyin key (lower-case ASCII letters and digits), or None for anything else."""
    return value.lower() if value.isascii() and value.isalnum() else None


def starts_with(field, key):
    """`field` starts with `key` as a btree range (both databases use the index; LIKE 'key%' does not on SQLite,
    whose LIKE ignores case)."""
    return Q(**{f"{field}__gte": key, f"{field}__lt": key + _ASCII_TOP})


def _fts_ids(column, value):
    """Ids whose `column` contains `value` (3+ characters), through the FTS5 trigram index."""
    return RawSQL(FTS_LOOKUPS[column], [f"%{value}%"])  # noqa: S611 -- fixed SQL, the value is a parameter


def _contains(model, column, value):
    """Ids of `model` whose `column` contains `value`: through the substring index when it can serve it."""
    if len(value) >= 3 and "%" not in value and "_" not in value and substring_index() == "fts5":
        return _fts_ids(column, value)
    # PostgreSQL: pg_trgm serves this itself from 3 characters. Shorter: a scan of the narrow name index.
    return model._default_manager.filter(**{f"{column}__contains": value}).order_by().values("pk")


def id_sources(model, text):
    """Subqueries of ids, each served by one index: name contains the text; for lower-case ASCII text also the
    initials and the full pinyin start with it (btree ranges) and another reading does (" key" in pinyin_alt).
    Kept apart: OR-ed in one WHERE, SQLite would scan the whole table for the name's LIKE."""
    sources = [_contains(model, "name", text)]
    low = ascii_key(text)
    if low:
        people = model._default_manager.order_by()
        sources += [
            people.filter(starts_with("pinyin_initials", low)).values("pk"),
            people.filter(starts_with("pinyin", low)).values("pk"),
            _contains(model, "pinyin_alt", " " + low),
        ]
    return sources


def id_list(ids):
    """`pk__in` of a list of ids as one parameter: SQLite json_each, PostgreSQL unnest. The planner then looks the
    rows up by primary key (an IN list of thousands of literals made SQLite prefer the scope's index)."""
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(sorted(ids))])
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [sorted(ids)])
    return sorted(ids)


def match_q(model, text):
    """Q over Person: the name contains `text`, or a pinyin key starts with it (ASCII text) — the definition,
    as one condition (used by tests and for texts matching too many people to list their ids)."""
    text = text.strip()
    if not text:
        return Q()
    q = Q()
    for source in id_sources(model, text):
        q |= Q(pk__in=source)
    return q


def matching_ids(model, text):
    """Q(pk__in=…): the people matching `text`, found from the name and pinyin indexes alone (no scope, no
    filter: those apply to the ids). Up to MATERIALIZE_LIMIT ids are read now, one indexed query per source, and
    passed as one parameter (the page and the paginator's count start from them; nothing is scanned twice);
    a text matching more people (a single letter) keeps the sources as subqueries."""
    text = text.strip()
    if not text:
        return Q()
    found = set()
    for source in id_sources(model, text):
        if isinstance(source, RawSQL):
            with connection.cursor() as cursor:
                cursor.execute(source.sql + f" LIMIT {MATERIALIZE_LIMIT + 1}", source.params)
                found.update(row[0] for row in cursor.fetchall())
        else:
            found.update(source.values_list("pk", flat=True)[: MATERIALIZE_LIMIT + 1])
        if len(found) > MATERIALIZE_LIMIT:
            return match_q(model, text)
    return Q(pk__in=id_list(found))

"""Data key rotation: re-encrypt every protected value with the current data key and recompute its blind index.

Every model with an EncryptedCharField is found in the app registry (`encrypted_models`), so an app that adds one
is rotated without being named here. Rows are taken in batches by primary key (keyset pagination: `pk > last`,
never OFFSET), each batch in its own transaction with its rows locked (SELECT … FOR UPDATE on PostgreSQL; the
IMMEDIATE write transaction on SQLite), so a user's concurrent edit is never overwritten by a stale copy. Only rows
that still hold a value under another version are taken: a run that stops (interrupted, --limit) leaves whole
batches done or untouched, and the next run carries on where it stopped. The run's counts go to the audit log.

Each row is written by one UPDATE of its encrypted and index columns only: no signals, no `updated_at`, no other
column, since nothing else changed.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction
from django.db.models import CharField, Count, Q, Value
from django.db.models.functions import Left, StrIndex

from . import audit, crypto
from .crypto import EncryptedCharField

ACTION = "data_key.rotate"


def encrypted_models():
    """[(model, [EncryptedCharField…])] of every concrete model holding encrypted values, in registry order."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if fields:
            found.append((model, fields))
    return found


def _stale(fields, version):
    """Rows with a value in any of `fields` not made with key `version` (compared on the raw column: a lookup on the
    field itself would encrypt the value it is compared with)."""
    head = crypto.prefix(version)
    condition = Q()
    aliases = {}
    for f in fields:
        alias = f"_raw_head_{f.attname}"
        aliases[alias] = Left(f.attname, len(head), output_field=CharField())
        condition |= ~Q(**{f.attname: ""}) & ~Q(**{alias: head})
    return aliases, condition


def stale_rows(model, fields, version=None):
    aliases, condition = _stale(fields, crypto.current_version() if version is None else version)
    return model._base_manager.alias(**aliases).filter(condition)


def version_counts():
    """{(model label, field name): {version label: rows}} over every encrypted column, e.g. {'v1': 40, 'v2': 9}
    (empty values not counted). One GROUP BY per column."""
    counts = {}
    for model, fields in encrypted_models():
        for f in fields:
            label = Left(f.attname, StrIndex(f.attname, Value(":")) - 1, output_field=CharField())
            rows = (model._base_manager.exclude(**{f.attname: ""}).annotate(_version=label)
                    .values("_version").annotate(n=Count("pk")).order_by("_version"))
            counts[(model._meta.label, f.name)] = {row["_version"]: row["n"] for row in rows}
    return counts


@dataclass
class Run:
    version: int
    batch_size: int = 1000
    limit: int | None = None
    updated: dict = field(default_factory=dict)  # model label -> rows re-encrypted
    interrupted: bool = False
    remaining: int = 0  # rows still holding a value under another version when the run ended

    @property
    def total(self):
        return sum(self.updated.values())


def _rewrite_batch(model, fields, rows):
    """Re-encrypt the rows' values (decrypted on load, each with its own version's key) under the current key and
    recompute their blind indexes: one UPDATE statement by primary key, run for every row (executemany). Django's
    bulk_update would build a CASE of every row for every column, quadratic in the batch size."""
    quote = connection.ops.quote_name
    indexed = [f for f in fields if f.index_field]
    columns = [f.column for f in fields] + [model._meta.get_field(f.index_field).column for f in indexed]
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {', '.join(f'{quote(c)} = %s' for c in columns)} "  # noqa: S608
           f"WHERE {quote(model._meta.pk.column)} = %s")  # names from the models' metadata, values as parameters
    params = []
    for row in rows:
        ciphertexts = [crypto.encrypt(value) if (value := getattr(row, f.attname)) else "" for f in fields]
        indexes = [crypto.blind_index(value) if (value := getattr(row, f.attname)) else "" for f in indexed]
        params.append([*ciphertexts, *indexes, row.pk])
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def rotate_model(run, model, fields, progress=None):
    """Re-encrypt `model`'s stale rows batch by batch; stops early at run.limit."""
    label = model._meta.label
    last_pk = None
    loaded = ["pk", *(f.attname for f in fields)]
    while run.limit is None or run.total < run.limit:
        size = run.batch_size if run.limit is None else min(run.batch_size, run.limit - run.total)
        with transaction.atomic():
            batch = stale_rows(model, fields, run.version)
            if last_pk is not None:
                batch = batch.filter(pk__gt=last_pk)
            rows = list(batch.select_for_update().order_by("pk").only(*loaded)[:size])
            if not rows:
                return
            _rewrite_batch(model, fields, rows)
        last_pk = rows[-1].pk
        run.updated[label] = run.updated.get(label, 0) + len(rows)
        if progress is not None:
            progress(label, run.updated[label], len(rows), last_pk)


def rotate(*, batch_size=1000, limit=None, progress=None):
    """Re-encrypt every protected value not yet under the current data key. Records one audit entry for the run
    (also when interrupted or failing: what was committed is counted) and returns the Run."""
    run = Run(version=crypto.current_version(), batch_size=batch_size, limit=limit)
    try:
        for model, fields in encrypted_models():
            rotate_model(run, model, fields, progress)
    except BaseException:
        run.interrupted = True
        try:
            _record(run)
        except Exception:  # noqa: S110  the database may be gone; the original error matters, the next run counts
            pass
        raise
    _record(run)
    return run


def _record(run):
    run.remaining = sum(stale_rows(model, fields, run.version).count() for model, fields in encrypted_models())
    with transaction.atomic():
        audit.record(ACTION, object_type="core.datakey", object_id=str(run.version),
                     object_repr=crypto.prefix(run.version).rstrip(":"), org=None,
                     after={"version": run.version, "updated": dict(run.updated), "total": run.total,
                            "remaining": run.remaining, "interrupted": run.interrupted})

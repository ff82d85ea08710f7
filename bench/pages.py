"""Every page of the permission matrix at prefecture scale (`bench/run.py --pages`, issue 11).

The cases are not chosen by hand: every GET row of every app's `tests/permissions.py` (core.testing.all_rows) is a
case, so a new app's pages join the bench by being in the matrix. A row builds its URL from the test `world`; here
the same row is given a *bench world* whose keys are objects of the prefecture-scale dataset:

- an organization key (`wanzhai`, `wujiatai`, any key holding an Org in the tests) becomes, in turn, the three
  largest subtrees: the prefecture (15,000 organizations, 250,000 people), 巴东县 (34,000 people) and 信陵镇;
- `person` is the member with the most posts, `position` a current 书记 post, transfers and accounts the latest
  of their kind in scope;
- any other key is looked up by model name (`help_case` → the model HelpCase of any app) and becomes the latest
  object the user may see; a key the bench cannot resolve is reported as skipped, never silently dropped.

Each case runs as the prefecture user (zhou) and the county user (badong) for the variants inside their scope:
warm-up, N timed runs (median, p95), one run counting queries. The run fails (exit status 1) when a median is over
TARGET_MS or when a page's query count changes with the size of the subtree (prefecture / county / township, and
the two users): a count that grows with the data is an N+1.
"""

import contextlib
import statistics
import time
from dataclasses import dataclass, field

TARGET_MS = 100
WARMUP = 2
# Query counts may differ by this much between subtrees without depending on their size: the prefecture has no
# breadcrumbs above it, a search with no result reads no ancestors. An N+1 differs by a page's worth (20+).
QUERY_SLACK = 2
ORG_KEYS = {"zhou", "badong", "xuanen", "xinling", "wanzhai", "xiaohe", "wujiatai", "yunlong", "wujiatai_b1",
            "empty_org", "lichuan"}
# World keys of the matrix whose model the name does not tell.
KEY_MODELS = {
    "person": "orgs.Person", "position": "orgs.Position", "target_user": "accounts.User",
    "incoming": "orgs.Transfer", "outgoing": "orgs.Transfer", "letter": "orgs.Transfer",
    "attachment": "core.Attachment", "job": "core.Job",
}


class Unresolved(Exception):
    pass


class Recorder(dict):
    """A stand-in world that records which keys a row's lambdas read."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def __getitem__(self, key):
        self.seen.append(key)
        return _Stub()

    def __contains__(self, key):
        return True


class _Stub:
    pk = id = 1
    name = code = id_number = "x"

    def __getattr__(self, name):
        return _Stub()

    def __getitem__(self, key):
        return _Stub()


def keys_of(row):
    world = Recorder()
    for build in (row.kwargs, row.query):
        if build:
            with contextlib.suppress(Exception):  # a row reading the world in ways the stub cannot follow
                build(world)
    return list(dict.fromkeys(world.seen))


@dataclass
class Case:
    row: object
    variant: str  # "prefecture", "county", "township" or "" (no organization in the URL)
    user: str
    url: str = ""
    query: dict = field(default_factory=dict)
    api: bool = False

    @property
    def label(self):
        name = self.row.name + (" (API)" if self.row.api and ":" in self.row.name else "")
        query = "&".join(f"{k}={v}" for k, v in sorted(self.query.items()))
        return f"{name}{'?' + query if query else ''}{' · ' + self.variant if self.variant else ''}"


class BenchWorld(dict):
    """The bench dataset's objects under the matrix's key names, for one user and one organization variant."""

    def __init__(self, user, org):
        super().__init__()
        self.user, self.org = user, org

    def __missing__(self, key):
        value = self.resolve(key)
        self[key] = value
        return value

    def __contains__(self, key):
        """A row helper that builds its object when missing (`if "incoming" not in w: create`) finds the
        dataset's instead: the bench never writes."""
        if dict.__contains__(self, key):
            return True
        try:
            self[key]
        except Unresolved:
            return False
        return True

    def resolve(self, key):
        from django.apps import apps

        from dangjian.orgs.choices import Title
        from dangjian.orgs.models import Org, Person, Position

        if key in ORG_KEYS:
            if self.org is None:
                raise Unresolved(key)
            return self.org
        if key == "users":
            raise Unresolved(key)
        label = KEY_MODELS.get(key)
        model = apps.get_model(label) if label else _model_named(key)
        if model is None:
            raise Unresolved(key)
        within = self.org or self.user.org
        if model is Person:
            from django.db.models import Count

            people = Person.objects.visible_to(self.user).filter(within.ancestry_q())
            best = people.annotate(n=Count("positions")).order_by("-n", "pk").first()
            if best is None:
                raise Unresolved(key)
            return best
        if model is Position:
            post = (Position.objects.visible_to(self.user).filter(within.ancestry_q(), title=Title.SECRETARY,
                                                                  end_date__isnull=True).order_by("pk").first())
            if post is None:
                raise Unresolved(key)
            return post
        if model is Org:
            return within
        manager = model._default_manager
        rows = manager.visible_to(self.user) if hasattr(manager, "visible_to") else manager.all()
        obj = rows.order_by("-pk").first()
        if obj is None:
            raise Unresolved(f"{key}: no {model._meta.model_name} visible to {self.user.username}")
        return obj


def _model_named(key):
    from django.apps import apps

    wanted = key.replace("_", "").lower()
    for model in apps.get_models():
        if model._meta.model_name == wanted and model.__module__.startswith("dangjian."):
            return model
    return None


def variants_for(user):
    """{variant: Org} inside the user's scope: the prefecture, 巴东县 and 信陵镇 where visible."""
    from dangjian.orgs.models import Org

    chosen = {
        "prefecture": Org.objects.filter(level=2).order_by("pk").first(),
        "county": Org.objects.filter(code="422823").first(),
        "township": Org.objects.filter(name="中共信陵镇委员会").first(),
    }
    visible = set(Org.objects.visible_to(user).filter(pk__in=[o.pk for o in chosen.values() if o])
                  .values_list("pk", flat=True))
    return {name: org for name, org in chosen.items() if org is not None and org.pk in visible}


def build_cases(users):
    """(cases, skipped): every GET row of the matrix, for each user and organization variant."""
    from django.urls import reverse

    from dangjian.core.testing import all_rows

    cases, skipped, seen = [], [], set()
    for row in all_rows():
        if row.method != "get" or row.name == "accounts:login":
            continue
        keys = keys_of(row)
        uses_org = any(k in ORG_KEYS for k in keys)
        for username, user in users.items():
            variants = variants_for(user) if uses_org else {"": None}
            for variant, org in variants.items():
                world = BenchWorld(user, org)
                try:
                    kwargs = row.kwargs(world) if row.kwargs else None
                    query = row.query(world) if row.query else {}
                    url = reverse(row.name, kwargs=kwargs)
                except Unresolved as missing:
                    skipped.append(f"{row.name} ({username}{', ' + variant if variant else ''}): no bench object "
                                   f"for the matrix key {missing}")
                    continue
                except Exception as error:
                    skipped.append(f"{row.name} ({username}): {type(error).__name__}: {error}")
                    continue
                signature = (url, tuple(sorted((query or {}).items())), username)
                if signature in seen:
                    continue
                seen.add(signature)
                cases.append(Case(row=row, variant=variant, user=username, url=url, query=query or {},
                                  api=row.api))
    return cases, skipped


def measure(cases, clients, runs, explain, explain_sql):
    """Time every case; returns result dicts (label, user, variant, status, median, p95, queries, slowest)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.core.models import Job

    jobs_before = set(Job.objects.values_list("pk", flat=True))
    results = []
    for case in cases:
        client = clients[case.user]

        def once(client=client, case=case):
            return client.get(case.url, case.query)

        first = once()
        status = first.status_code
        download = "attachment" in first.get("Content-Disposition", "")
        for _ in range(WARMUP - 1):
            once()
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            once()
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            once()
        selects = [q for q in captured.captured_queries
                   if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
        slowest = max(selects, key=lambda q: float(q["time"])) if selects else None
        row = {
            "case": case.label, "name": case.row.name, "user": case.user, "variant": case.variant,
            "status": status, "download": download, "median": statistics.median(timings),
            "p95": _percentile(timings, 95),
            "queries": len(captured.captured_queries),
            "slowest_ms": float(slowest["time"]) * 1000 if slowest else 0,
        }
        if slowest and (explain or row["median"] > TARGET_MS):
            row["slowest_sql"] = slowest["sql"]
            row["plan"] = explain_sql(slowest["sql"])
        results.append(row)
    # Exports above the threshold queued jobs; the bench leaves no work behind for a worker.
    Job.objects.exclude(pk__in=jobs_before).delete()
    return results


def _percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def failures(results):
    """Reasons the run fails: a median over target, a server error, or a query count that changes with the size
    of the subtree or the user's level (same URL row, same query parameters, same status) by more than
    QUERY_SLACK. A file built in the request (an export under the job threshold) is judged by its throughput
    (export_throughput), not by the page target."""
    problems = []
    for row in results:
        if row["status"] >= 500:
            problems.append(f"{row['case']} as {row['user']}: HTTP {row['status']}")
        elif row["median"] > TARGET_MS and not row.get("download"):
            problems.append(f"{row['case']} as {row['user']}: median {row['median']:.0f} ms > {TARGET_MS} ms")
    groups = {}
    for row in results:
        if row["status"] < 400:
            key = (row["name"], row["case"].split(" · ")[0], row["status"])
            groups.setdefault(key, []).append(row)
    for (_name, label, _status), rows in groups.items():
        counts = {(r["user"], r["variant"]): r["queries"] for r in rows}
        if max(counts.values()) - min(counts.values()) > QUERY_SLACK:
            detail = ", ".join(f"{u}/{v or '-'}: {n}" for (u, v), n in sorted(counts.items()))
            problems.append(f"{label}: query count depends on the subtree ({detail})")
    return problems


def export_throughput(user, county):
    """Rows per second of the people export of one county (xlsx and CSV), built as the job builds it."""
    import io

    from django.http import QueryDict

    from dangjian.core import tabular
    from dangjian.orgs.views.people import person_exporter

    figures = {}
    for fmt in ("xlsx", "csv"):
        spec = person_exporter(user, QueryDict(f"org={county.pk}"))
        started = time.perf_counter()
        count = tabular.write(io.BytesIO(), fmt=fmt, rows=spec.rows(spec.selected()), headers=spec.headers,
                              title=spec.title, user=user)
        seconds = time.perf_counter() - started
        figures[fmt] = {"rows": count, "seconds": seconds, "rows_per_s": count / seconds if seconds else 0}
    return figures

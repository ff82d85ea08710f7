"""The permission matrix: every page, export and API endpoint, requested as anonymous, out-of-scope, read-only
and editing users, with the status each must get — and a check that no URL is left out.

Each app declares its rows in `dangjian/<app>/tests/permissions.py` as `ROWS = [...]`; rows name the URL, how to
build its arguments from the shared `world` (see `dangjian.conftest.world`), and what each persona must get.
A list row may also name a `marker`: text of an object inside the editor's scope, which the editor's response
must contain and the out-of-scope user's must not (no leak through lists, searches or exports).
"""

import importlib
import io
import json
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ANONYMOUS = "anonymous"
LOGIN = "login"  # expected status for anonymous page requests: a redirect to the login page
API_ANONYMOUS = (401, 403)


@dataclass
class Row:
    name: str
    method: str = "get"
    kwargs: object = None  # world -> dict of URL kwargs
    query: object = None  # world -> dict of query parameters
    data: object = None  # world -> dict of POST/PATCH data
    expect: dict = field(default_factory=dict)  # persona -> status (or LOGIN / a tuple of statuses)
    marker: object = None  # world -> text
    insiders: tuple = ()  # personas whose response must contain the marker
    outsiders: tuple = ()  # personas whose response must not
    setup: object = None  # world -> None: puts the target in the state the request needs
    api: bool = False

    @property
    def id(self):
        return f"{self.method.upper()} {self.name}"


def page(name, *, editor, reader=None, outsider=None, reader_status=200, outsider_status=404, **kw):
    """A GET page bound to an object (or a list when outsider_status is 200)."""
    expect = {ANONYMOUS: LOGIN, editor: 200}
    if reader:
        expect[reader] = reader_status
    if outsider:
        expect[outsider] = outsider_status
    return Row(name, expect=expect, insiders=(editor,), outsiders=(outsider,), **kw)


def write(name, *, editor, reader=None, outsider=None, method="get", editor_status=200, **kw):
    """A form page or a write action: read-only users 403, out-of-scope users 404."""
    expect = {ANONYMOUS: LOGIN, editor: editor_status}
    if reader:
        expect[reader] = 403
    if outsider:
        expect[outsider] = 404
    return Row(name, method=method, expect=expect, **kw)


def api(name, *, editor, reader=None, outsider=None, method="get", editor_status=200, reader_status=None,
        outsider_status=404, **kw):
    expect = {ANONYMOUS: API_ANONYMOUS, editor: editor_status}
    if reader:
        expect[reader] = reader_status or (200 if method == "get" else 403)
    if outsider:
        expect[outsider] = outsider_status
    return Row(name, method=method, expect=expect, api=True, insiders=(editor,), outsiders=(outsider,), **kw)


def all_rows():
    """Rows of every installed platform app that declares them."""
    rows = []
    for config in apps.get_app_configs():
        if not config.name.startswith("dangjian."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.permissions")
        except ModuleNotFoundError:
            continue
        rows.extend(module.ROWS)
    return rows


def url_names():
    """Every named URL of the project (namespaced), the set the matrix must cover."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def request(client, row, world):
    if row.setup:
        row.setup(world)
    url = reverse(row.name, kwargs=row.kwargs(world) if row.kwargs else None)
    query = row.query(world) if row.query else None
    data = row.data(world) if row.data else None
    method = getattr(client, row.method)
    if row.method == "get":
        return method(url, query or {})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    if row.api:
        return method(url, json.dumps(data or {}, default=str), content_type="application/json")
    return method(url, data or {})


def body_text(response):
    """What a person would read in the response: page text, JSON, or every cell of a spreadsheet."""
    content_type = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    return content.decode("utf-8", errors="replace")


def status_matches(expected, response):
    if expected == LOGIN:
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    if isinstance(expected, tuple):
        return response.status_code in expected
    return response.status_code == expected


# --- the summary table against the facts (core.metrics) ---------------------------------------------------


def summary_snapshot():
    """{(org, metric, month or None): value} of the summary table: stocks summed over their months (a rebuild
    puts them in the current month), flows month by month."""
    from django.db.models import Sum

    from . import metrics
    from .models import Summary

    flows = {m.key for m in metrics.kept_metrics() if m.is_flow}
    totals = {}
    rows = Summary.objects.values_list("org_id", "metric", "month").annotate(v=Sum("value")).order_by()
    for org_id, metric, month, value in rows:
        key = (org_id, metric, month if metric in flows else None)
        totals[key] = totals.get(key, 0) + value
    return {key: value for key, value in totals.items() if value}


def assert_summary_matches_facts():
    """The table the services kept equals the one `metrics.rebuild()` computes from the facts."""
    from . import metrics

    kept = summary_snapshot()
    metrics.rebuild()
    rebuilt = summary_snapshot()
    assert kept == rebuilt, {k: (kept.get(k), rebuilt.get(k)) for k in set(kept) | set(rebuilt)
                             if kept.get(k) != rebuilt.get(k)}

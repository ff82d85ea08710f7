"""Excel/CSV export of any list: scoped by the caller's queryset, masked by the row function, formula-escaped,
and audited with its filter and row count.

A list page describes its export as data: an *exporter* (a module-level function marked with `@exporter`) builds
an `Export` for a user and the list's query parameters. `export_list(request, exporter)` counts the rows: up to
`settings.EXPORT_JOB_THRESHOLD` the file is built in the request; above it the export becomes a background job
(core.jobs) that rebuilds the same scoped queryset for the requester, and the user follows a progress bar to the
download link. `export(...)` builds a file from ready rows inside the request (small fixed lists).

Excel files open well in Excel and WPS: a title row (title, the user's organization, the export time), a bold
header row that stays frozen and carries an auto-filter, column widths from the content (CJK characters count
double), and real dates (yyyy-mm-dd) and times (yyyy-mm-dd hh:mm).
"""

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, islice
from urllib.parse import quote

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from . import audit, jobs, xlsx
from .labels import labels
from .middleware import current_request

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", ";")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Column widths are measured on the header and the first rows (a streamed sheet writes widths before rows).
WIDTH_SAMPLE = 500
MIN_WIDTH, MAX_WIDTH = 6, 60
# Query parameters that choose the file, not the rows: not part of the recorded filter.
NOT_FILTERS = ("format", "page")


def escape_cell(value):
    """Neutralise spreadsheet formula injection: text that a spreadsheet would evaluate gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def requested_format(request):
    """The export format a list page asks for: ?format=csv, else xlsx."""
    return "csv" if request.GET.get("format") == "csv" else "xlsx"


def filter_params(params):
    """The list's query parameters as JSON-able data ({name: [values]}), without format and page."""
    return {key: values for key, values in params.lists() if key not in NOT_FILTERS}


def query_dict(data):
    """The inverse of filter_params: a QueryDict that FilterSets and sort helpers read like request.GET."""
    params = QueryDict(mutable=True)
    for key, values in (data or {}).items():
        params.setlist(key, values if isinstance(values, list) else [values])
    return params


def choice_labels(model, *fields):
    """{field: {stored value: label}} for choice fields of `model`, translated once per language (core.labels).

    A row function looks labels up in these dicts: `get_FOO_display()` of a model without core.labels.ChoiceLabels
    rebuilds the field's choices and translates every label on each call (80 % of an export's time, issue 11)."""
    return {name: labels(model._meta.get_field(name)) for name in fields}


# --- exporters: a list export described as data --------------------------------------------------------------


@dataclass
class Export:
    """What an exporter returns: the scoped queryset and how to turn it into rows."""

    queryset: QuerySet
    headers: list
    rows: object  # queryset -> iterable of lists (already masked)
    title: str
    filename: str
    action: str = "export"
    object_type: str = ""
    limit: int | None = None
    audit_extra: dict = field(default_factory=dict)  # e.g. the reason of an export with clear ID numbers

    def selected(self):
        return self.queryset[: self.limit] if self.limit else self.queryset

    def count(self):
        count = self.queryset.count()
        return min(count, self.limit) if self.limit else count


def exporter(func):
    """Mark a module-level function `(user, params, **options) -> Export` as an exporter a job may run.

    The function must check the user's capability itself and read only through visible_to(user): a background
    job calls it for the requester, without the view around it."""
    func.is_exporter = True
    return func


def exporter_path(func):
    if not getattr(func, "is_exporter", False) or "<" in func.__qualname__:
        raise ValueError(f"{func!r} is not a module-level @tabular.exporter")
    return f"{func.__module__}.{func.__qualname__}"


def load_exporter(path):
    func = import_string(path)
    if not getattr(func, "is_exporter", False):
        raise ValueError(f"{path} is not an exporter")
    return func


def export_list(request, exporter_func, **options):
    """The response of a list's export URL: the file itself, or (above the threshold) a redirect to the job page.

    `options` (JSON-able) are passed to the exporter, in the request and again in the job."""
    fmt = requested_format(request)
    spec = exporter_func(request.user, request.GET, **options)
    total = spec.count()
    if total > settings.EXPORT_JOB_THRESHOLD:
        job = jobs.start(
            requester=request.user, runner=run_export, label=spec.title, total=total,
            params={"exporter": exporter_path(exporter_func), "query": filter_params(request.GET), "format": fmt,
                    "options": options},
        )
        return redirect("jobs:detail", pk=job.pk)
    buffer = io.BytesIO()
    count = write(buffer, fmt=fmt, rows=spec.rows(spec.selected()), headers=spec.headers, title=spec.title,
                  user=request.user)
    _audit(spec, actor=request.user, fmt=fmt, count=count, params=filter_params(request.GET))
    return _response(buffer.getvalue(), fmt, spec.filename)


@jobs.runner
def run_export(*, job, progress, out):
    """The job that builds a large export: the exporter rebuilds the scoped queryset for the requester."""
    params = job.params
    user = job.requester
    spec = load_exporter(params["exporter"])(user, query_dict(params["query"]), **params.get("options", {}))
    progress(0, total=spec.count())
    fmt = params["format"]
    count = write(out, fmt=fmt, rows=spec.rows(spec.selected()), headers=spec.headers, title=spec.title,
                  user=user, progress=progress)
    progress(count, total=count, force=True)
    _audit(spec, actor=user, fmt=fmt, count=count, params=params["query"], job=job)
    return file_name(spec.filename, fmt), XLSX if fmt == "xlsx" else CSV


def _audit(spec, *, actor, fmt, count, params, job=None):
    after = {"rows": count, "format": fmt, "filter": params, **spec.audit_extra}
    if job is not None:
        after["job"] = str(job.pk)
    audit.record(spec.action, actor=actor, object_type=spec.object_type, object_repr=spec.title, after=after)


# --- files -----------------------------------------------------------------------------------------------------


def export(*, rows, headers, title, filename, fmt="xlsx", action="export", object_type="", user=None, params=None):
    """A file from ready rows (iterable of masked lists; headers: translated column names), built in the request.
    Returns the HTTP response; the audit entry records the row count and the filter (the request's query)."""
    request = current_request()
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    if params is None:
        params = filter_params(request.GET) if request is not None else {}
    buffer = io.BytesIO()
    count = write(buffer, fmt=fmt, rows=rows, headers=headers, title=title, user=user)
    spec = Export(queryset=None, headers=headers, rows=None, title=title, filename=filename, action=action,
                  object_type=object_type)
    _audit(spec, actor=user, fmt=fmt, count=count, params=params)
    return _response(buffer.getvalue(), fmt, filename)


def file_name(filename, fmt):
    return f"{filename}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


def _response(content, fmt, filename):
    response = HttpResponse(content, content_type=XLSX if fmt == "xlsx" else CSV)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file_name(filename, fmt))}"
    return response


def write(out, *, fmt, rows, headers, title, user=None, progress=None):
    """Write the file to the binary stream `out`; returns the number of rows. `progress(done)` is called as rows
    are written."""
    if fmt == "csv":
        return _write_csv(out, rows, headers, progress)
    return _write_xlsx(out, rows, headers, title, user, progress)


def _write_csv(out, rows, headers, progress):
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    text.write("\ufeff")  # BOM: Excel and WPS open UTF-8 CSV as Chinese, not mojibake
    writer = csv.writer(text)
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow([_csv_value(escape_cell(v)) for v in row])
        count += 1
        if progress is not None:
            progress(count)
    text.detach()
    return count


def _csv_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return "" if value is None else value


def title_line(title, user):
    """The title row's text: the title, the user's organization and the export time."""
    org = getattr(user, "org", None) if user is not None else None
    parts = [str(title), org.name if org is not None else "",
             _("Exported at %(time)s") % {"time": f"{timezone.localtime():%Y-%m-%d %H:%M}"}]
    return "　".join(p for p in parts if p)


def _write_xlsx(out, rows, headers, title, user, progress):
    rows = iter(rows)
    sample = [[escape_cell(v) for v in row] for row in islice(rows, WIDTH_SAMPLE)]
    count = 0
    last_column = xlsx.column_letter(max(len(headers), 1))
    with xlsx.SheetWriter(out, _sheet_title(title), column_widths(headers, sample), freeze_rows=2) as sheet:
        sheet.row([title_line(title, user)], style=xlsx.TITLE)
        sheet.row([escape_cell(str(text)) for text in headers], style=xlsx.HEADER)
        for row in chain(sample, ([escape_cell(v) for v in row] for row in rows)):
            sheet.row(row)
            count += 1
            if progress is not None:
                progress(count)
        if len(headers) > 1:
            sheet.merged.append(f"A1:{last_column}1")
        sheet.auto_filter = f"A2:{last_column}{count + 2}"
    return count


def _sheet_title(title):
    return "".join(c for c in str(title) if c not in "[]:*?/\\")[:31] or "Sheet1"


def display_width(value):
    """How many character cells a value takes on screen: CJK (wide/full-width) characters count double."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("2024-01-01 00:00")
    if isinstance(value, date):
        return len("2024-01-01")
    text = str(value)
    return max((sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
                for line in text.splitlines()), default=0)


def column_widths(headers, rows):
    """Width of each column: its widest header or value (+2 for the filter button), within [6, 60]."""
    widths = [display_width(str(h)) for h in headers]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], display_width(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]

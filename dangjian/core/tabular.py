"""Excel/CSV export of any list: scoped by the caller's queryset, masked by the row function, formula-escaped,
and audited with its row count."""

import csv
import io
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from . import audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def escape_cell(value):
    """Neutralise spreadsheet formula injection: text that a spreadsheet would evaluate gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def _content_disposition(filename):
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(filename)}"


def requested_format(request):
    """The export format a list page asks for: ?format=csv, else xlsx."""
    return "csv" if request.GET.get("format") == "csv" else "xlsx"


def export(*, rows, headers, title, filename, fmt="xlsx", action="export", object_type=""):
    """rows: iterable of lists already masked; headers: translated column names. Returns the HTTP response."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    count = 0
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # BOM: Excel and WPS open UTF-8 CSV as Chinese, not mojibake
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_csv_value(escape_cell(v)) for v in row])
            count += 1
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        name = f"{filename}-{stamp}.csv"
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append([escape_cell(v) for v in row])
            count += 1
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        name = f"{filename}-{stamp}.xlsx"
    response["Content-Disposition"] = _content_disposition(name)
    audit.record(action, object_type=object_type, object_repr=title, after={"rows": count, "format": fmt})
    return response


def _csv_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return "" if value is None else value



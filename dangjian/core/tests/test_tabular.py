"""Export: formula-injection escaping, a file that openpyxl opens, Chinese headers, audited row count."""

import csv
import datetime
import io

import pytest
import time_machine
from django.http import QueryDict
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core import tabular
from dangjian.core.models import AuditEntry


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"),
    ("+86 138", "'+86 138"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=cmd", "'\t=cmd"),
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    (";cmd", "';cmd"),
    ("\r=1", "'\r=1"),
    ("向明华", "向明华"),
    ("4228**********1234", "4228**********1234"),
    ("a=1", "a=1"),
    ("", ""),
    (-5, -5),
    (3.5, 3.5),
    (None, None),
])
def test_escape_cell(value, expected):
    assert tabular.escape_cell(value) == expected


def test_aware_datetimes_become_local_naive():
    moment = datetime.datetime(2024, 1, 1, 0, 0, tzinfo=datetime.UTC)
    assert tabular.escape_cell(moment) == datetime.datetime(2024, 1, 1, 8, 0)


@pytest.mark.django_db
def test_xlsx_opens_with_escaped_cells_and_is_audited():
    rows = [["=1+1", "+1", "-1", "@x", "正常", datetime.date(2024, 7, 1), 3],
            ["覃春兰", "4228**********1234", "138****5678", "", "", None, -2]]
    response = tabular.export(rows=iter(rows), headers=["姓名", "B", "C", "D", "状态", "日期", "数"],
                              title="党员名册", filename="党员", action="test.export", object_type="orgs.person")
    assert response["Content-Type"] == tabular.XLSX
    assert "attachment; filename*=UTF-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "党员名册"
    values = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[0] == ["姓名", "B", "C", "D", "状态", "日期", "数"]
    assert values[1][:5] == ["'=1+1", "'+1", "'-1", "'@x", "正常"]
    assert values[1][5].date() == datetime.date(2024, 7, 1) and values[1][6] == 3
    assert values[2][:3] == ["覃春兰", "4228**********1234", "138****5678"] and values[2][6] == -2
    entry = AuditEntry.objects.get(action="test.export")
    assert entry.after == {"rows": 2, "format": "xlsx", "filter": {}}
    assert entry.object_type == "orgs.person"


@pytest.mark.django_db
def test_csv_has_bom_and_escapes():
    response = tabular.export(rows=[["=cmd|' /C calc'!A0", timezone.localdate()]], headers=["甲", "乙"],
                              title="t", filename="t", fmt="csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["甲", "乙"]
    assert rows[1][0].startswith("'=")
    assert AuditEntry.objects.get(action="export").after["rows"] == 1


# --- Excel that opens well in Excel and WPS --------------------------------------------------------------------


def _sheet(content):
    return load_workbook(io.BytesIO(content)).active


@pytest.mark.django_db
def test_xlsx_layout_title_row_frozen_header_filter_widths_and_date_formats(users):
    moment = datetime.datetime(2024, 7, 1, 1, 30, tzinfo=datetime.UTC)
    rows = [["中共伍家台村支部委员会", "ab", datetime.date(2024, 7, 1), moment, 12345]] * 3
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, 7, tzinfo=datetime.UTC), tick=False):
        response = tabular.export(rows=rows, headers=["组织名称", "Code", "日期", "时间", "N"], title="组织",
                                  filename="orgs", user=users["xuanen_admin"])
    sheet = _sheet(response.content)
    # Title row: the title, the user's organization and the export time, merged across the columns.
    assert sheet["A1"].value == "组织　中共宣恩县委　导出时间：2026-03-05 17:07"
    assert sheet["A1"].font.b
    assert "A1:E1" in {str(r) for r in sheet.merged_cells.ranges}
    # Header on row 2, bold, frozen with the title; auto-filter over header and data.
    assert [c.value for c in sheet[2]] == ["组织名称", "Code", "日期", "时间", "N"]
    assert sheet["A2"].font.b
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:E5"
    # Real dates and times with their number formats.
    assert sheet["C3"].value == datetime.datetime(2024, 7, 1) and sheet["C3"].number_format == "yyyy-mm-dd"
    assert sheet["D3"].value == datetime.datetime(2024, 7, 1, 9, 30)
    assert sheet["D3"].number_format == "yyyy-mm-dd hh:mm"
    # Widths from the content: 11 CJK characters count 22 (+2), short columns get the minimum.
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDE"}
    assert widths["A"] == 24
    assert widths["B"] == tabular.MIN_WIDTH
    assert widths["C"] == 12 and widths["D"] == 18
    assert widths["E"] == tabular.MIN_WIDTH + 1


@pytest.mark.parametrize(("value", "width"), [
    ("abc", 3), ("党建", 4), ("ＡＢ", 4), ("a\n党建工作", 8), (None, 0), (12, 2),
    (datetime.date(2024, 1, 1), 10), (datetime.datetime(2024, 1, 1, 1, 1), 16),
])
def test_display_width_counts_cjk_double(value, width):
    assert tabular.display_width(value) == width


def test_widths_are_capped():
    assert tabular.column_widths(["x"], [["长" * 100]]) == [tabular.MAX_WIDTH]


@pytest.mark.django_db
def test_widths_come_from_a_sample_but_every_row_is_written(monkeypatch, users):
    monkeypatch.setattr(tabular, "WIDTH_SAMPLE", 2)
    rows = [["a"], ["b"], ["很长很长很长很长很长很长很长的名称"]]
    sheet = _sheet(tabular.export(rows=rows, headers=["H"], title="t", filename="t",
                                  user=users["zhou_admin"]).content)
    assert [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)] == [row[0] for row in rows]
    assert sheet.column_dimensions["A"].width == tabular.MIN_WIDTH
    assert sheet.auto_filter.ref == "A2:A5"


@pytest.mark.django_db
def test_empty_export_still_has_title_header_and_filter(users):
    sheet = _sheet(tabular.export(rows=[], headers=["甲", "乙"], title="空", filename="t",
                                  user=users["zhou_admin"]).content)
    assert sheet["A2"].value == "甲" and sheet.max_row == 2
    assert sheet.auto_filter.ref == "A2:B2"


@pytest.mark.django_db
def test_csv_escapes_semicolon_and_has_no_title_row():
    response = tabular.export(rows=[[";a", "b;", -3, "-3"]], headers=["甲", "乙", "丙", "丁"], title="t",
                              filename="t", fmt="csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert rows == [["甲", "乙", "丙", "丁"], ["';a", "b;", "-3", "'-3"]]


def test_filter_params_round_trip():
    params = QueryDict("q=%E5%90%91&level=4&level=5&page=3&format=csv")
    data = tabular.filter_params(params)
    assert data == {"q": ["向"], "level": ["4", "5"]}
    assert tabular.query_dict(data).getlist("level") == ["4", "5"]


def test_only_marked_exporters_can_be_loaded():
    with pytest.raises(ValueError, match="not an exporter"):
        tabular.load_exporter("dangjian.core.tabular.escape_cell")
    assert tabular.load_exporter("dangjian.orgs.views.orgs.org_exporter").is_exporter


# --- the streaming xlsx writer (core.xlsx) ----------------------------------------------------------------------


def test_xlsx_writer_cells_survive_a_round_trip():
    from dangjian.core import xlsx

    buffer = io.BytesIO()
    values = ["a & <b> \"c\"", "  spaced  ", "bell\x07gone", True, 1.5, 10**12, datetime.date(1900, 3, 1),
              datetime.datetime(2024, 2, 29, 23, 59), None, "", "党建"]
    with xlsx.SheetWriter(buffer, "名册 'x'", [10] * len(values), freeze_rows=1) as sheet:
        sheet.row(["header"], style=xlsx.HEADER)
        sheet.row(values)
        sheet.auto_filter = "A1:K2"
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    ws = book.active
    assert ws.title == "名册 'x'" and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:K2"
    row = [c.value for c in ws[2]]
    assert row[:6] == ["a & <b> \"c\"", "  spaced  ", "bellgone", True, 1.5, 10**12]
    assert row[6] == datetime.datetime(1900, 3, 1) and row[7] == datetime.datetime(2024, 2, 29, 23, 59)
    assert row[8:10] == [None, None] and row[10] == "党建"
    assert [xlsx.column_letter(n) for n in (1, 26, 27, 702, 703)] == ["A", "Z", "AA", "ZZ", "AAA"]

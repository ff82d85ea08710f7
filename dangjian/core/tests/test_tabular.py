"""Export: formula-injection escaping, a file that openpyxl opens, Chinese headers, audited row count."""

import csv
import datetime
import io

import pytest
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
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["姓名", "B", "C", "D", "状态", "日期", "数"]
    assert values[1][:5] == ["'=1+1", "'+1", "'-1", "'@x", "正常"]
    assert values[1][5].date() == datetime.date(2024, 7, 1) and values[1][6] == 3
    assert values[2][:3] == ["覃春兰", "4228**********1234", "138****5678"] and values[2][6] == -2
    entry = AuditEntry.objects.get(action="test.export")
    assert entry.after == {"rows": 2, "format": "xlsx"}
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

"""A streaming .xlsx writer for exports: one sheet, rows written as XML as they come, nothing kept in memory.

openpyxl (even write-only) builds a cell object per value and spends ~10 µs on each: about 5,000 people rows a
second, so a county's export took 7 s. This writer emits the sheet's XML directly (inline strings, dates as
serial numbers with a date format) and reaches several times that (bench/run.py measures it). What the exports
need and nothing more: a bold title row merged across the columns, a bold header row frozen with it and carrying
the auto-filter, column widths, `yyyy-mm-dd` dates and `yyyy-mm-dd hh:mm` times. The package is plain Office Open
XML: Excel, WPS, LibreOffice and openpyxl (the tests) read it.
"""

import re
import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape, quoteattr

EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (1900 date system, its 1900 leap-year bug included)
# Style ids of STYLES' cellXfs.
DATE, DATETIME, HEADER, TITLE = 1, 2, 3, 4
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ROWS_PER_WRITE = 500

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {_NS}>'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="13"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="center"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)


def column_letter(index):
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value):
    text = escape(_ILLEGAL.sub("", value))
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<is><t{space}>{text}</t></is>"


def _cell(ref, value, style=0):
    """The XML of one cell, or "" for an empty one."""
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - EPOCH
        serial = delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
        return f'<c r="{ref}" s="{style or DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{style or DATE}"><v>{(value - EPOCH.date()).days}</v></c>'
    return f'<c r="{ref}" t="inlineStr"{s}>{_text(str(value))}</c>'


class SheetWriter:
    """`with SheetWriter(out, sheet_title, widths) as sheet: sheet.row(values, style)`, rows in order."""

    def __init__(self, out, title, widths, freeze_rows=0):
        self.out, self.title, self.widths, self.freeze_rows = out, title, widths, freeze_rows
        self.letters = [column_letter(i) for i in range(1, max(len(widths), 1) + 1)]
        self.rows = 0
        self.merged, self.auto_filter = [], None
        self._pending = []

    def __enter__(self):
        self.zip = zipfile.ZipFile(self.out, "w", zipfile.ZIP_DEFLATED, compresslevel=3)
        self.sheet = self.zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        head = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} {_NS_R}>',
                '<sheetViews><sheetView workbookViewId="0">']
        if self.freeze_rows:
            top = f"A{self.freeze_rows + 1}"
            head.append(f'<pane ySplit="{self.freeze_rows}" topLeftCell="{top}" activePane="bottomLeft" '
                        f'state="frozen"/><selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>')
        head.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
        if self.widths:
            head.append("<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                                           for i, w in enumerate(self.widths, 1)) + "</cols>")
        head.append("<sheetData>")
        self._write("".join(head))
        return self

    def _write(self, text):
        self.sheet.write(text.encode("utf-8"))

    def row(self, values, style=0):
        self.rows += 1
        n, letters = self.rows, self.letters
        if len(values) > len(letters):
            letters = self.letters = [column_letter(i) for i in range(1, len(values) + 1)]
        cells = "".join(_cell(f"{letters[i]}{n}", v, style) for i, v in enumerate(values))
        self._pending.append(f'<row r="{n}">{cells}</row>')
        if len(self._pending) >= ROWS_PER_WRITE:
            self._flush()

    def _flush(self):
        if self._pending:
            self._write("".join(self._pending))
            self._pending = []

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.sheet.close()
            self.zip.close()
            return False
        self._flush()
        tail = ["</sheetData>"]
        if self.auto_filter:
            tail.append(f'<autoFilter ref="{self.auto_filter}"/>')
        if self.merged:
            tail.append(f'<mergeCells count="{len(self.merged)}">'
                        + "".join(f'<mergeCell ref="{r}"/>' for r in self.merged) + "</mergeCells>")
        tail.append("</worksheet>")
        self._write("".join(tail))
        self.sheet.close()
        self.zip.writestr("[Content_Types].xml", CONTENT_TYPES)
        self.zip.writestr("_rels/.rels", ROOT_RELS)
        self.zip.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        self.zip.writestr("xl/styles.xml", STYLES)
        self.zip.writestr("xl/workbook.xml", self._workbook())
        self.zip.close()
        return False

    def _workbook(self):
        names = ""
        if self.auto_filter:
            start, end = (f"${letters}${digits}" for letters, digits in _split_refs(self.auto_filter))
            sheet = "'" + self.title.replace("'", "''") + "'"
            names = (f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
                     f"{escape(sheet)}!{start}:{end}</definedName></definedNames>")
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} {_NS_R}>'
                f'<sheets><sheet name={quoteattr(self.title)} sheetId="1" r:id="rId1"/></sheets>{names}</workbook>')


def _split_refs(ref):
    """'A2:E5' → [('A', '2'), ('E', '5')] (letters, digits)."""
    parts = []
    for part in ref.split(":"):
        letters = "".join(c for c in part if c.isalpha())
        parts.append((letters, part[len(letters):]))
    return parts

"""Enrolment from an Excel roster (花名册): 姓名 and 身份证号 per row. Every row is checked (the person exists inside
the enroller's scope, the name matches the ID number, not listed twice, not already enrolled, no clash of dates)
and the seats suffice; one bad row and nothing is written, the errors listed by row number."""

import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.crypto import blind_index
from dangjian.core.validators import normalize_id_number
from dangjian.orgs.models import Person

from . import services
from .models import Enrollment

HEADERS = ("姓名", "身份证号")
MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024


class RosterErrors(ValidationError):
    """The refused roster: `rows` is [(row number, message)]."""

    def __init__(self, rows):
        self.rows = rows
        super().__init__([_("Row %(row)d: %(message)s") % {"row": n, "message": m} if n else m for n, m in rows],
                         code="roster")


def read_rows(file):
    """[(row number, name, ID number)] from the first sheet; a file that is not an xlsx workbook is refused."""
    from openpyxl import load_workbook

    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The roster is too large: at most 2 MB."), code="size")
    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError(_("The roster must be an Excel workbook (.xlsx)."), code="type")
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:
        raise ValidationError(_("The roster must be an Excel workbook (.xlsx)."), code="type") from None
    rows = sheet.iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, ())]
    try:
        name_col, id_col = header.index(HEADERS[0]), header.index(HEADERS[1])
    except ValueError:
        raise ValidationError(_("The first row must name the columns 姓名 and 身份证号."), code="header") from None
    result = []
    for number, row in enumerate(rows, start=2):
        cells = list(row) + [None] * 2
        name, id_number = str(cells[name_col] or "").strip(), str(cells[id_col] or "").strip()
        if name or id_number:
            result.append((number, name, id_number))
        if len(result) > MAX_ROWS:
            raise ValidationError(_("A roster has at most %(n)d rows.") % {"n": MAX_ROWS}, code="rows")
    if not result:
        raise ValidationError(_("The roster has no rows."), code="empty")
    return result


@transaction.atomic
def roster_import(*, actor, training_class, file):
    klass = services._locked_class(actor, training_class)
    services._not_finished(klass)
    rows = read_rows(file)
    indexes = {n: blind_index(normalize_id_number(i)) for n, _name, i in rows if i}
    found = {p.id_number_index: p for p in Person.objects.visible_to(actor).filter(
        id_number_index__in=set(indexes.values())).select_related("org")}
    errors, people, row_of = [], [], {}
    for number, name, id_number in rows:
        person = found.get(indexes.get(number))
        if not id_number:
            errors.append((number, _("the ID number is missing.")))
        elif person is None:
            errors.append((number, _("no member with ID number %(id)s in your scope.") % {"id": _masked(id_number)}))
        elif person.name != name:
            errors.append((number, _("the name %(name)s does not match the ID number (on record: %(record)s).")
                           % {"name": name, "record": person.name}))
        elif person.pk in row_of:
            errors.append((number, _("%(name)s is listed twice (also row %(row)d).")
                           % {"name": person.name, "row": row_of[person.pk]}))
        else:
            people.append(person)
            row_of[person.pk] = number
    for person, message in services.enrollment_problems(klass, people):
        errors.append((row_of[person.pk] if person is not None else 0, message))
    if errors:
        errors.sort(key=lambda e: (e[0] == 0, e[0]))
        raise RosterErrors(errors)
    created = services._write_enrollments(actor, klass, people, Enrollment.Source.ROSTER)
    audit.record("training.roster", actor=actor, obj=klass, after={"rows": len(rows)})
    return created


def _masked(id_number):
    return id_number[:4] + "*" * max(0, len(id_number) - 8) + id_number[-4:] if len(id_number) > 8 else "****"


def template_workbook():
    """The roster template: the two columns, with a note on each header."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(list(HEADERS))
    sheet["A1"].comment = Comment("学员姓名，与党员信息一致", "党建平台")
    sheet["B1"].comment = Comment("18 位公民身份号码", "党建平台")
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

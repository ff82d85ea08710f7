"""What a member's ID number says about them: birth date and gender (GB 11643; also the old 15-digit numbers).

An 18-character number carries the birth date in characters 7–14 (YYYYMMDD) and the gender in the 17th (odd:
male). An old 15-digit number (issued before 1999) carries a 6-digit date in characters 7–12 (YYMMDD, all in
the 1900s) and the gender in the 15th. Both are validated so that the date is a real day; a number that passes
validation therefore always "carries" its birth date and gender. A record "has no date" only when it has no
ID number at all (old records imported without one): then the birth date and gender are typed by hand.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangjian.core.validators import normalize_id_number, validate_id_number

_OLD_FORMAT = re.compile(r"^\d{15}$")


def _old_birth_date(value):
    try:
        return datetime.date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    except ValueError:
        return None


def validate_member_id_number(value):
    """An 18-character number (check digit verified) or an old 15-digit one with a real birth date."""
    value = normalize_id_number(value)
    if len(value) == 15 and _OLD_FORMAT.match(value):
        if _old_birth_date(value) is None:
            raise ValidationError(_("The birth date inside this ID number is not a real date."), code="birth")
        return
    if len(value) == 15:
        raise ValidationError(_("An old ID number has 15 digits."), code="format")
    validate_id_number(value)


def id_facts(value):
    """(birth date, gender 'M'/'F') carried by a valid ID number, or None when it carries none (or is invalid)."""
    value = normalize_id_number(value)
    try:
        validate_member_id_number(value)
    except ValidationError:
        return None
    if len(value) == 15:
        return _old_birth_date(value), ("M" if int(value[14]) % 2 else "F")
    return (datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14])),
            "M" if int(value[16]) % 2 else "F")

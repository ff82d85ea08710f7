"""Validators for Chinese identity data: GB 11643 citizen ID numbers and mainland mobile numbers."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_FORMAT = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def id_birth_date(value: str):
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def id_gender(value: str) -> str:
    """'M' or 'F' from the 17th digit (odd: male)."""
    return "M" if int(value[16]) % 2 else "F"


def validate_id_number(value: str):
    value = normalize_id_number(value)
    if not _ID_FORMAT.match(value):
        raise ValidationError(_("An ID number has 18 characters: 17 digits and a final digit or X."), code="format")
    if id_birth_date(value) is None:
        raise ValidationError(_("The birth date inside this ID number is not a real date."), code="birth")
    if id_check_digit(value[:17]) != value[17]:
        raise ValidationError(_("The check digit of this ID number is wrong; please check the number."),
                              code="checksum")


def validate_mobile(value: str):
    if not _MOBILE.match((value or "").strip()):
        raise ValidationError(_("A mobile number has 11 digits and starts with 13 to 19."), code="mobile")

"""GB 11643 citizen ID numbers and mainland mobile numbers."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.validators import (
    id_birth_date,
    id_check_digit,
    id_gender,
    normalize_id_number,
    validate_id_number,
    validate_mobile,
)


@pytest.mark.parametrize("value", [
    "11010519491231002X",  # the example of GB 11643-1999 itself
    "11010519491231002x",  # a lower-case x is the same number
    "440524188001010014",
    "422825198001010014",
    " 422825198001010014 ",
])
def test_valid_id_numbers(value):
    validate_id_number(value)


@pytest.mark.parametrize(("value", "code"), [
    ("110105194912310021", "checksum"),  # X expected
    ("440524188001010015", "checksum"),
    ("422825198001010010", "checksum"),
    ("42282519800101001", "format"),  # 17 characters
    ("4228251980010100144", "format"),  # 19 characters
    ("42282519800101001Y", "format"),
    ("4228251980010100X4", "format"),
    ("", "format"),
    ("422825198013010014", "birth"),  # month 13
    ("422825198002300014", "birth"),  # 30 February
])
def test_invalid_id_numbers(value, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(value)
    assert excinfo.value.code == code


def test_check_digit_and_fields_read_from_the_number():
    assert id_check_digit("11010519491231002") == "X"
    assert id_check_digit("44052418800101001") == "4"
    assert id_birth_date("11010519491231002X") == datetime.date(1949, 12, 31)
    assert id_gender("11010519491231002X") == "F"  # 17th digit 2: even
    assert id_gender("440524188001010014") == "M"  # 17th digit 1: odd
    assert normalize_id_number(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize("value", ["13812345678", "19912345678", "15000000000", "17712345678"])
def test_valid_mobiles(value):
    validate_mobile(value)


@pytest.mark.parametrize("value", [
    "12812345678", "10012345678", "1381234567", "138123456789", "138-1234-5678", "+8613812345678", "",
    "2381234567a",
])
def test_invalid_mobiles(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_mobile(value)
    assert excinfo.value.code == "mobile"

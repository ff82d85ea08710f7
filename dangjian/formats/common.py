"""The display formats shared by every language of the project (see dangjian/formats/__init__.py)."""

DATE_FORMAT = "Y-m-d"  # 2026-12-01
TIME_FORMAT = "H:i"  # 13:15
DATETIME_FORMAT = "Y-m-d H:i"  # 2026-12-01 13:15
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
YEAR_MONTH_FORMAT = "Y-m"  # 2026-12
MONTH_DAY_FORMAT = "m-d"  # 12-01

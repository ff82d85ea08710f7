"""The project's date formats (settings.FORMAT_MODULE_PATH): one format on every page, in every language —
2026-12-01, and 2026-12-01 13:15 with a time. Django's own locale formats ("2026年12月1日", "Dec. 1, 2026")
would otherwise win over settings.DATE_FORMAT. Only the display formats are set; the input formats and
number formats fall through to Django's locale."""

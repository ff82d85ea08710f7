"""Permission matrix rows of the project-wide endpoints (see dangjian.core.testing)."""

from dangjian.core.testing import API_ANONYMOUS, Row

SIGNED_IN = ("zhou_admin", "leader", "member", "auditor")

ROWS = [
    Row("api-root", api=True, expect={"anonymous": API_ANONYMOUS, **dict.fromkeys(SIGNED_IN, 200)}),
    Row("api-schema", api=True, expect={"anonymous": API_ANONYMOUS, **dict.fromkeys(SIGNED_IN, 200)}),
    Row("api-docs", api=True, expect={"anonymous": API_ANONYMOUS, **dict.fromkeys(SIGNED_IN, 200)}),
]

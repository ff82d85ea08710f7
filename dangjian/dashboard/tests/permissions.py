"""Permission matrix rows of the workbench (see dangjian.core.testing)."""

from dangjian.core.testing import API_ANONYMOUS, LOGIN, Row

ROWS = [
    # Every signed-in role has a home page; it shows figures of its own subtree only.
    Row("home", expect={"anonymous": LOGIN, "xuanen_admin": 200, "badong_admin": 200, "leader": 200,
                        "member": 200, "auditor": 200, "sysadmin": 200},
        marker=lambda w: "万寨", insiders=("xuanen_admin",), outsiders=("badong_admin",)),
    # The same figures for API clients: each figure's list is the caller's own (see test_home).
    Row("api-home", api=True, expect={"anonymous": API_ANONYMOUS, "xuanen_admin": 200, "badong_admin": 200,
                                      "member": 200, "auditor": 200}),
]

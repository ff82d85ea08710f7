from dangjian.core.testing import api, page

ROLES = {"editor": "xuanen_admin", "reader": "wujiatai", "outsider": "badong_admin"}


def sample(world):
    from dangjian.core.tests.contract_app import services

    services.sample_create(actor=world["users"]["xuanen_admin"], org=world["wujiatai"], person=world["person"],
                           title="matrix sample", due_on=world["person"].joined_on)


ROWS = [
    page("contract_app:list", outsider_status=200, setup=sample, marker=lambda w: "matrix sample", **ROLES),
    api("sample-list", outsider_status=200, setup=sample, marker=lambda w: "matrix sample", **ROLES),
]

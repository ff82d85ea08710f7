import datetime
import random

import pytest

from dangjian.demo import synthetic
from dangjian.outreach import services


def id_number(seed, birth=datetime.date(1970, 5, 4), male=True):
    return synthetic.id_number(birth, male, rng=random.Random(seed))


@pytest.fixture
def make_beneficiary(tree, users):
    def make(org=None, actor=None, **fields):
        fields.setdefault("kind", "person")
        fields.setdefault("name", "王大山")
        return services.beneficiary_create(actor=actor or users["xuanen_admin"], org=org or tree["wujiatai"],
                                           **fields)

    return make


@pytest.fixture
def make_case(make_beneficiary, users):
    def make(beneficiary=None, actor=None, **fields):
        fields.setdefault("kind", "hardship")
        fields.setdefault("problem", "房屋漏雨")
        return services.case_open(actor=actor or users["xuanen_admin"], beneficiary=beneficiary or make_beneficiary(),
                                  **fields)

    return make

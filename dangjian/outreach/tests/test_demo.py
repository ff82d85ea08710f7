"""The demo's 三进三帮 records: 2012 over the prefecture adds up to the report's figures (computed), 宣恩's records
went through the services, and the summary table agrees with the facts."""

import io

import pytest
from django.core.management import call_command

from dangjian.accounts.models import User
from dangjian.core.metrics import Period
from dangjian.core.models import AuditEntry
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.orgs.models import Level, Org
from dangjian.outreach import selectors
from dangjian.outreach.models import Beneficiary, HelpCase

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_report_year_adds_up_to_the_report_figures():
    call_command("demo", "--scale", "small", stdout=io.StringIO())
    prefecture = Org.objects.get(level=Level.PREFECTURE)
    figures = selectors.figures(prefecture, Period.year(2012))
    assert figures["people_helped"] > 8_200 and figures["problems_solved"] > 9_600
    # the same through the live count of any period (not the kept yearly sum)
    live = selectors.people_helped_of([prefecture.pk], Period(Period.year(2012).start, Period.year(2013).end))
    assert live[prefecture.pk] >= figures["people_helped"]
    xuanen = Org.objects.get(name="中共宣恩县委")
    assert selectors.figures(xuanen, Period.year(2012))["problems_solved"] > 0
    assert AuditEntry.objects.filter(action="case.resolve").exists()
    assert User.objects.filter(username__in=["xuanen", "wanzhai"]).count() == 2
    assert HelpCase.objects.filter(status="reopened").exists()
    assert not Beneficiary.objects.filter(kind="household", household_size__lt=2).exists()
    assert_summary_matches_facts()

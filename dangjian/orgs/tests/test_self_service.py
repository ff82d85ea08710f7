"""A member's own records (core.scoping's own-records rule): a member account linked to its member record reads
that record and its posts, and nothing else; it edits nothing."""

import datetime

from django.urls import reverse

from dangjian.conftest import make_person, make_user
from dangjian.core.permissions import Role
from dangjian.orgs import services
from dangjian.orgs.choices import Title
from dangjian.orgs.models import Person, Position


def test_a_member_reads_their_own_record_and_posts_only(client, tree, users):
    own = make_person(tree["wujiatai"], name="自助党员")
    other = make_person(tree["wujiatai"], name="别的党员")
    post = services.position_appoint(actor=users["xuanen_admin"], person=own, org=tree["wujiatai"],
                                     title=Title.MEMBER, start_date=datetime.date(2023, 3, 1))
    member = make_user(tree["wujiatai"], Role.MEMBER, "zizhu", person=own)

    assert list(Person.objects.visible_to(member)) == [own]
    assert list(Position.objects.visible_to(member)) == [post]
    assert not Person.objects.editable_by(member).exists()

    client.force_login(member)
    page = client.get(reverse("orgs:person_detail", args=[own.pk]))
    assert page.status_code == 200 and "自助党员" in page.content.decode()
    assert client.get(reverse("orgs:person_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("orgs:person_update", args=[own.pk])).status_code == 403
    assert client.get(reverse("orgs:person_list")).status_code == 403  # no list of the organization's people


def test_an_unlinked_member_sees_no_member_record(tree, users):
    make_person(tree["wujiatai"])
    assert not Person.objects.visible_to(users["member"]).exists()
